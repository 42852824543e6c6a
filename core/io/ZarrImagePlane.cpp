#include "io/ZarrImagePlane.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include <blosc.h>
#include <fmt/core.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "io/BoundedJson.h"

namespace teramind {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kMaxDims = 8;
constexpr std::int64_t kMaxSide = std::int64_t(1) << 40;
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t(256) << 20;
constexpr std::uintmax_t kMaxHeaderBytes = 1u << 20;
constexpr int kMaxHeaderDepth = 16;  // an array header nests 4 deep

json readHeader(const fs::path& file) {
  std::error_code ec;
  const auto bytes = fs::file_size(file, ec);
  if (ec) throw FileError(file, "cannot be read (not a Zarr array?)");
  if (bytes > kMaxHeaderBytes)
    throw FileError(file, fmt::format("{} bytes, more than a Zarr header may take", bytes));
  std::ifstream in(file);
  return parseBoundedJson(in, file, kMaxHeaderDepth);
}

std::vector<std::int64_t> sides(const json& v, std::size_t count, const fs::path& file,
                                const std::string& name) {
  if (!v.is_array() || v.size() != count)
    throw FileError(
        file, fmt::format("{}: {} is not {} sides (one per axis)", name, shownJson(v), count));
  std::vector<std::int64_t> out;
  for (const auto& s : v) {
    if (!s.is_number_integer() || s.get<std::int64_t>() < 1 || s.get<std::int64_t>() > kMaxSide)
      throw FileError(file,
                      fmt::format("{}: {} holds a side that is not 1…2^40", name, shownJson(v)));
    out.push_back(s.get<std::int64_t>());
  }
  return out;
}

std::uint16_t fillValue(const json& v, int bytes, const fs::path& file) {
  if (v.is_null()) return 0;
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
      v.get<std::int64_t>() > (bytes == 1 ? 255 : 65535))
    throw FileError(file,
                    fmt::format("fill_value: {} is not a {}-bit value", shownJson(v), bytes * 8));
  return static_cast<std::uint16_t>(v.get<std::int64_t>());
}

}  // namespace

ZarrImagePlane::ZarrImagePlane(const fs::path& array, const std::vector<std::string>& axes,
                               int channel, int z)
    : array_(array), channel_(channel), z_(z) {
  if (axes.empty() || axes.size() > kMaxDims)
    throw FileError(array, fmt::format("{} axes (1…{} are read)", axes.size(), kMaxDims));
  v3_ = fs::exists(array / "zarr.json");
  header_ = array / (v3_ ? "zarr.json" : ".zarray");
  try {
    if (v3_)
      readV3Header(axes);
    else
      readV2Header(axes);
  } catch (const json::exception& e) {
    throw FileError(header_, std::string("not a Zarr array header: ") + e.what());
  }
  auto axis = [&](const char* name) {
    const auto it = std::find(axes.begin(), axes.end(), name);
    return it == axes.end() ? -1 : static_cast<int>(it - axes.begin());
  };
  if (axis("x") < 0 || axis("y") < 0) throw FileError(header_, "the image's axes name no y and x");
  xAxis_ = std::size_t(axis("x"));
  yAxis_ = std::size_t(axis("y"));
  cAxis_ = axis("c");
  zAxis_ = axis("z");
  if (channel < 0 || channel >= channels())
    throw FileError(header_, fmt::format("channel {} of {}", channel, channels()));
  if (z < 0 || z >= planes()) throw FileError(header_, fmt::format("z {} of {}", z, planes()));
  std::uint64_t chunkBytes = std::uint64_t(bytesPerSample_);
  for (const auto c : chunks_) {
    if (chunkBytes * std::uint64_t(c) > kMaxChunkBytes)
      throw FileError(header_, fmt::format("chunks of more than {} bytes", kMaxChunkBytes));
    chunkBytes *= std::uint64_t(c);
  }
}

void ZarrImagePlane::readV2Header(const std::vector<std::string>& axes) {
  const json a = readHeader(header_);
  if (!a.is_object() || a.value("zarr_format", 0) != 2)
    throw FileError(header_, "zarr_format: not 2 (not a Zarr v2 array)");
  shape_ = sides(a.at("shape"), axes.size(), header_, "shape");
  chunks_ = sides(a.at("chunks"), axes.size(), header_, "chunks");
  const std::string dtype = a.at("dtype").get<std::string>();
  if (dtype == "|u1" || dtype == "<u1" || dtype == ">u1") {
    bytesPerSample_ = 1;
  } else if (dtype == "<u2" || dtype == ">u2") {
    bytesPerSample_ = 2;
    bigEndian_ = dtype[0] == '>';
  } else {
    throw FileError(header_, fmt::format("dtype: \"{}\" (only unsigned 8- and 16-bit images: "
                                         "|u1, <u2, >u2)",
                                         dtype));
  }
  const json& compressor = a.at("compressor");
  if (compressor.is_null()) {
    codec_ = Codec::None;
  } else {
    const std::string id = compressor.at("id").get<std::string>();
    if (id == "blosc")
      codec_ = Codec::Blosc;
    else if (id == "zlib" || id == "gzip")
      codec_ = Codec::Zlib;
    else
      throw FileError(header_,
                      fmt::format("compressor: \"{}\" (only blosc, zlib, gzip or none)", id));
  }
  if (const auto& f = a.value("filters", json()); !f.is_null() && f != json::array())
    throw FileError(header_, fmt::format("filters: {} (none is supported)", shownJson(f)));
  if (a.value("order", std::string("C")) != "C")
    throw FileError(header_, "order: \"F\" (only C order)");
  fill_ = fillValue(a.value("fill_value", json()), bytesPerSample_, header_);
  const std::string sep = a.value("dimension_separator", std::string("."));
  if (sep != "." && sep != "/")
    throw FileError(header_, fmt::format("dimension_separator: \"{}\"", sep));
  separator_ = sep[0];
}

