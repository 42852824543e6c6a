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
#include "io/ZarrShard.h"

namespace teramind {
namespace {

using nlohmann::json;

using nlohmann::json;

// Bounds checked before any arithmetic on what a file says.
constexpr int kMaxLevels = 40;
constexpr std::int64_t kMaxPixels = std::int64_t(1) << 40;  // per side
constexpr int kMaxChunk = 16384;
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

json readJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot open (not an OME-Zarr image written by teramind?)");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw FileError(file, fmt::format("not JSON: {}", e.what()));
  }
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

// An integer field within [lo, hi], or FileError naming the field.
std::int64_t integer(const json& v, const std::filesystem::path& file, const std::string& what,
                     std::int64_t lo, std::int64_t hi) {
  if (!v.is_number_integer())
    throw FileError(file, fmt::format("{} is not an integer: {}", what, v.dump()));
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi)
    throw FileError(file, fmt::format("{} is {}, outside [{}, {}]", what, x, lo, hi));
  return x;
}

double positive(const json& v, const std::filesystem::path& file, const std::string& what) {
  if (!v.is_number()) throw FileError(file, fmt::format("{} is not a number", what));
  const double x = v.get<double>();
  if (!std::isfinite(x) || x <= 0) throw FileError(file, fmt::format("{} is {}", what, x));
  return x;
}

double finite(const json& v, const std::filesystem::path& file, const std::string& what) {
  if (!v.is_number()) throw FileError(file, fmt::format("{} is not a number", what));
  const double x = v.get<double>();
  if (!std::isfinite(x)) throw FileError(file, fmt::format("{} is {}", what, x));
  return x;
}

// The multiscales and omero metadata (either NGFF version) into the layout.
void readMultiscales(const json& ms, const json& omeroJson, const std::filesystem::path& file,
                     OmeZarrLayout& L) {
  const auto& datasets = ms.at("datasets");
  if (!datasets.is_array() || datasets.empty() || datasets.size() > std::size_t(kMaxLevels))
    throw FileError(file, fmt::format("multiscales has {} datasets, not 1…{}",
                                      datasets.is_array() ? datasets.size() : 0, kMaxLevels));
  L.levels = static_cast<int>(datasets.size());
  for (int l = 0; l < L.levels; ++l)
    if (datasets.at(std::size_t(l)).at("path") != std::to_string(l))
      throw FileError(file, fmt::format("dataset {} is not at path \"{}\"", l, l));
  const auto& t0 = datasets.at(0).at("coordinateTransformations");
  L.planeUm = positive(t0.at(0).at("scale").at(1), file, "the plane spacing");
  L.pixelUm = positive(t0.at(0).at("scale").at(3), file, "the pixel size");
  L.originZUm = finite(t0.at(1).at("translation").at(1), file, "the z translation");
  L.originYUm = finite(t0.at(1).at("translation").at(2), file, "the y translation") - L.pixelUm / 2;
  L.originXUm = finite(t0.at(1).at("translation").at(3), file, "the x translation") - L.pixelUm / 2;
  for (const auto& c : omeroJson.at("channels"))
    L.channels.push_back(c.at("label").get<std::string>());
  if (L.channels.empty()) throw FileError(file, "omero names no channel");
}

// The level's array shape against the layout; level 0 sets planes, height and width.
void readShape(const json& s, const std::filesystem::path& file, int level, OmeZarrLayout& L) {
  if (!s.is_array() || s.size() != 4) throw FileError(file, "shape is not [c, z, y, x]");
  if (integer(s[0], file, "shape[0] (channels)", 1, 1 << 16) != std::int64_t(L.channels.size()))
    throw FileError(file,
                    fmt::format("has {} channels, omero names {}", s[0].dump(), L.channels.size()));
  if (level == 0) {
    L.planes = static_cast<int>(integer(s[1], file, "shape[1] (planes)", 1, 1 << 20));
    L.height = integer(s[2], file, "shape[2] (height)", 1, kMaxPixels);
    L.width = integer(s[3], file, "shape[3] (width)", 1, kMaxPixels);
  } else if (s != shape(L, level)) {
    throw FileError(file, fmt::format("shape {} is not level 0's halved {} times ({})", s.dump(),
                                      level, shape(L, level).dump()));
  }
}

int readChunkShape(const json& c, const std::filesystem::path& file, const std::string& what,
                   int maxSide) {
  if (!c.is_array() || c.size() != 4 || c[0] != 1 || c[1] != 1 || c[2] != c[3])
    throw FileError(file, fmt::format("{} {} is not [1, 1, n, n]", what, c.dump()));
  const auto side = integer(c[2], file, what + " side", 2, maxSide);
  if (side % 2 != 0)  // the pyramid halves a chunk
    throw FileError(file, fmt::format("{} side {} is odd (the pyramid halves chunks)", what, side));
  return static_cast<int>(side);
}

void readV2Array(const std::filesystem::path& file, int level, OmeZarrLayout& L, char& separator) {
  const auto a = readJson(file);
  try {
    if (a.at("zarr_format") != 2) throw FileError(file, "not a Zarr v2 array");
    readShape(a.at("shape"), file, level, L);
    const int chunk = readChunkShape(a.at("chunks"), file, "chunks", kMaxChunk);
    if (level == 0) L.chunk = chunk;
    if (chunk != L.chunk) throw FileError(file, "its chunks differ from level 0's");
    if (a.at("dtype") != "|u1" || a.at("compressor").value("id", "") != "blosc" ||
        a.value("fill_value", json(0)) != 0 || a.value("order", "C") != "C" ||
        !a.value("filters", json()).is_null())
      throw FileError(file, "not an 8-bit, C-ordered, blosc-compressed array filled with 0");
    const auto sep = a.value("dimension_separator", std::string("."));
    if (sep != "." && sep != "/")
      throw FileError(file, fmt::format("dimension_separator \"{}\" is neither . nor /", sep));
    if (level == 0) separator = sep[0];
    if (separator != sep[0]) throw FileError(file, "its key separator differs from level 0's");
  } catch (const json::exception& e) {
    throw FileError(file, fmt::format("not a Zarr v2 array: {}", e.what()));
  }
}

