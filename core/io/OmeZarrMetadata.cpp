#include "io/OmeZarrMetadata.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <system_error>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/BoundedJson.h"
#include "io/ZarrShard.h"

namespace teramind {
namespace {

using nlohmann::json;

// Bounds checked before any arithmetic on what a file says.
constexpr int kMaxLevels = 40;
constexpr std::int64_t kMaxPixels = std::int64_t(1) << 40;  // per side
constexpr int kMaxChunk = 16384;                            // 256 MiB a chunk
constexpr int kMaxChannels = 1 << 16;
constexpr int kMaxPlanes = 1 << 20;
// Voxels of level 0, channels × planes × height × width: 256 Ti.
constexpr std::int64_t kMaxVoxels = std::int64_t(1) << 48;
// What a header may take on disk and how deep its JSON may nest: ours are a few KiB, 6 deep.
constexpr std::uintmax_t kMaxHeaderBytes = 16u << 20;
constexpr int kMaxJsonDepth = 64;
constexpr int kMaxShardChunks = 1024;  // per side: an index of at most 16 MiB
// Chunks of one level, channel and plane: what a walk over every chunk or shard (repair,
// the pyramid, seams) may take; 2^24 chunks of 64 px is a 262k × 262k px plane.
constexpr std::int64_t kMaxChunksPerPlane = std::int64_t(1) << 24;

// Whether the level-0 chunk grid stays within kMaxChunksPerPlane (the levels above are
// smaller); the empty string when it does, else the problem.
std::string chunkGridProblem(std::int64_t height, std::int64_t width, int chunk) {
  const std::int64_t rows = (height + chunk - 1) / chunk, cols = (width + chunk - 1) / chunk;
  if (rows <= kMaxChunksPerPlane / cols) return {};
  return fmt::format(
      "{} x {} px in chunks of {} px is {} x {} chunks per channel and plane, "
      "more than the {} this reader walks",
      height, width, chunk, rows, cols, kMaxChunksPerPlane);
}

// A header's JSON, or FileError: missing, too large or too deep to read safely, not JSON.
json readJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot open (not an OME-Zarr image written by teramind?)");
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(file, ec);
  if (ec || bytes > kMaxHeaderBytes)
    throw FileError(file, fmt::format("{} bytes, more than the {} a header may take",
                                      ec ? std::uintmax_t(0) : bytes, kMaxHeaderBytes));
  return parseBoundedJson(in, file, kMaxJsonDepth);
}

const json kV2Compressor = {
    {"id", "blosc"}, {"cname", "zstd"}, {"clevel", 5}, {"shuffle", 1}, {"blocksize", 0}};
const json kBytesCodec = {{"name", "bytes"}, {"configuration", {{"endian", "little"}}}};
const json kBloscCodec = {{"name", "blosc"},
                          {"configuration",
                           {{"cname", "zstd"},
                            {"clevel", 5},
                            {"shuffle", "shuffle"},
                            {"typesize", 1},
                            {"blocksize", 0}}}};
const json kIndexCodecs = json::array({kBytesCodec, {{"name", "crc32c"}}});

json multiscales(const OmeZarrLayout& L, const std::string& name, bool withVersion) {
  json datasets = json::array();
  for (int l = 0; l < L.levels; ++l) {
    const double px = L.levelPixelUm(l), shift = px / 2;
    datasets.push_back(
        {{"path", std::to_string(l)},
         {"coordinateTransformations",
          {{{"type", "scale"}, {"scale", {1.0, L.planeUm, px, px}}},
           {{"type", "translation"},
            {"translation", {0.0, L.originZUm, L.originYUm + shift, L.originXUm + shift}}}}}});
  }
  const json axes = json::array({{{"name", "c"}, {"type", "channel"}},
                                 {{"name", "z"}, {"type", "space"}, {"unit", "micrometer"}},
                                 {{"name", "y"}, {"type", "space"}, {"unit", "micrometer"}},
                                 {{"name", "x"}, {"type", "space"}, {"unit", "micrometer"}}});
  json ms = {{"name", name}, {"axes", axes}, {"datasets", datasets}, {"type", "mean"}};
  if (withVersion) ms["version"] = "0.4";  // NGFF 0.5 names its version once, under "ome"
  return json::array({ms});
}

json omero(const OmeZarrLayout& L) {
  json channels = json::array();
  const char* colours[] = {"0000FF", "00FF00", "FF0000", "FFFFFF"};
  for (std::size_t c = 0; c < L.channels.size(); ++c)
    channels.push_back({{"label", L.channels[c]},
                        {"color", colours[std::min<std::size_t>(c, 3)]},
                        {"active", true},
                        {"window", {{"start", 0}, {"end", 255}, {"min", 0}, {"max", 255}}}});
  return {{"channels", channels}, {"rdefs", {{"model", "color"}}}};
}

json shape(const OmeZarrLayout& L, int level) {
  return {L.channels.size(), L.planes, L.levelHeight(level), L.levelWidth(level)};
}

json v3Array(const OmeZarrLayout& L, int level) {
  return {{"zarr_format", 3},
          {"node_type", "array"},
          {"shape", shape(L, level)},
          {"data_type", "uint8"},
          {"chunk_grid",
           {{"name", "regular"}, {"configuration", {{"chunk_shape", {1, 1, L.shard, L.shard}}}}}},
          {"chunk_key_encoding", {{"name", "default"}, {"configuration", {{"separator", "/"}}}}},
          {"fill_value", 0},
          {"codecs",
           {{{"name", "sharding_indexed"},
             {"configuration",
              {{"chunk_shape", {1, 1, L.chunk, L.chunk}},
               {"codecs", {kBytesCodec, kBloscCodec}},
               {"index_codecs", kIndexCodecs},
               {"index_location", "end"}}}}}},
          {"dimension_names", {"c", "z", "y", "x"}},
          {"attributes", json::object()}};
}

json v2Array(const OmeZarrLayout& L, int level) {
  return {{"zarr_format", 2}, {"shape", shape(L, level)},    {"chunks", {1, 1, L.chunk, L.chunk}},
          {"dtype", "|u1"},   {"compressor", kV2Compressor}, {"fill_value", 0},
          {"order", "C"},     {"filters", nullptr},          {"dimension_separator", "/"}};
}

// --- reading: every field's presence, JSON type and range checked before any use ---

using File = std::filesystem::path;

// A value as it appears in a message: short, whatever the file holds.
std::string shown(const json& v) {
  auto text = v.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

const json& object(const json& v, const File& file, const std::string& name) {
  if (!v.is_object()) throw FileError(file, fmt::format("{}: {} is not an object", name, shown(v)));
  return v;
}

const json& array(const json& v, const File& file, const std::string& name, std::size_t least,
                  std::size_t most) {
  if (!v.is_array()) throw FileError(file, fmt::format("{}: {} is not an array", name, shown(v)));
  if (v.size() < least || v.size() > most)
    throw FileError(file, fmt::format("{}: {} entries, not {}…{}", name, v.size(), least, most));
  return v;
}

// Field `key` of an object named `name` ("" at the top), or FileError "<name.key>: missing".
const json& member(const json& parent, const std::string& key, const File& file,
                   const std::string& name = {}) {
  const auto full = name.empty() ? key : name + "." + key;
  object(parent, file, name.empty() ? "the file" : name);
  const auto it = parent.find(key);
  if (it == parent.end()) throw FileError(file, full + ": missing");
  return *it;
}

// Field `key` if present, else null.
const json& optionalMember(const json& parent, const std::string& key) {
  static const json absent;
  if (!parent.is_object()) return absent;
  const auto it = parent.find(key);
  return it == parent.end() ? absent : *it;
}

std::string text(const json& v, const File& file, const std::string& name) {
  if (!v.is_string()) throw FileError(file, fmt::format("{}: {} is not a string", name, shown(v)));
  return v.get<std::string>();
}

// An integer field within [lo, hi], or FileError naming the field.
std::int64_t integer(const json& v, const File& file, const std::string& name, std::int64_t lo,
                     std::int64_t hi) {
  if (!v.is_number_integer())
    throw FileError(file, fmt::format("{}: {} is not an integer", name, shown(v)));
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(hi))
    throw FileError(file, fmt::format("{}: {} is outside [{}, {}]", name, shown(v), lo, hi));
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi)
    throw FileError(file, fmt::format("{}: {} is outside [{}, {}]", name, x, lo, hi));
  return x;
}

