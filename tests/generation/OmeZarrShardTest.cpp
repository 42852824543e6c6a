// OME-Zarr NGFF 0.5 on Zarr v3 with the sharding codec: chunks round-trip through pending
// files and shards, shard bytes do not depend on the order chunks arrive in, the pyramid built
// as shards finish equals the one built at the end (both layouts), pending chunks survive a
// kill, and damaged shards or metadata are named. Independent readers (zarrita for v3,
// python3-zarr for v2) check real outputs in tools.generate_resume and tools.zarr_v3_reader.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "generation/OmeZarrTileSink.h"
#include "io/OmeZarrStore.h"
#include "io/ZarrShard.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;

fs::path freshDir(const std::string& name) {
  auto dir = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "zarr_shard" / name;
  fs::remove_all(dir);
  return dir;
}

// 40 × 56 px in chunks of 8 and shards of 16 (2 × 2 chunks): 5 × 7 tiles, 3 × 4 shards.
OmeZarrLayout shardedLayout(OmeZarrFormat format = OmeZarrFormat::V3Sharded) {
  OmeZarrLayout L;
  L.channels = {"DAPI", "PolyT"};
  L.planes = 2;
  L.height = 40;
  L.width = 56;
  L.chunk = 8;
  L.shard = 16;
  L.format = format;
  L.levels = OmeZarrLayout::levelsToFit(L.height, L.width, L.chunk);
  L.pixelUm = 0.25;
  L.planeUm = 1.5;
  return L;
}

std::vector<std::uint8_t> pattern(int seed) {
  std::vector<std::uint8_t> p(64);
  for (int i = 0; i < 64; ++i) p[std::size_t(i)] = std::uint8_t((i * 7 + seed * 31) % 251);
  return p;
}

// Every file under the levels (not the group metadata, which names the path), with its bytes.
std::map<std::string, std::string> levelFiles(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (!it->is_regular_file()) continue;
    const auto rel = fs::relative(it->path(), root).generic_string();
    if (rel.find('/') == std::string::npos) continue;
    std::ifstream in(it->path(), std::ios::binary);
    files[rel] = std::string((std::istreambuf_iterator<char>(in)), {});
  }
  return files;
}

TEST(OmeZarrShard, ShardsAreAbout4096PxOnLargeImagesAndOneOnSmallOnes) {
  EXPECT_EQ(OmeZarrLayout::shardFor(64, 448, 256), 448);      // one shard of 7 × 7 tiles
  EXPECT_EQ(OmeZarrLayout::shardFor(128, 9259, 9259), 4736);  // S: 2 × 2 shards, not 3 × 3
  EXPECT_EQ(OmeZarrLayout::shardFor(128, 4096, 100), 4096);
  EXPECT_EQ(OmeZarrLayout::shardFor(128, 74000, 92000), 4224);
  for (std::int64_t side : {5000, 28000, 92000}) {
    const int s = OmeZarrLayout::shardFor(128, side, side);
    EXPECT_GE(s, 4096);
    EXPECT_LT(s, 8192 + 128);
    EXPECT_EQ(s % 128, 0);
  }
}

TEST(OmeZarrShard, Crc32cIsCastagnoli) {
  const std::string check = "123456789";
  EXPECT_EQ(crc32c(reinterpret_cast<const std::uint8_t*>(check.data()), check.size()), 0xE3069283u);
}