void readV3Array(const std::filesystem::path& file, int level, OmeZarrLayout& L) {
  const auto a = readJson(file);
  try {
    if (a.at("zarr_format") != 3 || a.at("node_type") != "array")
      throw FileError(file, "not a Zarr v3 array");
    readShape(a.at("shape"), file, level, L);
    if (a.at("data_type") != "uint8") throw FileError(file, "data_type is not uint8");
    if (a.at("fill_value") != 0) throw FileError(file, "fill_value is not 0");
    const auto& grid = a.at("chunk_grid");
    if (grid.at("name") != "regular") throw FileError(file, "chunk_grid is not regular");
    const int shard = readChunkShape(grid.at("configuration").at("chunk_shape"), file,
                                     "chunk_grid chunk_shape", kMaxChunk * kMaxShardChunks);
    const auto& keys = a.at("chunk_key_encoding");
    if (keys.at("name") != "default" ||
        keys.value("configuration", json::object()).value("separator", "/") != "/")
      throw FileError(file, "chunk_key_encoding is not default with '/'");
    const auto& codecs = a.at("codecs");
    if (!codecs.is_array() || codecs.size() != 1 || codecs[0].at("name") != "sharding_indexed")
      throw FileError(file, "codecs are not [sharding_indexed]");
    const auto& sharding = codecs[0].at("configuration");
    const int chunk =
        readChunkShape(sharding.at("chunk_shape"), file, "sharding chunk_shape", kMaxChunk);
    if (shard % chunk != 0 || shard / chunk > kMaxShardChunks)
      throw FileError(file, fmt::format("shard side {} is not a multiple of the chunk {} (at most "
                                        "{} chunks)",
                                        shard, chunk, kMaxShardChunks));
    const auto& inner = sharding.at("codecs");
    if (!inner.is_array() || inner.size() != 2 || inner[0].at("name") != "bytes" ||
        inner[1].at("name") != "blosc")
      throw FileError(file, "inner codecs are not [bytes, blosc]");
    if (sharding.at("index_codecs") != kIndexCodecs ||
        sharding.value("index_location", "end") != "end")
      throw FileError(file, "the shard index is not little-endian with crc32c at the end");
    if (level == 0) {
      L.chunk = chunk;
      L.shard = shard;
    }
    if (chunk != L.chunk || shard != L.shard)
      throw FileError(file, "its chunks or shards differ from level 0's");
  } catch (const json::exception& e) {
    throw FileError(file, fmt::format("not a Zarr v3 sharded array: {}", e.what()));
  }
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
    if (v3) {
      L.format = OmeZarrFormat::V3Sharded;
      if (group.at("zarr_format") != 3 || group.at("node_type") != "group")
        throw FileError(groupFile, "not a Zarr v3 group");
      const auto& ome = group.at("attributes").at("ome");
      if (ome.at("version") != "0.5")
        throw FileError(groupFile,
                        fmt::format("NGFF version {}, not 0.5", ome.at("version").dump()));
      readMultiscales(ome.at("multiscales").at(0), ome.at("omero"), groupFile, L);
      teramind = group.at("attributes").value("teramind", json::object());
    } else {
      L.format = OmeZarrFormat::V2;
      readMultiscales(group.at("multiscales").at(0), group.at("omero"), groupFile, L);
      teramind = group.value("teramind", json::object());
    }
  } catch (const json::exception& e) {
    throw FileError(groupFile,
                    fmt::format("not NGFF {} multiscales: {}", v3 ? "0.5" : "0.4", e.what()));
  }
  for (int l = 0; l < L.levels; ++l) {
    const auto dir = path / std::to_string(l);
    if (v3)
      readV3Array(dir / "zarr.json", l, L);
    else
      readV2Array(dir / ".zarray", l, L, metadata.separator);
    if (l == 0)
      if (const auto problem = chunkGridProblem(L.height, L.width, L.chunk); !problem.empty())
        throw FileError(dir / (v3 ? "zarr.json" : ".zarray"), problem);
  }
  if (!v3) {  // V2's shard is only the pyramid's unit of work
    L.shard = OmeZarrLayout::shardFor(L.chunk, L.height, L.width);
    if (teramind.contains("shard") && teramind["shard"].is_number_integer()) {
      const auto s = teramind["shard"].get<std::int64_t>();
      if (s >= L.chunk && s % L.chunk == 0 && s / L.chunk <= kMaxShardChunks) L.shard = int(s);
    }
  }
  return metadata;
}

std::string readOmeZarrAttributes(const std::filesystem::path& path, OmeZarrFormat format) {
  const bool v3 = format == OmeZarrFormat::V3Sharded;
  auto attrs = readJson(path / (v3 ? "zarr.json" : ".zattrs"));
  if (v3) attrs = attrs.value("attributes", json::object());
  if (!attrs.contains("teramind") || !attrs["teramind"].contains("attributes")) return "{}";
  return attrs["teramind"]["attributes"].dump();
}

}  // namespace teramind
