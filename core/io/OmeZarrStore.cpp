#include "io/OmeZarrStore.h"

#include <blosc.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
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

std::vector<std::uint8_t> readBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

void writeBytes(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes) {
  std::error_code ignored;  // another process may create it at the same time
  std::filesystem::create_directories(file.parent_path(), ignored);
  writeFileAtomically(file, [&](const std::filesystem::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out.flush()) throw FileError(file, "cannot write");
  });
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

OmeZarrStore OmeZarrStore::create(const std::filesystem::path& path, const OmeZarrLayout& layout,
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
  OmeZarrStore store;
  store.path_ = path;
  store.layout_ = layout;
  store.shardIndexes_ = std::make_shared<ShardIndexCache>();
  store.separator_ = '/';
  return store;
}

OmeZarrStore OmeZarrStore::open(const std::filesystem::path& path) {
  OmeZarrStore store;
  store.path_ = path;
  store.shardIndexes_ = std::make_shared<ShardIndexCache>();
  auto& L = store.layout_;
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
      readV2Array(dir / ".zarray", l, L, store.separator_);
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
  return store;
}

std::string OmeZarrStore::attributes() const {
  const bool v3 = layout_.format == OmeZarrFormat::V3Sharded;
  auto attrs = readJson(path_ / (v3 ? "zarr.json" : ".zattrs"));
  if (v3) attrs = attrs.value("attributes", json::object());
  if (!attrs.contains("teramind") || !attrs["teramind"].contains("attributes")) return "{}";
  return attrs["teramind"]["attributes"].dump();
}

std::filesystem::path OmeZarrStore::chunkPath(int level, int channel, int plane, std::int64_t row,
                                              std::int64_t col) const {
  const char s = separator_;
  return path_ / std::to_string(level) /
         fmt::format("{}{}{}{}{}{}{}", channel, s, plane, s, row, s, col);
}

std::filesystem::path OmeZarrStore::shardPath(int level, int channel, int plane,
                                              std::int64_t shardRow, std::int64_t shardCol) const {
  return path_ / std::to_string(level) / "c" / std::to_string(channel) / std::to_string(plane) /
         std::to_string(shardRow) / std::to_string(shardCol);
}

std::filesystem::path OmeZarrStore::pendingDirectory(int level, int channel, int plane,
                                                     std::int64_t shardRow,
                                                     std::int64_t shardCol) const {
  return path_ / std::to_string(level) / ".pending" /
         fmt::format("{}.{}.{}.{}", channel, plane, shardRow, shardCol);
}

std::size_t OmeZarrStore::innerIndex(std::int64_t row, std::int64_t col) const {
  const int k = layout_.shardChunks();
  return std::size_t(row % k) * std::size_t(k) + std::size_t(col % k);
}

std::vector<std::uint8_t> OmeZarrStore::compress(const std::filesystem::path& file,
                                                 const std::vector<std::uint8_t>& pixels) const {
  const std::size_t n = std::size_t(layout_.chunk) * std::size_t(layout_.chunk);
  if (pixels.size() != n)
    throw FileError(file, fmt::format("a chunk holds {} bytes, {} were given", n, pixels.size()));
  std::vector<std::uint8_t> packed(n + BLOSC_MAX_OVERHEAD);
  const int size = blosc_compress_ctx(5, BLOSC_SHUFFLE, 1, n, pixels.data(), packed.data(),
                                      packed.size(), "zstd", 0, 1);
  if (size <= 0) throw FileError(file, "blosc could not compress the chunk");
  packed.resize(std::size_t(size));
  return packed;
}