void ZarrImagePlane::readV3Header(const std::vector<std::string>& axes) {
  const json a = readHeader(header_);
  if (!a.is_object() || a.value("zarr_format", 0) != 3 || a.value("node_type", "") != "array")
    throw FileError(header_, "zarr_format, node_type: not 3, \"array\"");
  shape_ = sides(a.at("shape"), axes.size(), header_, "shape");
  const auto& grid = a.at("chunk_grid");
  if (grid.at("name") != "regular") throw FileError(header_, "chunk_grid.name: not \"regular\"");
  chunks_ = sides(grid.at("configuration").at("chunk_shape"), axes.size(), header_,
                  "chunk_grid.configuration.chunk_shape");
  const std::string type = a.at("data_type").get<std::string>();
  if (type == "uint8")
    bytesPerSample_ = 1;
  else if (type == "uint16")
    bytesPerSample_ = 2;
  else
    throw FileError(header_, fmt::format("data_type: \"{}\" (only uint8 and uint16 images)", type));
  const auto& keys = a.at("chunk_key_encoding");
  const std::string encoding = keys.at("name").get<std::string>();
  const json config = keys.value("configuration", json::object());
  const std::string sep = config.value("separator", std::string(encoding == "v2" ? "." : "/"));
  if ((encoding != "default" && encoding != "v2") || (sep != "." && sep != "/"))
    throw FileError(header_, fmt::format("chunk_key_encoding: {}", shownJson(keys)));
  separator_ = sep[0];
  keyPrefix_ = encoding == "default" ? "c" + sep : "";
  const auto& codecs = a.at("codecs");
  if (!codecs.is_array() || codecs.empty() || codecs.size() > 2)
    throw FileError(
        header_, fmt::format("codecs: {} (bytes, then at most one compressor)", shownJson(codecs)));
  if (codecs[0].at("name") != "bytes")
    throw FileError(header_, fmt::format("codecs[0]: {} (only \"bytes\": no sharding or "
                                         "transpose)",
                                         shownJson(codecs[0])));
  bigEndian_ = codecs[0].value("configuration", json::object()).value("endian", "little") == "big";
  if (codecs.size() == 2) {
    const std::string name = codecs[1].at("name").get<std::string>();
    if (name == "blosc")
      codec_ = Codec::Blosc;
    else if (name == "gzip")
      codec_ = Codec::Zlib;
    else
      throw FileError(header_, fmt::format("codecs[1]: \"{}\" (only blosc or gzip)", name));
  }
  fill_ = fillValue(a.value("fill_value", json()), bytesPerSample_, header_);
}

fs::path ZarrImagePlane::chunkFile(const std::vector<std::int64_t>& index) const {
  std::string key = keyPrefix_;
  for (std::size_t d = 0; d < index.size(); ++d)
    key += (d ? std::string(1, separator_) : std::string()) + std::to_string(index[d]);
  return array_ / fs::path(key);
}

std::vector<std::int64_t> ZarrImagePlane::chunkIndex(std::int64_t chunkRow,
                                                     std::int64_t chunkCol) const {
  std::vector<std::int64_t> index(chunks_.size(), 0);
  if (cAxis_ >= 0) index[std::size_t(cAxis_)] = channel_ / chunks_[std::size_t(cAxis_)];
  if (zAxis_ >= 0) index[std::size_t(zAxis_)] = z_ / chunks_[std::size_t(zAxis_)];
  index[yAxis_] = chunkRow, index[xAxis_] = chunkCol;
  return index;
}

bool ZarrImagePlane::hasChunk(std::int64_t chunkRow, std::int64_t chunkCol) const {
  if (chunkRow < 0 || chunkCol < 0 || chunkRow * chunkHeight() >= height() ||
      chunkCol * chunkWidth() >= width())
    return false;
  std::error_code ec;
  return std::filesystem::exists(chunkFile(chunkIndex(chunkRow, chunkCol)), ec);
}