TEST(OmeZarrShard, ChunksRoundTripThroughPendingFilesAndTheShard) {
  const auto dir = freshDir("roundtrip.zarr");
  const auto L = shardedLayout();
  EXPECT_EQ(L.levels, 4);  // 56 → 28 → 14 → 7 columns
  const auto store = OmeZarrStore::create(dir, L, R"({"seed": 5})");
  store.writeChunk(0, 1, 0, 2, 3, pattern(1));
  EXPECT_TRUE(fs::exists(dir / "0" / ".pending" / "1.0.1.1" / "2.3"));
  EXPECT_TRUE(store.hasChunk(0, 1, 0, 2, 3));
  EXPECT_FALSE(store.hasChunk(0, 1, 0, 3, 3));
  EXPECT_EQ(store.readChunk(0, 1, 0, 2, 3), pattern(1));
  store.writeChunk(0, 1, 0, 3, 2, pattern(2));
  store.finishShard(0, 1, 0, 1, 1);
  EXPECT_TRUE(fs::exists(dir / "0" / "c" / "1" / "0" / "1" / "1"));
  EXPECT_FALSE(fs::exists(dir / "0" / ".pending")) << "pending files removed";
  EXPECT_EQ(store.readChunk(0, 1, 0, 2, 3), pattern(1));
  EXPECT_EQ(store.readChunk(0, 1, 0, 3, 2), pattern(2));
  EXPECT_FALSE(store.hasChunk(0, 1, 0, 2, 2));
  EXPECT_EQ(store.readChunk(0, 1, 0, 2, 2), std::vector<std::uint8_t>(64, 0)) << "fill value";
  // A chunk written into a finished shard rewrites it.
  store.writeChunk(0, 1, 0, 2, 2, pattern(3));
  EXPECT_FALSE(fs::exists(dir / "0" / ".pending"));
  EXPECT_EQ(store.readChunk(0, 1, 0, 2, 2), pattern(3));
  EXPECT_EQ(store.readChunk(0, 1, 0, 2, 3), pattern(1));

  const auto back = OmeZarrStore::open(dir);
  EXPECT_EQ(back.layout().format, OmeZarrFormat::V3Sharded);
  EXPECT_EQ(back.layout().channels, L.channels);
  EXPECT_EQ(back.layout().width, 56);
  EXPECT_EQ(back.layout().chunk, 8);
  EXPECT_EQ(back.layout().shard, 16);
  EXPECT_EQ(back.layout().levels, 4);
  EXPECT_DOUBLE_EQ(back.layout().pixelUm, 0.25);
  EXPECT_NE(back.attributes().find("\"seed\":5"), std::string::npos);
  EXPECT_EQ(back.readChunk(0, 1, 0, 2, 2), pattern(3));

  std::ifstream in(dir / "zarr.json");
  const auto group = nlohmann::json::parse(in);
  EXPECT_EQ(group["attributes"]["ome"]["version"], "0.5");
  std::ifstream arrayIn(dir / "0" / "zarr.json");
  const auto array = nlohmann::json::parse(arrayIn);
  EXPECT_EQ(array["codecs"][0]["name"], "sharding_indexed");
  EXPECT_EQ(array["chunk_grid"]["configuration"]["chunk_shape"], nlohmann::json({1, 1, 16, 16}));
}

TEST(OmeZarrShard, ShardBytesDoNotDependOnTheOrderChunksArrive) {
  const auto a = OmeZarrStore::create(freshDir("order_a.zarr"), shardedLayout());
  const auto b = OmeZarrStore::create(freshDir("order_b.zarr"), shardedLayout());
  const std::vector<std::pair<int, int>> chunks = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  for (std::size_t i = 0; i < chunks.size(); ++i)
    a.writeChunk(0, 0, 1, chunks[i].first, chunks[i].second, pattern(int(i)));
  for (std::size_t i = chunks.size(); i-- > 0;)
    b.writeChunk(0, 0, 1, chunks[i].first, chunks[i].second, pattern(int(i)));
  a.finishShard(0, 0, 1, 0, 0);
  b.finishShard(0, 0, 1, 0, 0);
  EXPECT_EQ(levelFiles(a.path()), levelFiles(b.path()));
  // The index: 4 × (offset, nbytes) then a CRC-32C, the first chunk at offset 0.
  const auto file = a.shardPath(0, 0, 1, 0, 0);
  std::ifstream in(file, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), ZarrShard::indexBytes(4));
  const auto* index = bytes.data() + bytes.size() - ZarrShard::indexBytes(4);
  std::uint64_t offset0 = 0;
  for (int i = 7; i >= 0; --i) offset0 = (offset0 << 8) | index[i];
  EXPECT_EQ(offset0, 0u);
  std::uint32_t stored = 0;
  for (int i = 3; i >= 0; --i) stored = (stored << 8) | index[64 + i];
  EXPECT_EQ(stored, crc32c(index, 64));
}