std::vector<std::uint8_t> OmeZarrStore::decompress(const std::filesystem::path& file,
                                                   const std::vector<std::uint8_t>& packed) const {
  const std::size_t n = std::size_t(layout_.chunk) * std::size_t(layout_.chunk);
  std::vector<std::uint8_t> pixels(n, 0);
  std::size_t nbytes = 0, cbytes = 0, blocksize = 0;
  if (packed.size() >= BLOSC_MIN_HEADER_LENGTH)
    blosc_cbuffer_sizes(packed.data(), &nbytes, &cbytes, &blocksize);
  if (packed.size() < BLOSC_MIN_HEADER_LENGTH || nbytes != n || cbytes != packed.size())
    throw FileError(
        file, fmt::format("not a blosc chunk of {} bytes ({} bytes on disk)", n, packed.size()));
  if (blosc_decompress_ctx(packed.data(), pixels.data(), n, 1) != static_cast<int>(n))
    throw FileError(file, "blosc could not decompress the chunk");
  return pixels;
}

// Shard indexes opened recently, so reading a level chunk by chunk reads each index once. An
// entry is used only while the file has the size and time it had when opened (another
// process may replace it); the store forgets the shards it writes or removes.
// Shard indexes opened recently, so reading a level chunk by chunk reads each index once. An
// entry is used only while the file is the one it was opened from (inode, size and time:
// every write replaces the file by a rename, and another process may do that); the store also
// forgets the shards it writes or removes.
struct OmeZarrStore::ShardIndexCache {
  struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t bytes = 0;
    std::int64_t seconds = 0, nanoseconds = 0;
    bool operator==(const Identity& o) const {
      return device == o.device && inode == o.inode && bytes == o.bytes && seconds == o.seconds &&
             nanoseconds == o.nanoseconds;
    }
  };
  struct Entry {
    std::shared_ptr<const ZarrShard> shard;
    Identity identity;
    std::uint64_t used = 0;
  };
  static constexpr std::size_t kEntries = 16;  // an index is at most 16 MiB
  std::mutex mutex;
  std::map<std::filesystem::path, Entry> entries;
  std::uint64_t clock = 0;
};

std::shared_ptr<const ZarrShard> OmeZarrStore::openShard(const std::filesystem::path& file) const {
  struct stat st {};
  const bool exists = ::stat(file.c_str(), &st) == 0;
  ShardIndexCache::Identity identity;
  if (exists) {
    identity.device = st.st_dev;
    identity.inode = st.st_ino;
    identity.bytes = st.st_size;
#ifdef __APPLE__
    identity.seconds = st.st_mtimespec.tv_sec;
    identity.nanoseconds = st.st_mtimespec.tv_nsec;
#else
    identity.seconds = st.st_mtim.tv_sec;
    identity.nanoseconds = st.st_mtim.tv_nsec;
#endif
  }
  auto& cache = *shardIndexes_;
  {
    const std::lock_guard<std::mutex> lock(cache.mutex);
    const auto it = cache.entries.find(file);
    if (it != cache.entries.end()) {
      if (exists && it->second.identity == identity) {
        it->second.used = ++cache.clock;
        return it->second.shard;
      }
      cache.entries.erase(it);
    }
  }
  if (!exists) return nullptr;
  const std::size_t k = std::size_t(layout_.shardChunks());
  auto shard = std::make_shared<const ZarrShard>(ZarrShard::open(file, k * k));
  const std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.entries.size() >= ShardIndexCache::kEntries) {
    auto oldest = cache.entries.begin();
    for (auto it = cache.entries.begin(); it != cache.entries.end(); ++it)
      if (it->second.used < oldest->second.used) oldest = it;
    cache.entries.erase(oldest);
  }
  cache.entries[file] = {shard, identity, ++cache.clock};
  return shard;
}

void OmeZarrStore::forgetShard(const std::filesystem::path& file) const {
  const std::lock_guard<std::mutex> lock(shardIndexes_->mutex);
  shardIndexes_->entries.erase(file);
}

std::filesystem::path OmeZarrStore::builtMarker(int level, int channel, int plane,
                                                std::int64_t shardRow,
                                                std::int64_t shardCol) const {
  return path_ / std::to_string(level) / ".built" /
         fmt::format("{}.{}.{}.{}", channel, plane, shardRow, shardCol);
}