std::vector<std::uint8_t> ZarrImagePlane::readChunk(const fs::path& file) const {
  std::uint64_t n = std::uint64_t(bytesPerSample_);
  for (const auto c : chunks_) n *= std::uint64_t(c);
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  // Only a chunk never written is the fill value; a directory or an unreadable file is an error.
  if (ec == std::errc::no_such_file_or_directory) return {};
  if (ec) throw FileError(file, "chunk cannot be read: " + ec.message());
  // No codec here expands data by more than a few bytes in a thousand beyond its raw size.
  if (size > n + n / 8 + 4096)
    throw FileError(file, fmt::format("{} bytes for a chunk of {} raw bytes", size, n));
  std::vector<std::uint8_t> packed(size);
  std::ifstream in(file, std::ios::binary);
  in.read(reinterpret_cast<char*>(packed.data()), std::streamsize(size));
  if (!in) throw FileError(file, "cannot be read");
  std::vector<std::uint8_t> raw(n);
  switch (codec_) {
    case Codec::None:
      if (size != n) throw FileError(file, fmt::format("{} bytes, not the chunk's {}", size, n));
      return packed;
    case Codec::Blosc: {
      std::size_t nbytes = 0, cbytes = 0, blocksize = 0;
      if (size >= BLOSC_MIN_HEADER_LENGTH)
        blosc_cbuffer_sizes(packed.data(), &nbytes, &cbytes, &blocksize);
      if (size < BLOSC_MIN_HEADER_LENGTH || nbytes != n || cbytes != size)
        throw FileError(file, fmt::format("not a blosc chunk of {} bytes", n));
      if (blosc_decompress_ctx(packed.data(), raw.data(), raw.size(), 1) != static_cast<int>(n))
        throw FileError(file, "blosc could not decompress the chunk");
      return raw;
    }
    case Codec::Zlib: {
      z_stream z{};
      if (inflateInit2(&z, 15 + 32) != Z_OK) throw FileError(file, "zlib could not start");
      z.next_in = packed.data();
      z.avail_in = static_cast<uInt>(packed.size());
      z.next_out = raw.data();
      z.avail_out = static_cast<uInt>(raw.size());
      const int rc = inflate(&z, Z_FINISH);
      const auto produced = z.total_out;
      inflateEnd(&z);
      if (rc != Z_STREAM_END || produced != n)
        throw FileError(file, fmt::format("not a zlib/gzip chunk of {} bytes", n));
      return raw;
    }
  }
  return raw;
}

std::vector<std::uint16_t> ZarrImagePlane::readWindow(std::int64_t x0, std::int64_t y0,
                                                      std::int64_t w, std::int64_t h) const {
  w = std::max<std::int64_t>(w, 0), h = std::max<std::int64_t>(h, 0);
  std::vector<std::uint16_t> out(std::size_t(w) * std::size_t(h), fill_);
  const std::int64_t xa = std::max<std::int64_t>(x0, 0), xb = std::min(x0 + w, width());
  const std::int64_t ya = std::max<std::int64_t>(y0, 0), yb = std::min(y0 + h, height());
  if (xa >= xb || ya >= yb) return out;
  const std::int64_t cw = chunks_[xAxis_], ch = chunks_[yAxis_];
  // Strides of the chunk's C order, and the offset of this channel (other axes at 0).
  std::vector<std::int64_t> stride(chunks_.size(), 1);
  for (std::size_t d = chunks_.size() - 1; d > 0; --d) stride[d - 1] = stride[d] * chunks_[d];
  std::vector<std::int64_t> index(chunks_.size(), 0);
  std::int64_t base = 0;
  if (cAxis_ >= 0) {
    const auto c = std::size_t(cAxis_);
    index[c] = channel_ / chunks_[c];
    base = (channel_ % chunks_[c]) * stride[c];
  }
  if (zAxis_ >= 0) {
    const auto z = std::size_t(zAxis_);
    index[z] = z_ / chunks_[z];
    base += (z_ % chunks_[z]) * stride[z];
  }
  for (std::int64_t cy = ya / ch; cy * ch < yb; ++cy)
    for (std::int64_t cx = xa / cw; cx * cw < xb; ++cx) {
      index[yAxis_] = cy, index[xAxis_] = cx;
      const auto file = chunkFile(index);
      const auto raw = readChunk(file);
      if (raw.empty()) continue;
      for (std::int64_t y = std::max(ya, cy * ch); y < std::min(yb, (cy + 1) * ch); ++y)
        for (std::int64_t x = std::max(xa, cx * cw); x < std::min(xb, (cx + 1) * cw); ++x) {
          const std::int64_t at =
              base + (y - cy * ch) * stride[yAxis_] + (x - cx * cw) * stride[xAxis_];
          std::uint16_t v = raw[std::size_t(at * bytesPerSample_)];
          if (bytesPerSample_ == 2) {
            const std::uint16_t hi = raw[std::size_t(at * 2 + (bigEndian_ ? 0 : 1))];
            const std::uint16_t lo = raw[std::size_t(at * 2 + (bigEndian_ ? 1 : 0))];
            v = static_cast<std::uint16_t>(hi << 8 | lo);
          }
          out[std::size_t((y - y0) * w + (x - x0))] = v;
        }
    }
  return out;
}

}  // namespace teramind
