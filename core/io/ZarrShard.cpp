#include "io/ZarrShard.h"

#include <array>
#include <fstream>
#include <system_error>

#include <fmt/core.h>

#include "common/FileError.h"

namespace teramind {
namespace {

std::array<std::uint32_t, 256> crc32cTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;  // reflected
    table[i] = c;
  }
  return table;
}

void putLittleEndian(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(std::uint8_t(v >> (8 * i)));
}

std::uint64_t getLittleEndian(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::uint32_t crc32c(const std::uint8_t* data, std::size_t size) {
  static const auto table = crc32cTable();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::vector<std::uint8_t> ZarrShard::encode(const Chunks& chunks) {
  std::vector<std::uint8_t> out, index;
  index.reserve(indexBytes(chunks.size()));
  for (const auto& c : chunks) {
    putLittleEndian(index, c.empty() ? kEmpty : out.size(), 8);
    putLittleEndian(index, c.empty() ? kEmpty : c.size(), 8);
    out.insert(out.end(), c.begin(), c.end());
  }
  putLittleEndian(index, crc32c(index.data(), index.size()), 4);
  out.insert(out.end(), index.begin(), index.end());
  return out;
}

ZarrShard ZarrShard::open(const std::filesystem::path& file, std::size_t chunkCount,
                          std::uint64_t maxChunkBytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw FileError(file, "cannot open the shard");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw FileError(file, "the shard is not a file");
  in.seekg(0, std::ios::end);
  const auto end = in.tellg();
  if (end < 0) throw FileError(file, "cannot read the shard's size");
  const auto fileBytes = static_cast<std::uint64_t>(end);
  const std::size_t n = indexBytes(chunkCount);
  if (fileBytes < n)
    throw FileError(file, fmt::format("shard cut short: {} bytes, less than its index of {} bytes "
                                      "(delete it to have its tiles generated again)",
                                      fileBytes, n));
  std::vector<std::uint8_t> index(n);
  in.seekg(static_cast<std::streamoff>(fileBytes - n));
  if (!in.read(reinterpret_cast<char*>(index.data()), static_cast<std::streamsize>(n)))
    throw FileError(file, "cannot read the shard index");
  const auto stored = static_cast<std::uint32_t>(getLittleEndian(index.data() + n - 4, 4));
  const auto computed = crc32c(index.data(), n - 4);
  if (stored != computed)
    throw FileError(file, fmt::format("shard cut short or damaged: the index checksum is {:08x}, "
                                      "the index's bytes give {:08x} (delete it to have its "
                                      "tiles generated again)",
                                      stored, computed));
  ZarrShard shard;
  shard.file_ = file;
  shard.entries_.resize(chunkCount);
  const std::uint64_t dataBytes = fileBytes - n;
  for (std::size_t i = 0; i < chunkCount; ++i) {
    Entry e{getLittleEndian(index.data() + 16 * i, 8),
            getLittleEndian(index.data() + 16 * i + 8, 8)};
    if (e.offset == kEmpty && e.size == kEmpty) continue;
    if (e.offset == kEmpty || e.size == kEmpty)
      throw FileError(file, fmt::format("shard index damaged: inner chunk {} has offset {} and "
                                        "nbytes {} (a chunk never written has 2^64 - 1 for both)",
                                        i, e.offset, e.size));
    if (e.size > maxChunkBytes)
      throw FileError(file, fmt::format("shard index damaged: inner chunk {} is {} bytes, more "
                                        "than the {} one chunk can take",
                                        i, e.size, maxChunkBytes));
    if (e.offset > dataBytes || e.size > dataBytes - e.offset)
      throw FileError(file, fmt::format("shard cut short: inner chunk {} at bytes {} + {} lies "
                                        "past its {} bytes of data (delete it to have its tiles "
                                        "generated again)",
                                        i, e.offset, e.size, dataBytes));
    shard.entries_[i] = e;
  }
  return shard;
}

std::vector<std::uint8_t> ZarrShard::read(std::size_t chunk) const {
  const Entry& e = entries_.at(chunk);
  if (e.size == kEmpty) return {};
  std::vector<std::uint8_t> bytes(e.size);
  std::ifstream in(file_, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(e.offset));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(e.size)))
    throw FileError(
        file_, fmt::format("shard cut short: cannot read inner chunk {} at bytes {} + {}", chunk,
                           e.offset, e.size));
  return bytes;
}

ZarrShard::Chunks ZarrShard::readAll() const {
  Chunks chunks(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) chunks[i] = read(i);
  return chunks;
}

}  // namespace teramind