// Writes the tiles of a 5 × 7 grid (two inactive) through the sink in `order`.
void writeTiles(OmeZarrTileSink& sink, const TileGrid& grid, const std::vector<int>& order) {
  for (int t : order) {
    const int r = t / grid.cols(), q = t % grid.cols();
    if (!grid.active(r, q)) continue;
    std::vector<float> core(64 * 2 * 2);
    for (std::size_t i = 0; i < core.size(); ++i)
      core[i] = float((i * 13 + std::size_t(t) * 57) % 200) / 100.0f - 1.0f;
    sink.writeTile(grid.global(r, q), core);
  }
}

TileGrid sparseGrid() {
  TileGrid grid(1, 0, 0, 7, 5);
  grid.setActive(0, 6, false);
  grid.setActive(4, 0, false);
  return grid;
}

std::vector<int> allTiles(bool reversed) {
  std::vector<int> order;
  for (int t = 0; t < 35; ++t) order.push_back(reversed ? 34 - t : t);
  return order;
}

void expectIncrementalPyramidMatchesTheOneBuiltAtTheEnd(OmeZarrFormat format) {
  const auto name = format == OmeZarrFormat::V2 ? std::string("v2") : std::string("v3");
  const auto grid = sparseGrid();
  const auto incremental =
      OmeZarrStore::create(freshDir(name + "_incremental.zarr"), shardedLayout(format));
  {
    OmeZarrTileSink sink(incremental, grid, 2, 2, 0, true);
    writeTiles(sink, grid, allTiles(true));
  }
  // Built as shards finished: the top level exists before any buildPyramid().
  EXPECT_TRUE(incremental.hasChunk(3, 1, 1, 0, 0));
  EXPECT_FALSE(fs::exists(incremental.path() / "0" / ".pending"));
  const auto atTheEnd =
      OmeZarrStore::create(freshDir(name + "_at_end.zarr"), shardedLayout(format));
  {
    OmeZarrTileSink sink(atTheEnd, grid, 2, 2, 0, false);
    writeTiles(sink, grid, allTiles(false));
  }
  EXPECT_FALSE(atTheEnd.hasChunk(1, 0, 0, 0, 0));
  atTheEnd.buildPyramid();
  const auto a = levelFiles(incremental.path()), b = levelFiles(atTheEnd.path());
  EXPECT_EQ(a, b);
  int level0 = 0;
  for (const auto& [file, bytes] : a) level0 += file.rfind("0/", 0) == 0 ? 1 : 0;
  // v3: 3 × 4 shards × 2 stains × 2 planes + zarr.json; v2: 33 tiles × 4 + .zarray.
  EXPECT_EQ(level0, format == OmeZarrFormat::V2 ? 33 * 4 + 1 : 12 * 4 + 1);
  // The 2 × 2 mean: level-1 chunk (1, 1) is in shard (0, 0), made from level-0 shard (1, 1).
  const auto up = incremental.readChunk(1, 0, 1, 1, 1);
  const auto in = incremental.readChunk(0, 0, 1, 2, 2);
  EXPECT_EQ(up[0], (in[0] + in[1] + in[8] + in[9] + 2) / 4);
}

TEST(OmeZarrShard, ThePyramidBuiltAsShardsFinishEqualsTheOneBuiltAtTheEnd) {
  expectIncrementalPyramidMatchesTheOneBuiltAtTheEnd(OmeZarrFormat::V3Sharded);
}

TEST(OmeZarrShard, TheV2PyramidBuiltAsBlocksFinishEqualsTheOneBuiltAtTheEnd) {
  expectIncrementalPyramidMatchesTheOneBuiltAtTheEnd(OmeZarrFormat::V2);
}