bool OmeZarrStore::hasChunk(int level, int channel, int plane, std::int64_t row,
                            std::int64_t col) const {
  if (layout_.format == OmeZarrFormat::V2)
    return std::filesystem::exists(chunkPath(level, channel, plane, row, col));
  const int k = layout_.shardChunks();
  const auto sr = row / k, sc = col / k;
  if (std::filesystem::exists(pendingDirectory(level, channel, plane, sr, sc) /
                              fmt::format("{}.{}", row, col)))
    return true;
  const auto shard = openShard(shardPath(level, channel, plane, sr, sc));
  return shard && shard->has(innerIndex(row, col));
}

std::vector<bool> OmeZarrStore::chunksInShard(int level, int channel, int plane,
                                              std::int64_t shardRow, std::int64_t shardCol) const {
  const int k = layout_.shardChunks();
  std::vector<bool> present(std::size_t(k) * std::size_t(k), false);
  std::shared_ptr<const ZarrShard> shard;
  const bool v3 = layout_.format == OmeZarrFormat::V3Sharded;
  if (v3) shard = openShard(shardPath(level, channel, plane, shardRow, shardCol));
  const auto pending = pendingDirectory(level, channel, plane, shardRow, shardCol);
  const bool anyPending = v3 && std::filesystem::exists(pending);
  for (std::int64_t r = shardRow * k; r < std::min(layout_.chunkRows(level), (shardRow + 1) * k);
       ++r)
    for (std::int64_t q = shardCol * k; q < std::min(layout_.chunkCols(level), (shardCol + 1) * k);
         ++q) {
      const auto i = innerIndex(r, q);
      if (!v3)
        present[i] = hasChunk(level, channel, plane, r, q);
      else
        present[i] = (shard && shard->has(i)) ||
                     (anyPending && std::filesystem::exists(pending / fmt::format("{}.{}", r, q)));
    }
  return present;
}

bool OmeZarrStore::hasPyramidAbove(int level, int channel, int plane, std::int64_t shardRow,
                                   std::int64_t shardCol) const {
  return level + 1 < layout_.levels &&
         hasShard(level + 1, channel, plane, shardRow / 2, shardCol / 2);
}

void OmeZarrStore::removePyramidAbove(int level, int channel, int plane, std::int64_t shardRow,
                                      std::int64_t shardCol) const {
  for (int l = level + 1; l < layout_.levels; ++l) {
    shardRow /= 2;
    shardCol /= 2;
    if (layout_.format == OmeZarrFormat::V2) {
      std::filesystem::remove(builtMarker(l, channel, plane, shardRow, shardCol));
    } else {
      const auto file = shardPath(l, channel, plane, shardRow, shardCol);
      std::filesystem::remove(file);
      forgetShard(file);
    }
  }
}

void OmeZarrStore::writeChunk(int level, int channel, int plane, std::int64_t row, std::int64_t col,
                              const std::vector<std::uint8_t>& pixels) const {
  const int k = layout_.shardChunks();
  const auto sr = row / k, sc = col / k;
  if (layout_.format == OmeZarrFormat::V2) {
    const auto file = chunkPath(level, channel, plane, row, col);
    const auto packed = compress(file, pixels);
    // A pyramid built from this chunk's old bytes is built again.
    if (hasPyramidAbove(level, channel, plane, sr, sc) && readBytes(file) != packed)
      removePyramidAbove(level, channel, plane, sr, sc);
    writeBytes(file, packed);
    return;
  }
  const auto shardFile = shardPath(level, channel, plane, sr, sc);
  const auto pending = pendingDirectory(level, channel, plane, sr, sc);
  const auto packed = compress(shardFile, pixels);
  const auto shard = openShard(shardFile);
  if (shard && !std::filesystem::exists(pending)) {
    // A finished shard: rewritten with the chunk (a resumed job rewrites the same bytes).
    if (shard->read(innerIndex(row, col)) == packed) return;
    auto chunks = shard->readAll();
    chunks[innerIndex(row, col)] = packed;
    if (hasPyramidAbove(level, channel, plane, sr, sc))
      removePyramidAbove(level, channel, plane, sr, sc);
    writeBytes(shardFile, ZarrShard::encode(chunks));
    forgetShard(shardFile);
    return;
  }
  const auto file = pending / fmt::format("{}.{}", row, col);
  if (hasPyramidAbove(level, channel, plane, sr, sc)) {
    auto before = readBytes(file);
    if (before.empty() && shard) before = shard->read(innerIndex(row, col));
    if (before != packed) removePyramidAbove(level, channel, plane, sr, sc);
  }
  writeBytes(file, packed);
}