double number(const json& v, const File& file, const std::string& name, bool positive) {
  if (!v.is_number()) throw FileError(file, fmt::format("{}: {} is not a number", name, shown(v)));
  const double x = v.get<double>();
  if (!std::isfinite(x) || (positive && x <= 0))
    throw FileError(
        file, fmt::format("{}: {} is not a {}finite number", name, x, positive ? "positive " : ""));
  return x;
}

// One of `allowed` (a string field), or FileError naming the field, the value and the choices.
std::string oneOf(const json& v, const File& file, const std::string& name,
                  const std::vector<std::string>& allowed) {
  const auto s = text(v, file, name);
  if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
    std::string choices;
    for (const auto& a : allowed) choices += (choices.empty() ? "" : ", ") + a;
    throw FileError(file, fmt::format("{}: \"{}\" is not supported (only {})", name, s, choices));
  }
  return s;
}

// A dataset's "scale" or "translation" transformation: 4 numbers, scales positive.
std::vector<double> transformation(const json& t, const File& file, const std::string& name,
                                   const std::string& type) {
  const auto kind = text(member(t, "type", file, name), file, name + ".type");
  if (kind != type)
    throw FileError(file, fmt::format("{}.type: \"{}\" where {} belongs", name, kind, type));
  const auto& values = array(member(t, type, file, name), file, name + "." + type, 4, 4);
  std::vector<double> out;
  for (std::size_t i = 0; i < 4; ++i)
    out.push_back(
        number(values[i], file, fmt::format("{}.{}[{}]", name, type, i), type == "scale"));
  return out;
}