// A whole V2 store written through the sink, pyramid built as blocks finish.
OmeZarrStore wholeStore(const std::string& name, OmeZarrFormat format) {
  const auto grid = sparseGrid();
  const auto store = OmeZarrStore::create(freshDir(name), shardedLayout(format));
  OmeZarrTileSink sink(store, grid, 2, 2, 0, true);
  writeTiles(sink, grid, allTiles(false));
  return store;
}

// V2 writes a pyramid block chunk by chunk: a kill part way through leaves some of its chunks
// and no marker; resuming (the sink's count, or buildPyramid at the end) builds it again.
TEST(OmeZarrShard, AV2PyramidBlockCutShortByAKillIsBuiltAgainOnResume) {
  const auto whole = wholeStore("v2_pyramid_whole.zarr", OmeZarrFormat::V2);
  for (const bool atTheEnd : {false, true}) {
    const auto dir = freshDir(atTheEnd ? "v2_pyramid_cut_end.zarr" : "v2_pyramid_cut_sink.zarr");
    fs::copy(whole.path(), dir, fs::copy_options::recursive);
    // Killed while building level-1 block (0, 0) of channel 0, plane 0: two of its four chunks
    // written, no marker, nothing above it yet.
    ASSERT_TRUE(fs::exists(dir / "1" / ".built" / "0.0.0.0"));
    fs::remove(dir / "1" / ".built" / "0.0.0.0");
    ASSERT_TRUE(fs::remove(dir / "1" / "0" / "0" / "0" / "1"));
    ASSERT_TRUE(fs::remove(dir / "1" / "0" / "0" / "1" / "1"));
    for (const auto* level : {"2", "3"}) {
      fs::remove_all(dir / level / "0" / "0");
      fs::remove(dir / level / ".built" / "0.0.0.0");
    }
    const auto store = OmeZarrStore::open(dir);
    EXPECT_FALSE(store.hasShard(1, 0, 0, 0, 0)) << "a block without its marker is not whole";
    if (atTheEnd) {
      store.buildPyramid();
    } else {
      const auto grid = sparseGrid();
      OmeZarrTileSink sink(store, grid, 2, 2, 0, true);  // every tile is in: nothing to come
    }
    EXPECT_EQ(levelFiles(dir), levelFiles(whole.path())) << (atTheEnd ? "buildPyramid" : "sink");
  }
}

// A chunk written with other bytes under a built pyramid: the pyramid shards above it go and
// are built again, equal to a pyramid built once from the final chunks.
void expectAChangedChunkRebuildsThePyramidAboveIt(OmeZarrFormat format) {
  const auto name = format == OmeZarrFormat::V2 ? std::string("v2") : std::string("v3");
  const auto changed = wholeStore(name + "_changed.zarr", format);
  EXPECT_TRUE(changed.hasShard(3, 0, 1, 0, 0));
  std::vector<std::uint8_t> other(64, 250);
  changed.writeChunk(0, 0, 1, 0, 0, other);
  for (int l = 1; l < 4; ++l)
    EXPECT_FALSE(changed.hasShard(l, 0, 1, 0, 0)) << "level " << l << " was left stale";
  EXPECT_TRUE(changed.hasShard(1, 0, 1, 0, 1)) << "a pyramid shard not above it was removed";
  EXPECT_TRUE(changed.hasShard(3, 1, 1, 0, 0)) << "another channel's pyramid was removed";
  changed.buildPyramid();
  EXPECT_EQ(changed.readChunk(1, 0, 1, 0, 0)[0], 250);

  const auto grid = sparseGrid();
  const auto once = OmeZarrStore::create(freshDir(name + "_once.zarr"), shardedLayout(format));
  {
    OmeZarrTileSink sink(once, grid, 2, 2, 0, false);
    writeTiles(sink, grid, allTiles(false));
  }
  once.writeChunk(0, 0, 1, 0, 0, other);
  once.buildPyramid();
  EXPECT_EQ(levelFiles(changed.path()), levelFiles(once.path()));
  // The same bytes again change nothing.
  changed.writeChunk(0, 0, 1, 0, 0, other);
  EXPECT_TRUE(changed.hasShard(1, 0, 1, 0, 0));
}

