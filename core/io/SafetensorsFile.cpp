#include "io/SafetensorsFile.h"

#include <algorithm>
#include <fstream>
#include <limits>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind {

namespace {

// A header larger than this is not a model checkpoint (the reference reader caps at 100 MB).
constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;

std::uint64_t readLength(std::istream& in, const std::filesystem::path& path) {
  unsigned char b[8];
  if (!in.read(reinterpret_cast<char*>(b), 8))
    throw FileError(path, "not a safetensors file: shorter than its 8-byte header length");
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | b[i];
  return n;
}

struct ParsedHeader {
  SafetensorsContent content;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> offsets;
  std::uint64_t dataStart = 0;
};

ParsedHeader parseHeader(std::istream& in, const std::filesystem::path& path,
                         std::uint64_t fileSize) {
  ParsedHeader parsed;
  const std::uint64_t headerBytes = readLength(in, path);
  if (headerBytes > kMaxHeaderBytes || headerBytes > fileSize - 8)
    throw FileError(path, fmt::format("safetensors header length {} exceeds the file ({} bytes)",
                                      headerBytes, fileSize));
  std::string text(headerBytes, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(headerBytes)))
    throw FileError(path, "safetensors header is truncated");
  parsed.dataStart = 8 + headerBytes;
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(path, std::string("safetensors header is not JSON: ") + e.what());
  }
  if (!header.is_object()) throw FileError(path, "safetensors header is not a JSON object");
  const std::uint64_t dataBytes = fileSize - parsed.dataStart;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw FileError(path, "__metadata__ is not an object");
      for (auto& [k, v] : entry.items()) {
        if (!v.is_string()) throw FileError(path, "metadata value of '" + k + "' is not a string");
        parsed.content.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    StoredTensor t;
    std::uint64_t begin = 0, end = 0;
    try {
      t.dtype = entry.at("dtype").get<std::string>();
      t.shape = entry.at("shape").get<std::vector<std::int64_t>>();
      auto off = entry.at("data_offsets").get<std::vector<std::uint64_t>>();
      if (off.size() != 2)
        throw FileError(path, "tensor '" + name + "': data_offsets needs 2 values");
      begin = off[0];
      end = off[1];
    } catch (const nlohmann::json::exception& e) {
      throw FileError(path, "tensor '" + name + "': " + e.what());
    }
    const int size = safetensorsDtypeSize(t.dtype);
    if (size == 0) throw FileError(path, "tensor '" + name + "': unknown dtype " + t.dtype);
    std::uint64_t elements = 1;
    for (auto d : t.shape) {
      if (d < 0 ||
          (d > 0 && elements > std::numeric_limits<std::uint64_t>::max() / std::uint64_t(d)))
        throw FileError(path, "tensor '" + name + "': invalid shape");
      elements *= std::uint64_t(d);
    }
    if (end < begin || end > dataBytes)
      throw FileError(
          path, fmt::format("tensor '{}': data_offsets [{}, {}] outside the {} data bytes", name,
                            begin, end, dataBytes));
    if (end - begin != elements * std::uint64_t(size))
      throw FileError(path, fmt::format("tensor '{}': {} bytes for {} elements of {}", name,
                                        end - begin, elements, t.dtype));
    ranges.emplace_back(begin, end);
    parsed.offsets[name] = {begin, end};
    parsed.content.tensors.emplace(name, std::move(t));
  }
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t cursor = 0;
  for (auto [b, e] : ranges) {
    if (b != cursor)
      throw FileError(path, "safetensors data is not contiguous (overlap or gap at byte " +
                                std::to_string(b) + ")");
    cursor = e;
  }
  if (cursor != dataBytes)
    throw FileError(path, fmt::format("safetensors data has {} bytes, the tensors cover {}",
                                      dataBytes, cursor));
  return parsed;
}

SafetensorsContent read(const std::filesystem::path& path, bool withData) {
  std::error_code ec;
  const auto fileSize = std::filesystem::file_size(path, ec);
  if (ec) throw FileError(path, "cannot open: " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot open for reading");
  auto parsed = parseHeader(in, path, fileSize);
  if (withData) {
    for (auto& [name, t] : parsed.content.tensors) {
      auto [b, e] = parsed.offsets.at(name);
      t.bytes.resize(e - b);
      in.seekg(static_cast<std::streamoff>(parsed.dataStart + b));
      if (!in.read(reinterpret_cast<char*>(t.bytes.data()), static_cast<std::streamsize>(e - b)))
        throw FileError(path, "tensor '" + name + "' is truncated");
    }
  }
  return parsed.content;
}

}  // namespace

std::int64_t StoredTensor::elementCount() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

int safetensorsDtypeSize(const std::string& dtype) {
  static const std::map<std::string, int> sizes{
      {"F64", 8}, {"F32", 4}, {"F16", 2},  {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"I16", 2},
      {"I8", 1},  {"U8", 1},  {"BOOL", 1}, {"U16", 2},  {"U32", 4}, {"U64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

void writeSafetensors(const std::filesystem::path& path, const SafetensorsContent& content) {
  nlohmann::json header = nlohmann::json::object();
  if (!content.metadata.empty()) header["__metadata__"] = content.metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, t] : content.tensors) {
    const auto expected =
        std::uint64_t(t.elementCount()) * std::uint64_t(safetensorsDtypeSize(t.dtype));
    if (safetensorsDtypeSize(t.dtype) == 0 || expected != t.bytes.size())
      throw FileError(path, "tensor '" + name + "' has " + std::to_string(t.bytes.size()) +
                                " bytes, not what dtype " + t.dtype + " and its shape need");
    header[name] = {{"dtype", t.dtype},
                    {"shape", t.shape},
                    {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  writeFileAtomically(path, [&](const std::filesystem::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    unsigned char len[8];
    for (int i = 0; i < 8; ++i)
      len[i] = static_cast<unsigned char>(std::uint64_t(text.size()) >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& [name, t] : content.tensors)
      out.write(reinterpret_cast<const char*>(t.bytes.data()),
                static_cast<std::streamsize>(t.bytes.size()));
    out.flush();
    if (!out) throw FileError(path, "write failed (disk full?)");
  });
}

SafetensorsContent readSafetensors(const std::filesystem::path& path) {
  return read(path, true);
}
SafetensorsContent readSafetensorsHeader(const std::filesystem::path& path) {
  return read(path, false);
}

}  // namespace teramind