// The multiscales and omero metadata (either NGFF version) into the layout.
void readMultiscales(const json& multiscalesJson, const json& omeroJson, const File& file,
                     OmeZarrLayout& L) {
  const auto& ms =
      object(array(multiscalesJson, file, "multiscales", 1, 64)[0], file, "multiscales[0]");
  if (const auto& axes = optionalMember(ms, "axes"); !axes.is_null()) {
    const char* names[] = {"c", "z", "y", "x"};
    array(axes, file, "multiscales[0].axes", 4, 4);
    for (std::size_t i = 0; i < 4; ++i) {
      const auto name = fmt::format("multiscales[0].axes[{}]", i);
      if (text(member(axes[i], "name", file, name), file, name + ".name") != names[i])
        throw FileError(file, fmt::format("{}.name: {}, not \"{}\" (axes must be c, z, y, x)", name,
                                          shown(axes[i]["name"]), names[i]));
    }
  }
  const auto& datasets = array(member(ms, "datasets", file, "multiscales[0]"), file,
                               "multiscales[0].datasets", 1, std::size_t(kMaxLevels));
  L.levels = static_cast<int>(datasets.size());
  for (int l = 0; l < L.levels; ++l) {
    const auto name = fmt::format("multiscales[0].datasets[{}]", l);
    const auto& d = datasets[std::size_t(l)];
    if (text(member(d, "path", file, name), file, name + ".path") != std::to_string(l))
      throw FileError(file, fmt::format("{}.path: {}, not \"{}\"", name, shown(d["path"]), l));
    const auto& ts = array(member(d, "coordinateTransformations", file, name), file,
                           name + ".coordinateTransformations", 1, 2);
    const auto scale = transformation(ts[0], file, name + ".coordinateTransformations[0]", "scale");
    if (l == 0) {
      L.planeUm = scale[1];
      L.pixelUm = scale[3];
      if (ts.size() < 2)
        throw FileError(file, name + ".coordinateTransformations[1]: missing (the translation)");
      const auto t =
          transformation(ts[1], file, name + ".coordinateTransformations[1]", "translation");
      L.originZUm = t[1];
      L.originYUm = t[2] - L.pixelUm / 2;
      L.originXUm = t[3] - L.pixelUm / 2;
    } else if (ts.size() > 1) {
      transformation(ts[1], file, name + ".coordinateTransformations[1]", "translation");
    }
  }
  const auto& channels = array(member(object(omeroJson, file, "omero"), "channels", file, "omero"),
                               file, "omero.channels", 1, std::size_t(kMaxChannels));
  for (std::size_t c = 0; c < channels.size(); ++c) {
    const auto name = fmt::format("omero.channels[{}]", c);
    L.channels.push_back(text(member(channels[c], "label", file, name), file, name + ".label"));
  }
}