TEST(OmeZarrShard, AChunkRewrittenWithOtherBytesRebuildsThePyramidAboveIt) {
  expectAChangedChunkRebuildsThePyramidAboveIt(OmeZarrFormat::V3Sharded);
}

TEST(OmeZarrShard, AV2ChunkRewrittenWithOtherBytesRebuildsThePyramidAboveIt) {
  expectAChangedChunkRebuildsThePyramidAboveIt(OmeZarrFormat::V2);
}

// Levels of odd size: a pyramid pixel on the edge averages only the pixels inside the level
// under it, not the zero fill past the edge (which would darken the edge).
TEST(OmeZarrShard, PyramidEdgesAverageOnlyPixelsInsideTheImage) {
  for (const auto format : {OmeZarrFormat::V3Sharded, OmeZarrFormat::V2}) {
    OmeZarrLayout L = shardedLayout(format);
    L.height = 20;  // 20 → 10 → 5 → 3 rows, 28 → 14 → 7 → 4 columns in chunks of 4
    L.width = 28;
    L.chunk = 4;
    L.shard = 8;
    L.levels = OmeZarrLayout::levelsToFit(L.height, L.width, L.chunk);
    ASSERT_EQ(L.levels, 4);
    const auto store = OmeZarrStore::create(
        freshDir(format == OmeZarrFormat::V2 ? "odd_v2.zarr" : "odd_v3.zarr"), L);
    for (int c = 0; c < 2; ++c)
      for (int z = 0; z < 2; ++z)
        for (std::int64_t r = 0; r < L.chunkRows(0); ++r)
          for (std::int64_t q = 0; q < L.chunkCols(0); ++q)
            store.writeChunk(0, c, z, r, q, std::vector<std::uint8_t>(16, 200));
    store.buildPyramid();
    for (int l = 1; l < L.levels; ++l)
      for (std::int64_t y = 0; y < L.levelHeight(l); ++y)
        for (std::int64_t x = 0; x < L.levelWidth(l); ++x) {
          const auto chunk = store.readChunk(l, 1, 1, y / 4, x / 4);
          ASSERT_EQ(chunk[std::size_t((y % 4) * 4 + x % 4)], 200)
              << "level " << l << " pixel (" << y << ", " << x << ")";
        }
    // Past the edge: the fill value.
    EXPECT_EQ(store.readChunk(3, 1, 1, 0, 0)[3 * 4], 0);
  }
}

// Shard indexes are cached per store; a shard rewritten by another store (another process)
// is read afresh.
TEST(OmeZarrShard, ACachedShardIndexIsReadAgainWhenTheFileIsReplaced) {
  const auto dir = freshDir("cache.zarr");
  const auto writer = OmeZarrStore::create(dir, shardedLayout());
  writer.writeChunk(0, 0, 0, 0, 0, pattern(1));
  writer.finishShard(0, 0, 0, 0, 0);
  const auto reader = OmeZarrStore::open(dir);
  EXPECT_EQ(reader.readChunk(0, 0, 0, 0, 0), pattern(1));
  EXPECT_FALSE(reader.hasChunk(0, 0, 0, 0, 1));
  for (int i = 2; i < 6; ++i) {  // quick rewrites, some of equal size
    writer.writeChunk(0, 0, 0, 0, 0, pattern(i));
    writer.writeChunk(0, 0, 0, 0, 1, pattern(i + 10));
    EXPECT_EQ(reader.readChunk(0, 0, 0, 0, 0), pattern(i));
    EXPECT_TRUE(reader.hasChunk(0, 0, 0, 0, 1));
    EXPECT_EQ(reader.readChunk(0, 0, 0, 0, 1), pattern(i + 10));
  }
  fs::remove(writer.shardPath(0, 0, 0, 0, 0));
  EXPECT_FALSE(reader.hasChunk(0, 0, 0, 0, 0));
  EXPECT_EQ(reader.readChunk(0, 0, 0, 0, 0), std::vector<std::uint8_t>(64, 0));
}