std::vector<std::uint8_t> OmeZarrStore::readChunk(int level, int channel, int plane,
                                                  std::int64_t row, std::int64_t col) const {
  if (layout_.format == OmeZarrFormat::V2) {
    const auto file = chunkPath(level, channel, plane, row, col);
    if (!std::filesystem::exists(file))
      return std::vector<std::uint8_t>(std::size_t(layout_.chunk) * std::size_t(layout_.chunk), 0);
    return decompress(file, readBytes(file));
  }
  const int k = layout_.shardChunks();
  const auto sr = row / k, sc = col / k;
  const auto pending =
      pendingDirectory(level, channel, plane, sr, sc) / fmt::format("{}.{}", row, col);
  if (std::filesystem::exists(pending)) return decompress(pending, readBytes(pending));
  const auto file = shardPath(level, channel, plane, sr, sc);
  std::vector<std::uint8_t> packed;
  if (const auto shard = openShard(file)) packed = shard->read(innerIndex(row, col));
  if (packed.empty())
    return std::vector<std::uint8_t>(std::size_t(layout_.chunk) * std::size_t(layout_.chunk), 0);
  return decompress(file, packed);
}

void OmeZarrStore::finishShard(int level, int channel, int plane, std::int64_t shardRow,
                               std::int64_t shardCol) const {
  if (layout_.format == OmeZarrFormat::V2) return;
  const auto pending = pendingDirectory(level, channel, plane, shardRow, shardCol);
  if (!std::filesystem::exists(pending)) return;
  const int k = layout_.shardChunks();
  const auto file = shardPath(level, channel, plane, shardRow, shardCol);
  const auto shard = openShard(file);
  auto chunks = shard ? shard->readAll() : ZarrShard::Chunks(std::size_t(k) * std::size_t(k));
  for (const auto& f : std::filesystem::directory_iterator(pending)) {
    const auto name = f.path().filename().string();
    if (name.rfind(".partial-", 0) == 0) continue;  // a killed write, never data
    long long row = -1, col = -1;
    char tail = 0;
    // Names that are not ROW.COL are not ours (an NFS silly-rename, an editor's backup).
    if (std::sscanf(name.c_str(), "%lld.%lld%c", &row, &col, &tail) != 2) continue;
    if (row / k != shardRow || col / k != shardCol || row < 0 || col < 0)
      throw FileError(f.path(), fmt::format("pending chunk ({}, {}) is not in shard ({}, {})", row,
                                            col, shardRow, shardCol));
    auto bytes = readBytes(f.path());
    decompress(f.path(), bytes);  // a damaged chunk is named here, not baked into the shard
    chunks[innerIndex(row, col)] = std::move(bytes);
  }
  writeBytes(file, ZarrShard::encode(chunks));
  forgetShard(file);
  std::filesystem::remove_all(pending);
  std::error_code ignored;  // the folder goes once its last shard is finished
  std::filesystem::remove(pending.parent_path(), ignored);
}