// The level's array shape against the layout; level 0 sets planes, height and width.
void readShape(const json& s, const File& file, int level, OmeZarrLayout& L) {
  if (!s.is_array() || s.size() != 4)
    throw FileError(file, fmt::format("shape: {} is not [c, z, y, x]", shown(s)));
  if (integer(s[0], file, "shape[0] (channels)", 1, kMaxChannels) !=
      std::int64_t(L.channels.size()))
    throw FileError(
        file, fmt::format("shape[0]: {} channels, omero names {}", s[0].dump(), L.channels.size()));
  if (level == 0) {
    L.planes = static_cast<int>(integer(s[1], file, "shape[1] (planes)", 1, kMaxPlanes));
    L.height = integer(s[2], file, "shape[2] (height)", 1, kMaxPixels);
    L.width = integer(s[3], file, "shape[3] (width)", 1, kMaxPixels);
  } else {
    for (std::size_t i = 1; i < 4; ++i)
      integer(s[i], file, fmt::format("shape[{}]", i), 1, kMaxPixels);
    if (s != shape(L, level))
      throw FileError(file, fmt::format("shape: {} is not level 0's halved {} times ({})", s.dump(),
                                        level, shape(L, level).dump()));
  }
}

int readChunkShape(const json& c, const File& file, const std::string& name, int maxSide) {
  if (!c.is_array() || c.size() != 4)
    throw FileError(file, fmt::format("{}: {} is not [1, 1, n, n]", name, shown(c)));
  integer(c[0], file, name + "[0]", 1, 1);
  integer(c[1], file, name + "[1]", 1, 1);
  const auto side = integer(c[2], file, name + "[2] (side)", 2, maxSide);
  if (integer(c[3], file, name + "[3] (side)", 2, maxSide) != side)
    throw FileError(file, fmt::format("{}: {} is not square [1, 1, n, n]", name, c.dump()));
  if (side % 2 != 0)  // the pyramid halves a chunk
    throw FileError(file,
                    fmt::format("{}: side {} is odd (the pyramid halves chunks)", name, side));
  return static_cast<int>(side);
}

// Blosc's parameters, as numcodecs (v2) or the v3 codec writes them.
void readBloscConfiguration(const json& c, const File& file, const std::string& name, bool v3) {
  object(c, file, name);
  oneOf(member(c, "cname", file, name), file, name + ".cname",
        {"blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd"});
  integer(member(c, "clevel", file, name), file, name + ".clevel", 0, 9);
  if (v3) {
    oneOf(member(c, "shuffle", file, name), file, name + ".shuffle",
          {"noshuffle", "shuffle", "bitshuffle"});
    if (const auto& t = optionalMember(c, "typesize"); !t.is_null())
      integer(t, file, name + ".typesize", 1, 255);
  } else {
    integer(member(c, "shuffle", file, name), file, name + ".shuffle", -1, 2);
  }
  if (const auto& b = optionalMember(c, "blocksize"); !b.is_null())
    integer(b, file, name + ".blocksize", 0, std::int64_t(1) << 31);
}

void readV2Array(const File& file, int level, OmeZarrLayout& L, char& separator) {
  const auto a = readJson(file);
  object(a, file, "the file");
  if (integer(member(a, "zarr_format", file), file, "zarr_format", 0, 1 << 16) != 2)
    throw FileError(file, "zarr_format: not 2 (not a Zarr v2 array)");
  readShape(member(a, "shape", file), file, level, L);
  const int chunk = readChunkShape(member(a, "chunks", file), file, "chunks", kMaxChunk);
  if (level == 0) L.chunk = chunk;
  if (chunk != L.chunk)
    throw FileError(file, fmt::format("chunks: side {} differs from level 0's {}", chunk, L.chunk));
  oneOf(member(a, "dtype", file), file, "dtype", {"|u1", "<u1", ">u1"});
  const auto& compressor = member(a, "compressor", file);
  if (compressor.is_null())
    throw FileError(file, "compressor: null (uncompressed) is not supported (only blosc)");
  oneOf(member(compressor, "id", file, "compressor"), file, "compressor.id", {"blosc"});
  readBloscConfiguration(compressor, file, "compressor", false);
  if (integer(member(a, "fill_value", file), file, "fill_value", 0, 255) != 0)
    throw FileError(file, "fill_value: not 0");
  oneOf(member(a, "order", file), file, "order", {"C"});
  if (const auto& f = optionalMember(a, "filters"); !f.is_null() && f != json::array())
    throw FileError(file, fmt::format("filters: {} (none is supported)", shown(f)));
  const auto& sepJson = optionalMember(a, "dimension_separator");
  const auto sep = sepJson.is_null() ? std::string(".")
                                     : oneOf(sepJson, file, "dimension_separator", {".", "/"});
  if (level == 0) separator = sep[0];
  if (separator != sep[0])
    throw FileError(file, "dimension_separator: differs from level 0's (its key separator)");
}