TEST(OmeZarrShard, PendingChunksSurviveAKillAndAreAssembledOnResume) {
  const auto grid = sparseGrid();
  const auto dir = freshDir("killed.zarr");
  const auto order = allTiles(false);
  {
    const auto store = OmeZarrStore::create(dir, shardedLayout());
    OmeZarrTileSink sink(store, grid, 2, 2, 0, true);
    // Killed after tiles 0…9: shard (0, 0) holds tiles 0, 1, 7, 8 and is finished; shard
    // (0, 1)'s tiles 2, 3 and 9 wait in pending files.
    writeTiles(sink, grid, {order.begin(), order.begin() + 10});
  }
  EXPECT_TRUE(fs::exists(dir / "0" / "c" / "0" / "0" / "0" / "0"));
  EXPECT_TRUE(fs::exists(dir / "0" / ".pending" / "0.0.0.1" / "1.2"));
  // A kill in the middle of a write leaves a temporary file; resuming removes it.
  std::ofstream(dir / "0" / ".pending" / "0.0.0.1" / ".partial-1-2-1.3") << "half";
  EXPECT_EQ(removeUnfinishedWrites(dir), 1);
  {
    const auto store = OmeZarrStore::open(dir);
    EXPECT_TRUE(store.hasChunk(0, 0, 0, 1, 2)) << "a pending chunk";
    OmeZarrTileSink sink(store, grid, 2, 2, 0, true);
    // The resumed job writes again from its checkpoint (some tiles a second time).
    writeTiles(sink, grid, {order.begin() + 5, order.end()});
  }
  EXPECT_FALSE(fs::exists(dir / "0" / ".pending"));
  const auto whole = OmeZarrStore::create(freshDir("unkilled.zarr"), shardedLayout());
  {
    OmeZarrTileSink sink(whole, grid, 2, 2, 0, true);
    writeTiles(sink, grid, order);
  }
  EXPECT_EQ(levelFiles(dir), levelFiles(whole.path()));

  // Every chunk of a shard pending, the kill before its assembly: the resumed sink finishes
  // it (and the pyramid above) before any tile comes.
  const auto all = freshDir("all_pending.zarr");
  {
    const auto store = OmeZarrStore::create(all, shardedLayout());
    OmeZarrTileSink sink(store, grid, 2, 2, 0, false);
    writeTiles(sink, grid, order);
  }
  EXPECT_TRUE(fs::exists(all / "0" / ".pending"));
  {
    const auto store = OmeZarrStore::open(all);
    OmeZarrTileSink sink(store, grid, 2, 2, 0, true);
  }
  EXPECT_FALSE(fs::exists(all / "0" / ".pending"));
  EXPECT_EQ(levelFiles(all), levelFiles(whole.path()));
}

TEST(OmeZarrShard, AShardCutShortIsNamedAndListed) {
  const auto dir = freshDir("cut.zarr");
  const auto store = OmeZarrStore::create(dir, shardedLayout());
  store.writeChunk(0, 0, 0, 0, 0, pattern(4));
  store.writeChunk(0, 0, 0, 0, 1, pattern(5));
  store.finishShard(0, 0, 0, 0, 0);
  EXPECT_TRUE(store.damagedShards().empty());
  const auto shard = store.shardPath(0, 0, 0, 0, 0);
  fs::resize_file(shard, fs::file_size(shard) - 7);
  try {
    store.readChunk(0, 0, 0, 0, 1);
    FAIL() << "a shard cut short was read";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), shard);
    EXPECT_NE(std::string(e.what()).find("shard cut short"), std::string::npos) << e.what();
  }
  EXPECT_THROW(store.hasChunk(0, 0, 0, 0, 0), FileError);
  const auto damaged = store.damagedShards();
  ASSERT_EQ(damaged.size(), 1u);
  EXPECT_EQ(damaged[0].file, shard);
  EXPECT_EQ(damaged[0].shardCol, 0);
  // Shorter than its index.
  fs::resize_file(shard, 10);
  try {
    store.readChunk(0, 0, 0, 0, 0);
    FAIL() << "a shard shorter than its index was read";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("shard cut short: 10 bytes"), std::string::npos)
        << e.what();
  }
}