bool OmeZarrStore::hasShard(int level, int channel, int plane, std::int64_t shardRow,
                            std::int64_t shardCol) const {
  if (layout_.format == OmeZarrFormat::V3Sharded)
    return std::filesystem::exists(shardPath(level, channel, plane, shardRow, shardCol));
  // V2 writes a pyramid block chunk by chunk: only its marker, written after its last chunk,
  // says it is whole.
  if (level > 0)
    return std::filesystem::exists(builtMarker(level, channel, plane, shardRow, shardCol));
  const int k = layout_.shardChunks();
  for (std::int64_t r = shardRow * k; r < std::min(layout_.chunkRows(level), (shardRow + 1) * k);
       ++r)
    for (std::int64_t q = shardCol * k; q < std::min(layout_.chunkCols(level), (shardCol + 1) * k);
         ++q)
      if (hasChunk(level, channel, plane, r, q)) return true;
  return false;
}

void OmeZarrStore::buildPyramidShard(int level, int channel, int plane, std::int64_t shardRow,
                                     std::int64_t shardCol) const {
  if (level < 1 || level >= layout_.levels)
    throw FileError(path_, fmt::format("level {} is not a pyramid level", level));
  const int T = layout_.chunk, half = T / 2, k = layout_.shardChunks();
  const bool v3 = layout_.format == OmeZarrFormat::V3Sharded;
  const auto child = [&](std::int64_t r,
                         std::int64_t q) -> std::optional<std::vector<std::uint8_t>> {
    if (r >= layout_.chunkRows(level - 1) || q >= layout_.chunkCols(level - 1)) return {};
    if (!v3) {
      if (!hasChunk(level - 1, channel, plane, r, q)) return {};
      return readChunk(level - 1, channel, plane, r, q);
    }
    const auto pending =
        pendingDirectory(level - 1, channel, plane, r / k, q / k) / fmt::format("{}.{}", r, q);
    if (std::filesystem::exists(pending)) return decompress(pending, readBytes(pending));
    const auto file = shardPath(level - 1, channel, plane, r / k, q / k);
    const auto shard = openShard(file);
    if (!shard || !shard->has(innerIndex(r, q))) return {};
    return decompress(file, shard->read(innerIndex(r, q)));
  };
  bool anyBelow = false;  // most of a section's margin is empty: no chunk-by-chunk look
  for (std::int64_t r = 2 * shardRow; r < std::min(layout_.shardRows(level - 1), 2 * shardRow + 2);
       ++r)
    for (std::int64_t q = 2 * shardCol;
         q < std::min(layout_.shardCols(level - 1), 2 * shardCol + 2); ++q)
      anyBelow = anyBelow || hasShard(level - 1, channel, plane, r, q) ||
                 (v3 && std::filesystem::exists(pendingDirectory(level - 1, channel, plane, r, q)));
  if (!anyBelow) return;
  // Pixels past the level below's edge (a chunk's padding) are not averaged in.
  const std::int64_t belowHeight = layout_.levelHeight(level - 1);
  const std::int64_t belowWidth = layout_.levelWidth(level - 1);
  ZarrShard::Chunks built(std::size_t(k) * std::size_t(k));
  bool any = false;
  for (std::int64_t r = shardRow * k; r < std::min(layout_.chunkRows(level), (shardRow + 1) * k);
       ++r)
    for (std::int64_t q = shardCol * k; q < std::min(layout_.chunkCols(level), (shardCol + 1) * k);
         ++q) {
      std::vector<std::uint8_t> out(std::size_t(T) * T, 0);
      bool here = false;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          const auto in = child(2 * r + dy, 2 * q + dx);
          if (!in) continue;
          here = true;
          const std::int64_t top = (2 * r + dy) * T, left = (2 * q + dx) * T;
          const int rows = int(std::clamp<std::int64_t>(belowHeight - top, 0, T));
          const int cols = int(std::clamp<std::int64_t>(belowWidth - left, 0, T));
          for (int y = 0; y < half; ++y)
            for (int x = 0; x < half; ++x) {
              int sum = 0, n = 0;
              for (int yy = 2 * y; yy < std::min(2 * y + 2, rows); ++yy)
                for (int xx = 2 * x; xx < std::min(2 * x + 2, cols); ++xx) {
                  sum += (*in)[std::size_t(yy) * T + xx];
                  ++n;
                }
              if (n > 0)
                out[std::size_t(dy * half + y) * T + dx * half + x] =
                    std::uint8_t((sum + n / 2) / n);
            }
        }
      if (!here) continue;
      any = true;
      if (v3)
        built[innerIndex(r, q)] =
            compress(shardPath(level, channel, plane, shardRow, shardCol), out);
      else
        writeChunk(level, channel, plane, r, q, out);
    }
  if (!any) return;
  if (v3) {
    const auto file = shardPath(level, channel, plane, shardRow, shardCol);
    auto bytes = ZarrShard::encode(built);
    // Built again with other bytes: the levels above were built from the old ones.
    if (hasPyramidAbove(level, channel, plane, shardRow, shardCol) && readBytes(file) != bytes)
      removePyramidAbove(level, channel, plane, shardRow, shardCol);
    writeBytes(file, bytes);
    forgetShard(file);
  } else {
    writeBytes(builtMarker(level, channel, plane, shardRow, shardCol), {});
  }
}