void readV3Array(const File& file, int level, OmeZarrLayout& L) {
  const auto a = readJson(file);
  object(a, file, "the file");
  if (integer(member(a, "zarr_format", file), file, "zarr_format", 0, 1 << 16) != 3 ||
      text(member(a, "node_type", file), file, "node_type") != "array")
    throw FileError(file, "zarr_format, node_type: not 3, \"array\" (not a Zarr v3 array)");
  readShape(member(a, "shape", file), file, level, L);
  if (member(a, "data_type", file) != "uint8")
    throw FileError(file, fmt::format("data_type is not uint8: {} (the only type read)",
                                      shown(a["data_type"])));
  if (integer(member(a, "fill_value", file), file, "fill_value", 0, 255) != 0)
    throw FileError(file, "fill_value: not 0");
  if (!a.contains("chunk_grid"))
    throw FileError(file, "chunk_grid: missing (not a Zarr v3 sharded array)");
  const auto& grid = a["chunk_grid"];
  oneOf(member(grid, "name", file, "chunk_grid"), file, "chunk_grid.name", {"regular"});
  const int shard = readChunkShape(member(member(grid, "configuration", file, "chunk_grid"),
                                          "chunk_shape", file, "chunk_grid.configuration"),
                                   file, "chunk_grid chunk_shape", kMaxChunk * kMaxShardChunks);
  const auto& keys = member(a, "chunk_key_encoding", file);
  oneOf(member(keys, "name", file, "chunk_key_encoding"), file, "chunk_key_encoding.name",
        {"default"});
  if (const auto& c = optionalMember(keys, "configuration"); !c.is_null())
    if (const auto& s =
            optionalMember(object(c, file, "chunk_key_encoding.configuration"), "separator");
        !s.is_null())
      oneOf(s, file, "chunk_key_encoding.configuration.separator", {"/"});
  const auto& codecs = member(a, "codecs", file);
  if (!codecs.is_array() || codecs.size() != 1 || !codecs[0].is_object() ||
      codecs[0].value("name", json()) != "sharding_indexed")
    throw FileError(file, fmt::format("codecs: {} is not [sharding_indexed]", shown(codecs)));
  const auto& sharding = member(codecs[0], "configuration", file, "codecs[0]");
  const std::string at = "codecs[0].configuration";
  const int chunk = readChunkShape(member(sharding, "chunk_shape", file, at), file,
                                   "sharding chunk_shape", kMaxChunk);
  if (shard % chunk != 0 || shard / chunk > kMaxShardChunks)
    throw FileError(file, fmt::format("chunk_grid: shard side {} is not a multiple of the chunk "
                                      "{} (at most {} chunks)",
                                      shard, chunk, kMaxShardChunks));
  const auto& inner = member(sharding, "codecs", file, at);
  if (!inner.is_array() || inner.size() != 2 || !inner[0].is_object() || !inner[1].is_object() ||
      inner[0].value("name", json()) != "bytes" || inner[1].value("name", json()) != "blosc")
    throw FileError(file, fmt::format("{}.codecs: {} is not [bytes, blosc]", at, shown(inner)));
  if (const auto& c = optionalMember(inner[0], "configuration"); !c.is_null())
    if (const auto& e = optionalMember(object(c, file, at + ".codecs[0].configuration"), "endian");
        !e.is_null())
      oneOf(e, file, at + ".codecs[0].configuration.endian", {"little", "big"});
  readBloscConfiguration(member(inner[1], "configuration", file, at + ".codecs[1]"), file,
                         at + ".codecs[1].configuration", true);
  if (member(sharding, "index_codecs", file, at) != kIndexCodecs)
    throw FileError(file, fmt::format("{}.index_codecs: {} (the shard index is read as "
                                      "little-endian with crc32c only)",
                                      at, shown(sharding["index_codecs"])));
  if (const auto& where = optionalMember(sharding, "index_location"); !where.is_null())
    if (text(where, file, at + ".index_location") != "end")
      throw FileError(file, fmt::format("{}.index_location: {} (the shard index is read at the "
                                        "end only)",
                                        at, shown(where)));
  if (const auto& st = optionalMember(a, "storage_transformers");
      !st.is_null() && st != json::array())
    throw FileError(file, fmt::format("storage_transformers: {} (none is supported)", shown(st)));
  if (const auto& names = optionalMember(a, "dimension_names"); !names.is_null())
    array(names, file, "dimension_names", 4, 4);
  if (level == 0) {
    L.chunk = chunk;
    L.shard = shard;
  }
  if (chunk != L.chunk || shard != L.shard)
    throw FileError(file, fmt::format("chunk_shape: chunks of {} in shards of {} differ from "
                                      "level 0's ({} in {})",
                                      chunk, shard, L.chunk, L.shard));
}