// A level's zarr.json (.zarray for V2) with one field changed.
void expectRefused(const std::string& name, const std::function<void(nlohmann::json&)>& change,
                   const std::string& problem, int level = 1,
                   OmeZarrFormat format = OmeZarrFormat::V3Sharded) {
  const auto dir = freshDir(name);
  OmeZarrStore::create(dir, shardedLayout(format));
  const auto file =
      dir / std::to_string(level) / (format == OmeZarrFormat::V2 ? ".zarray" : "zarr.json");
  nlohmann::json array;
  {
    std::ifstream in(file);
    array = nlohmann::json::parse(in);
  }
  change(array);
  std::ofstream(file) << array.dump();
  try {
    OmeZarrStore::open(dir);
    FAIL() << name << " was opened";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), file) << e.what();
    EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << e.what();
  }
}

TEST(OmeZarrShard, MetadataIsCheckedBeforeUse) {
  expectRefused(
      "negative.zarr", [](auto& a) { a["shape"][2] = -4; }, "shape");
  expectRefused(
      "dtype.zarr", [](auto& a) { a["data_type"] = "uint16"; }, "data_type is not uint8");
  expectRefused(
      "shard.zarr",
      [](auto& a) {
        a["chunk_grid"]["configuration"]["chunk_shape"] = {1, 1, 20, 20};
      },
      "not a multiple of the chunk");
  expectRefused(
      "zero.zarr",
      [](auto& a) {
        a["codecs"][0]["configuration"]["chunk_shape"] = {1, 1, 0, 0};
      },
      "outside [2, ");
  expectRefused(
      "codec.zarr", [](auto& a) { a["codecs"][0]["name"] = "transpose"; }, "sharding_indexed");
  expectRefused(
      "index.zarr", [](auto& a) { a["codecs"][0]["configuration"]["index_location"] = "start"; },
      "the shard index");
  expectRefused(
      "missing.zarr", [](auto& a) { a.erase("chunk_grid"); }, "not a Zarr v3 sharded array");
}

// Headers whose sizes would make a walk over every chunk or shard (repair, the pyramid,
// `teramind seams`) take forever, or whose chunks the pyramid cannot halve.
TEST(OmeZarrShard, HugeOrOddChunkGridsAreRefusedFastNamingTheFile) {
  const auto started = std::chrono::steady_clock::now();
  const auto chunkAndShard = [](std::int64_t chunk, std::int64_t shard) {
    return [=](nlohmann::json& a) {
      a["codecs"][0]["configuration"]["chunk_shape"] = {1, 1, chunk, chunk};
      a["chunk_grid"]["configuration"]["chunk_shape"] = {1, 1, shard, shard};
    };
  };
  const auto shapeAnd = [](std::int64_t side, std::function<void(nlohmann::json&)> more) {
    return [=](nlohmann::json& a) {
      a["shape"][2] = side;
      a["shape"][3] = side;
      more(a);
    };
  };
  const std::int64_t tera = 1000000000000;
  expectRefused("tera_chunk2.zarr", shapeAnd(tera, chunkAndShard(2, 2)),
                "chunks per channel and plane", 0);
  expectRefused("tera_chunk1.zarr", shapeAnd(tera, chunkAndShard(1, 1)), "outside [2, ", 0);
  expectRefused("huge_chunk2.zarr", shapeAnd(100000, chunkAndShard(2, 2)), "50000 x 50000 chunks",
                0);
  expectRefused("huge_chunk1.zarr", shapeAnd(100000, chunkAndShard(1, 1)), "outside [2, ", 0);
  expectRefused("chunk0.zarr", chunkAndShard(0, 16), "outside [2, ", 0);
  expectRefused("chunk_negative.zarr", chunkAndShard(-8, 16), "outside [2, ", 0);
  expectRefused("chunk_2to32.zarr", chunkAndShard(std::int64_t(1) << 32, std::int64_t(1) << 32),
                "outside [2, ", 0);
  expectRefused("chunk_odd.zarr", chunkAndShard(7, 14), "side 7 is odd", 0);
  // V2: the same checks on .zarray.
  const auto v2Chunks = [](std::int64_t chunk) {
    return [=](nlohmann::json& a) { a["chunks"] = {1, 1, chunk, chunk}; };
  };
  expectRefused("v2_tera.zarr", shapeAnd(tera, v2Chunks(2)), "chunks per channel and plane", 0,
                OmeZarrFormat::V2);
  expectRefused("v2_chunk1.zarr", shapeAnd(tera, v2Chunks(1)), "outside [2, ", 0,
                OmeZarrFormat::V2);
  expectRefused("v2_odd.zarr", v2Chunks(5), "side 5 is odd", 0, OmeZarrFormat::V2);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), 5.0);
  // Nor are such stores created.
  auto odd = shardedLayout();
  odd.chunk = 7;
  odd.shard = 14;
  EXPECT_THROW(OmeZarrStore::create(freshDir("create_odd.zarr"), odd), FileError);
  auto huge = shardedLayout();
  huge.height = huge.width = 100000;
  huge.chunk = huge.shard = 2;
  EXPECT_THROW(OmeZarrStore::create(freshDir("create_huge.zarr"), huge), FileError);
}