void OmeZarrStore::buildPyramid() const {
  const auto& L = layout_;
  if (L.format == OmeZarrFormat::V3Sharded)
    for (int l = 0; l < L.levels; ++l) {
      const auto pending = path_ / std::to_string(l) / ".pending";
      if (!std::filesystem::is_directory(pending)) continue;
      std::vector<std::filesystem::path> shards;
      for (const auto& f : std::filesystem::directory_iterator(pending)) shards.push_back(f.path());
      for (const auto& s : shards) {
        int c = 0, z = 0;
        long long sr = 0, sc = 0;
        char tail = 0;
        const auto name = s.filename().string();
        if (std::sscanf(name.c_str(), "%d.%d.%lld.%lld%c", &c, &z, &sr, &sc, &tail) != 4 ||
            !std::filesystem::is_directory(s))
          continue;  // not ours (an NFS silly-rename …)
        if (c < 0 || c >= static_cast<int>(L.channels.size()) || z < 0 || z >= L.planes || sr < 0 ||
            sr >= L.shardRows(l) || sc < 0 || sc >= L.shardCols(l))
          throw FileError(s, "pending chunks of a shard outside the image");
        finishShard(l, c, z, sr, sc);
      }
    }
  for (int l = 1; l < L.levels; ++l)
    for (int c = 0; c < static_cast<int>(L.channels.size()); ++c)
      for (int z = 0; z < L.planes; ++z)
        for (std::int64_t sr = 0; sr < L.shardRows(l); ++sr)
          for (std::int64_t sc = 0; sc < L.shardCols(l); ++sc)
            if (!hasShard(l, c, z, sr, sc)) buildPyramidShard(l, c, z, sr, sc);
}

std::vector<OmeZarrStore::DamagedShard> OmeZarrStore::damagedShards() const {
  std::vector<DamagedShard> damaged;
  const auto& L = layout_;
  if (L.format != OmeZarrFormat::V3Sharded) return damaged;
  const std::size_t n = std::size_t(L.shardChunks()) * std::size_t(L.shardChunks());
  for (int l = 0; l < L.levels; ++l)
    for (int c = 0; c < static_cast<int>(L.channels.size()); ++c)
      for (int z = 0; z < L.planes; ++z)
        for (std::int64_t sr = 0; sr < L.shardRows(l); ++sr)
          for (std::int64_t sc = 0; sc < L.shardCols(l); ++sc) {
            const auto file = shardPath(l, c, z, sr, sc);
            if (!std::filesystem::exists(file)) continue;
            try {
              ZarrShard::open(file, n);
            } catch (const FileError& e) {
              damaged.push_back({l, c, z, sr, sc, file, e.problem()});
            }
          }
  return damaged;
}

}  // namespace teramind