// Channels × planes × height × width within kMaxVoxels; the empty string when it is, else
// the problem.
std::string voxelProblem(const OmeZarrLayout& L) {
  const double voxels =
      double(L.channels.size()) * double(L.planes) * double(L.height) * double(L.width);
  if (voxels <= double(kMaxVoxels)) return {};
  return fmt::format(
      "shape: {} x {} x {} x {} is {:.3g} voxels, more than the 2^48 this "
      "reader takes",
      L.channels.size(), L.planes, L.height, L.width, voxels);
}

}  // namespace

int OmeZarrLayout::levelsToFit(std::int64_t height, std::int64_t width, int chunk) {
  int levels = 1;
  while ((std::max(height, width) >> (levels - 1)) > chunk) ++levels;
  return levels;
}

int OmeZarrLayout::shardFor(int chunk, std::int64_t height, std::int64_t width, int pixels) {
  const std::int64_t side = std::max<std::int64_t>({height, width, 1});
  const std::int64_t n = std::max<std::int64_t>(1, side / std::max(1, pixels));
  const std::int64_t chunks = ((side + n - 1) / n + chunk - 1) / chunk;
  return static_cast<int>(std::clamp<std::int64_t>(chunks, 1, kMaxShardChunks)) * chunk;
}

void writeOmeZarrMetadata(const std::filesystem::path& path, const OmeZarrLayout& layout,
                          const std::string& attributes) {
  const auto& L = layout;
  if (L.channels.empty() || L.planes < 1 || L.height < 1 || L.width < 1 || L.chunk < 2 ||
      L.chunk % 2 != 0 || L.levels < 1)
    throw FileError(path,
                    "an OME-Zarr image needs channels, planes, pixels, levels and an even "
                    "chunk side");
  if (L.height > kMaxPixels || L.width > kMaxPixels || L.chunk > kMaxChunk ||
      L.levels > kMaxLevels || L.shard < L.chunk || L.shard % L.chunk != 0 ||
      L.shard / L.chunk > kMaxShardChunks)
    throw FileError(path, fmt::format("chunk {} and shard {} px: the shard must be 1…{} chunks",
                                      L.chunk, L.shard, kMaxShardChunks));
  if (const auto problem = chunkGridProblem(L.height, L.width, L.chunk); !problem.empty())
    throw FileError(path, problem);
  if (const auto problem = voxelProblem(L); !problem.empty()) throw FileError(path, problem);
  if (L.channels.size() > std::size_t(kMaxChannels) || L.planes > kMaxPlanes)
    throw FileError(path, fmt::format("{} channels and {} planes: at most {} and {}",
                                      L.channels.size(), L.planes, kMaxChannels, kMaxPlanes));
  std::filesystem::create_directories(path);
  const json teramind = {
      {"chunk", L.chunk},
      {"shard", L.shard},
      {"attributes", attributes.empty() ? json::object() : json::parse(attributes)}};
  const bool v3 = L.format == OmeZarrFormat::V3Sharded;
  for (int l = 0; l < L.levels; ++l) {
    const auto dir = path / std::to_string(l);
    std::filesystem::create_directories(dir);
    std::filesystem::remove_all(dir / ".built");  // markers of a store written here before
    if (v3)
      writeTextFileAtomically(dir / "zarr.json", v3Array(L, l).dump(2));
    else
      writeTextFileAtomically(dir / ".zarray", v2Array(L, l).dump(2));
  }
  const auto name = path.stem().string();
  if (v3) {
    const json group = {
        {"zarr_format", 3},
        {"node_type", "group"},
        {"attributes",
         {{"ome",
           {{"version", "0.5"}, {"multiscales", multiscales(L, name, false)}, {"omero", omero(L)}}},
          {"teramind", teramind}}}};
    writeTextFileAtomically(path / "zarr.json", group.dump(2));
  } else {
    writeTextFileAtomically(path / ".zgroup", json{{"zarr_format", 2}}.dump(2));
    const json attrs = {
        {"multiscales", multiscales(L, name, true)}, {"omero", omero(L)}, {"teramind", teramind}};
    writeTextFileAtomically(path / ".zattrs", attrs.dump(2));
  }
}