// Files that are not ROW.COL in a shard's pending folder (an NFS silly-rename …) are not
// chunks: skipped. A ROW.COL of another shard is an error naming it.
TEST(OmeZarrShard, StrayPendingFilesAreSkippedAndChunksOfAnotherShardNamed) {
  const auto dir = freshDir("stray.zarr");
  const auto store = OmeZarrStore::create(dir, shardedLayout());
  store.writeChunk(0, 0, 0, 0, 1, pattern(7));
  const auto pending = dir / "0" / ".pending" / "0.0.0.0";
  std::ofstream(pending / ".nfs0000000012345678") << "x";
  std::ofstream(pending / "notes.txt") << "x";
  std::ofstream(dir / "0" / ".pending" / ".nfs0000000087654321") << "x";
  store.buildPyramid();
  EXPECT_EQ(store.readChunk(0, 0, 0, 0, 1), pattern(7));
  EXPECT_TRUE(fs::exists(store.shardPath(0, 0, 0, 0, 0)));
  EXPECT_FALSE(fs::exists(pending));
  store.writeChunk(0, 0, 0, 2, 3, pattern(8));
  const auto wrong = dir / "0" / ".pending" / "0.0.1.1" / "5.3";
  std::ofstream(wrong) << "x";
  try {
    store.finishShard(0, 0, 0, 1, 1);
    FAIL() << "a chunk of another shard was taken";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), wrong) << e.what();
  }
}

TEST(OmeZarrShard, V2ChunksUseSlashKeysAndOldDotStoresStillRead) {
  const auto dir = freshDir("v2.zarr");
  const auto store = OmeZarrStore::create(dir, shardedLayout(OmeZarrFormat::V2));
  store.writeChunk(0, 1, 1, 3, 4, pattern(6));
  EXPECT_TRUE(fs::exists(dir / "0" / "1" / "1" / "3" / "4"));
  // A store written before: '.' separators.
  fs::rename(dir / "0" / "1" / "1" / "3" / "4", dir / "0" / "1.1.3.4");
  for (int l = 0; l < store.layout().levels; ++l) {
    const auto file = dir / std::to_string(l) / ".zarray";
    nlohmann::json array;
    {
      std::ifstream in(file);
      array = nlohmann::json::parse(in);
    }
    array["dimension_separator"] = ".";
    std::ofstream(file) << array.dump();
  }
  const auto old = OmeZarrStore::open(dir);
  EXPECT_EQ(old.layout().format, OmeZarrFormat::V2);
  EXPECT_TRUE(old.hasChunk(0, 1, 1, 3, 4));
  EXPECT_EQ(old.readChunk(0, 1, 1, 3, 4), pattern(6));
}

}  // namespace
}  // namespace teramind