OmeZarrMetadata readOmeZarrMetadata(const std::filesystem::path& path) {
  OmeZarrMetadata metadata;
  auto& L = metadata.layout;
  const bool v3 = std::filesystem::exists(path / "zarr.json");
  const auto groupFile = path / (v3 ? "zarr.json" : ".zattrs");
  const auto group = readJson(groupFile);
  json teramind;
  try {
    object(group, groupFile, "the file");
    if (v3) {
      L.format = OmeZarrFormat::V3Sharded;
      if (integer(member(group, "zarr_format", groupFile), groupFile, "zarr_format", 0, 1 << 16) !=
              3 ||
          text(member(group, "node_type", groupFile), groupFile, "node_type") != "group")
        throw FileError(groupFile,
                        "zarr_format, node_type: not 3, \"group\" (not a Zarr v3 group)");
      const auto& attributes = member(group, "attributes", groupFile);
      const auto& ome = member(attributes, "ome", groupFile, "attributes");
      if (member(ome, "version", groupFile, "attributes.ome") != "0.5")
        throw FileError(groupFile, fmt::format("attributes.ome.version: NGFF {}, not 0.5",
                                               shown(ome["version"])));
      readMultiscales(member(ome, "multiscales", groupFile, "attributes.ome"),
                      member(ome, "omero", groupFile, "attributes.ome"), groupFile, L);
      teramind = optionalMember(attributes, "teramind");
    } else {
      L.format = OmeZarrFormat::V2;
      readMultiscales(member(group, "multiscales", groupFile), member(group, "omero", groupFile),
                      groupFile, L);
      teramind = optionalMember(group, "teramind");
    }
  } catch (const json::exception& e) {  // a check above missed a type: still named
    throw FileError(groupFile,
                    fmt::format("not NGFF {} multiscales: {}", v3 ? "0.5" : "0.4", e.what()));
  }
  for (int l = 0; l < L.levels; ++l) {
    const auto file = path / std::to_string(l) / (v3 ? "zarr.json" : ".zarray");
    try {
      if (v3)
        readV3Array(file, l, L);
      else
        readV2Array(file, l, L, metadata.separator);
    } catch (const json::exception& e) {
      throw FileError(file, fmt::format("not a Zarr v{} array: {}", v3 ? 3 : 2, e.what()));
    }
    if (l == 0) {
      if (const auto problem = chunkGridProblem(L.height, L.width, L.chunk); !problem.empty())
        throw FileError(file, problem);
      if (const auto problem = voxelProblem(L); !problem.empty()) throw FileError(file, problem);
    }
  }
  if (!v3) {  // V2's shard is only the pyramid's unit of work
    L.shard = OmeZarrLayout::shardFor(L.chunk, L.height, L.width);
    if (teramind.is_object() && teramind.contains("shard") &&
        teramind["shard"].is_number_integer()) {
      const auto s = teramind["shard"].get<std::int64_t>();
      if (s >= L.chunk && s % L.chunk == 0 && s / L.chunk <= kMaxShardChunks) L.shard = int(s);
    }
  }
  return metadata;
}

std::string readOmeZarrAttributes(const std::filesystem::path& path, OmeZarrFormat format) {
  const bool v3 = format == OmeZarrFormat::V3Sharded;
  const auto file = path / (v3 ? "zarr.json" : ".zattrs");
  auto attrs = readJson(file);
  if (v3) attrs = json(optionalMember(attrs, "attributes"));
  const auto& ours = optionalMember(optionalMember(attrs, "teramind"), "attributes");
  if (ours.is_null()) return "{}";
  return object(ours, file, "teramind.attributes").dump();
}

}  // namespace teramind
