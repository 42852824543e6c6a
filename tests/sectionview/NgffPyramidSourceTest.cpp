// NgffPyramidSource and io/NgffImage on real stores written in the test: our own outputs
// (OmeZarrStore, v2 and v3-sharded with a running job's pending chunks) and another tool's
// NGFF 0.4 image written by python3-zarr (tests/tools/write_ngff_image.py).

#include "sectionview/NgffPyramidSource.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/FileError.h"
#include "io/NgffImage.h"
#include "io/OmeZarrStore.h"
#include "support/FileErrorOf.h"
#include "support/TestFiles.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using test::errorOf;
using test::writeText;

const fs::path kTools = TERAMIND_TEST_TOOLS_DIR;

// Folders of this run's tests, named by the process too (people run the same tests at the
// same time), removed once every test has passed.
std::vector<fs::path>& scratchFolders() {
  static std::vector<fs::path> folders;
  return folders;
}

class RemoveScratchFolders : public ::testing::Environment {
 public:
  void TearDown() override {
    if (::testing::UnitTest::GetInstance()->failed_test_count() != 0) return;
    std::error_code ec;
    for (const auto& folder : scratchFolders()) fs::remove_all(folder, ec);
  }
};
[[maybe_unused]] ::testing::Environment* const kRemoveScratchFolders =
    ::testing::AddGlobalTestEnvironment(new RemoveScratchFolders);

fs::path freshDirectory() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "ngff_pyramid" /
                       info->test_suite_name() /
                       (std::string(info->name()) + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  scratchFolders().push_back(dir);
  return dir;
}

// A section of 300 x 200 px (height x width) in chunks of 64, two stains, two planes.
OmeZarrLayout layoutOf(OmeZarrFormat format) {
  OmeZarrLayout L;
  L.channels = {"DAPI", "PolyT"};
  L.planes = 2;
  L.height = 300, L.width = 200;
  L.chunk = 64;
  L.shard = 128;
  L.format = format;
  L.levels = OmeZarrLayout::levelsToFit(L.height, L.width, L.chunk);
  L.pixelUm = 0.5, L.planeUm = 1.5;
  L.originXUm = 10, L.originYUm = 20;
  return L;
}

// The chunk's bytes: a value per pixel from its position in the level, channel and plane.
std::uint8_t valueAt(int channel, int plane, std::int64_t y, std::int64_t x) {
  return std::uint8_t((channel * 50 + plane * 20 + y * 3 + x) % 251 + 1);
}

std::vector<std::uint8_t> chunkOf(const OmeZarrLayout& L, int channel, int plane, std::int64_t row,
                                  std::int64_t col) {
  std::vector<std::uint8_t> pixels(std::size_t(L.chunk * L.chunk));
  for (std::int64_t y = 0; y < L.chunk; ++y)
    for (std::int64_t x = 0; x < L.chunk; ++x)
      pixels[std::size_t(y * L.chunk + x)] =
          valueAt(channel, plane, row * L.chunk + y, col * L.chunk + x);
  return pixels;
}

// Checks tile (row, col) of level 0 against valueAt inside the image, NaN past its edge.
void expectLevel0Tile(const PyramidSource& source, int channel, int plane, std::int64_t row,
                      std::int64_t col) {
  const auto& info = source.info();
  const auto tile = source.readTile(0, channel, plane, row, col);
  ASSERT_EQ(tile.size(), std::size_t(info.tile * info.tile));
  for (std::int64_t y = 0; y < info.tile; ++y)
    for (std::int64_t x = 0; x < info.tile; ++x) {
      const std::int64_t iy = row * info.tile + y, ix = col * info.tile + x;
      const float v = tile[std::size_t(y * info.tile + x)];
      if (iy >= info.levels[0].height || ix >= info.levels[0].width)
        ASSERT_TRUE(std::isnan(v)) << "past the edge at " << ix << ", " << iy;
      else
        ASSERT_EQ(v, float(valueAt(channel, plane, iy, ix))) << "at " << ix << ", " << iy;
    }
}

bool allNaN(const TilePixels& tile) {
  for (const float v : tile)
    if (!std::isnan(v)) return false;
  return true;
}

class OurStore : public ::testing::TestWithParam<OmeZarrFormat> {};

// Every level-0 chunk but one written, the pyramid built: the info, the values, NaN where no
// chunk was written and past the edge, and level 1 as the store holds it.
TEST_P(OurStore, ReadsLevelsPlacementAndUnwrittenChunks) {
  const fs::path dir = freshDirectory() / "job.zarr";
  const OmeZarrLayout L = layoutOf(GetParam());
  const auto store = OmeZarrStore::create(dir, L);
  for (int c = 0; c < 2; ++c)
    for (int p = 0; p < 2; ++p)
      for (std::int64_t row = 0; row < L.chunkRows(0); ++row)
        for (std::int64_t col = 0; col < L.chunkCols(0); ++col)
          if (!(c == 0 && p == 1 && row == 1 && col == 2))
            store.writeChunk(0, c, p, row, col, chunkOf(L, c, p, row, col));
  store.buildPyramid();

  ASSERT_TRUE(NgffPyramidSource::isNgffImage(dir));
  const auto source = NgffPyramidSource::open(dir);
  EXPECT_TRUE(source->isTeramindOutput());
  const PyramidInfo& info = source->info();
  EXPECT_EQ(info.channels, (std::vector<std::string>{"DAPI", "PolyT"}));
  EXPECT_EQ(info.planes, 2);
  EXPECT_DOUBLE_EQ(info.planeUm, 1.5);
  EXPECT_EQ(info.tile, 64);
  ASSERT_EQ(int(info.levels.size()), L.levels);
  for (int l = 0; l < L.levels; ++l) {
    EXPECT_EQ(info.levels[std::size_t(l)].width, L.levelWidth(l));
    EXPECT_EQ(info.levels[std::size_t(l)].height, L.levelHeight(l));
    EXPECT_DOUBLE_EQ(info.levels[std::size_t(l)].pixelUm, 0.5 * double(1 << l));
  }
  EXPECT_DOUBLE_EQ(info.originXUm, 10);
  EXPECT_DOUBLE_EQ(info.originYUm, 20);
  EXPECT_DOUBLE_EQ(info.widthUm(), 100);
  EXPECT_EQ(info.valueMax, 255);
  EXPECT_EQ(info.contrastMax, 255);

  expectLevel0Tile(*source, 1, 1, 0, 0);
  expectLevel0Tile(*source, 0, 0, 4, 3);  // the corner tile: 300 = 4 · 64 + 44, 200 = 3 · 64 + 8
  EXPECT_TRUE(allNaN(source->readTile(0, 0, 1, 1, 2)));  // never written
  expectLevel0Tile(*source, 1, 1, 1, 2);                 // the same chunk of another plane
  EXPECT_TRUE(allNaN(source->readTile(0, 0, 0, 5, 0)));  // outside the image

  const auto level1 = source->readTile(1, 1, 0, 1, 0);
  const auto stored = store.readChunk(1, 1, 0, 1, 0);
  for (std::int64_t y = 0; y < 64; ++y)
    for (std::int64_t x = 0; x < 64; ++x) {
      const float v = level1[std::size_t(y * 64 + x)];
      if (64 + y >= L.levelHeight(1) || x >= L.levelWidth(1))
        EXPECT_TRUE(std::isnan(v));
      else
        ASSERT_EQ(v, float(stored[std::size_t(y * 64 + x)])) << x << ", " << y;
    }
}

INSTANTIATE_TEST_SUITE_P(BothLayouts, OurStore,
                         ::testing::Values(OmeZarrFormat::V2, OmeZarrFormat::V3Sharded),
                         [](const auto& p) { return p.param == OmeZarrFormat::V2 ? "V2" : "V3"; });

// A running v3 job: chunks wait in .pending until their shard is finished. The source shows
// them there, shows one written after the source was opened (nothing absent is remembered),
// and the same values once the shard is assembled.
TEST(NgffPyramidSource, SeesPendingChunksOfARunningJob) {
  const fs::path dir = freshDirectory() / "job.zarr";
  const OmeZarrLayout L = layoutOf(OmeZarrFormat::V3Sharded);
  const auto store = OmeZarrStore::create(dir, L, R"({"job": "running"})");
  store.writeChunk(0, 0, 0, 0, 0, chunkOf(L, 0, 0, 0, 0));
  ASSERT_TRUE(fs::exists(dir / "0" / ".pending"));
  const auto source = NgffPyramidSource::open(dir);
  EXPECT_TRUE(source->isTeramindOutput());
  expectLevel0Tile(*source, 0, 0, 0, 0);
  EXPECT_TRUE(allNaN(source->readTile(0, 0, 0, 0, 1)));

  store.writeChunk(0, 0, 0, 0, 1, chunkOf(L, 0, 0, 0, 1));
  expectLevel0Tile(*source, 0, 0, 0, 1);
  store.writeChunk(0, 0, 0, 1, 0, chunkOf(L, 0, 0, 1, 0));
  store.writeChunk(0, 0, 0, 1, 1, chunkOf(L, 0, 0, 1, 1));
  store.finishShard(0, 0, 0, 0, 0);
  ASSERT_TRUE(fs::exists(store.shardPath(0, 0, 0, 0, 0)));
  for (std::int64_t row = 0; row < 2; ++row)
    for (std::int64_t col = 0; col < 2; ++col) expectLevel0Tile(*source, 0, 0, row, col);
  EXPECT_TRUE(allNaN(source->readTile(0, 0, 0, 2, 0)));  // the next shard: nothing yet
}

// Another tool's NGFF 0.4 image (python3-zarr, uint16, c/y/x, chunks 100 x 100 of a
// 250 x 330 image, three levels, scale and translation): values as numpy wrote them.
class ForeignImage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("/usr/bin/python3 -c 'import zarr, numpy' >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "python3-zarr (Debian's python3-zarr) is not installed; skipping";
    dir_ = freshDirectory() / "image.zarr";
  }
  void write(const std::string& unit) {
    const std::string command = "/usr/bin/python3 " + (kTools / "write_ngff_image.py").string() +
                                " " + dir_.string() + " " + unit;
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static float expected(int level, int channel, std::int64_t y, std::int64_t x) {
    return float((channel * 1000 + level * 5000 + y * 30 + x * 7) % 65536);
  }
  fs::path dir_;
};

TEST_F(ForeignImage, ReadsValuesLevelsAndPlacement) {
  write("micrometer");
  ASSERT_TRUE(NgffPyramidSource::isNgffImage(dir_));
  const auto source = NgffPyramidSource::open(dir_);
  EXPECT_FALSE(source->isTeramindOutput());
  const PyramidInfo& info = source->info();
  EXPECT_EQ(info.channels, (std::vector<std::string>{"DAPI", "PolyT"}));
  EXPECT_EQ(info.planes, 1);
  EXPECT_EQ(info.tile, 100);
  ASSERT_EQ(info.levels.size(), 3u);
  const std::int64_t widths[] = {330, 165, 83}, heights[] = {250, 125, 63};
  for (std::size_t l = 0; l < 3; ++l) {
    EXPECT_EQ(info.levels[l].width, widths[l]);
    EXPECT_EQ(info.levels[l].height, heights[l]);
    EXPECT_DOUBLE_EQ(info.levels[l].pixelUm, 0.5 * double(1 << l));
  }
  EXPECT_DOUBLE_EQ(info.originXUm, 3);
  EXPECT_DOUBLE_EQ(info.originYUm, 7);
  EXPECT_EQ(info.valueMax, 65535);
  EXPECT_GT(info.contrastMax, 0);
  EXPECT_LE(info.contrastMax, 65535);

  for (int level = 0; level < 3; ++level)
    for (int channel = 0; channel < 2; ++channel)
      for (std::int64_t row = 0; row < info.tileRows(level); ++row)
        for (std::int64_t col = 0; col < info.tileCols(level); ++col) {
          const auto tile = source->readTile(level, channel, 0, row, col);
          for (std::int64_t y = 0; y < 100; ++y)
            for (std::int64_t x = 0; x < 100; ++x) {
              const std::int64_t iy = row * 100 + y, ix = col * 100 + x;
              const float v = tile[std::size_t(y * 100 + x)];
              if (iy >= heights[level] || ix >= widths[level])
                ASSERT_TRUE(std::isnan(v));
              else
                ASSERT_EQ(v, expected(level, channel, iy, ix))
                    << "level " << level << " channel " << channel << " at " << ix << ", " << iy;
            }
        }

  // A chunk file removed (never written): NaN there, the rest unchanged.
  fs::remove(dir_ / "0" / "1" / "1" / "2");
  const auto tile = source->readTile(0, 1, 0, 1, 2);
  EXPECT_TRUE(allNaN(tile));
  EXPECT_EQ(source->readTile(0, 1, 0, 1, 1)[0], expected(0, 1, 100, 100));
}

TEST_F(ForeignImage, ConvertsNanometres) {
  write("nanometer");
  const auto source = NgffPyramidSource::open(dir_);
  EXPECT_DOUBLE_EQ(source->info().levels[0].pixelUm, 0.0005);
  EXPECT_DOUBLE_EQ(source->info().levels[2].pixelUm, 0.002);
  EXPECT_DOUBLE_EQ(source->info().originXUm, 0.003);
  EXPECT_DOUBLE_EQ(source->info().originYUm, 0.007);
}

TEST_F(ForeignImage, ReadsWindowsThroughNgffImage) {
  write("micrometer");
  const NgffImage image = NgffImage::open(dir_);
  EXPECT_EQ(image.version(), "0.4");
  EXPECT_EQ(image.axes(), (std::vector<std::string>{"c", "y", "x"}));
  EXPECT_EQ(image.bitsPerSample(), 16);
  ASSERT_EQ(image.levels().size(), 3u);
  EXPECT_EQ(image.levels()[1].chunkWidth, 100);
  EXPECT_DOUBLE_EQ(image.levels()[1].translationXUm, 3.5);
  const auto window = image.readWindow(1, 1, 0, 90, 95, 20, 10);  // across four chunks
  for (std::int64_t y = 0; y < 10; ++y)
    for (std::int64_t x = 0; x < 20; ++x)
      ASSERT_EQ(float(window[std::size_t(y * 20 + x)]), expected(1, 1, 95 + y, 90 + x));
  EXPECT_TRUE(image.hasChunk(0, 0, 0, 2, 3));
  EXPECT_FALSE(image.hasChunk(0, 0, 0, 3, 0));  // outside the grid
}

TEST_F(ForeignImage, DamagedHeadersNameTheirFile) {
  write("micrometer");
  writeText(dir_ / "0" / ".zarray", "{\"zarr_format\": 2, \"shape\": [2, 250");
  const auto message = errorOf([&] { NgffPyramidSource::open(dir_); });
  EXPECT_NE(message.find((dir_ / "0" / ".zarray").string()), std::string::npos) << message;

  writeText(dir_ / ".zattrs", "{\"multiscales\": [{\"axes\": [\"c\", \"y\"");
  const auto group = errorOf([&] { NgffPyramidSource::open(dir_); });
  EXPECT_NE(group.find((dir_ / ".zattrs").string()), std::string::npos) << group;
  EXPECT_FALSE(NgffPyramidSource::isNgffImage(dir_));
}

// Another tool's NGFF 0.5 image on Zarr v3 without sharding, written here byte by byte: axes
// z, y, x (y and x in mm, z in µm), uint8 chunks of 1 x 16 x 16 (too small for tiles: 256 px
// tiles across several), the translation at the multiscale's level; a chunk never written.
TEST(NgffPyramidSource, ReadsAForeignZarrV3Image) {
  const fs::path dir = freshDirectory() / "image.zarr";
  writeText(dir / "zarr.json", R"({"zarr_format": 3, "node_type": "group", "attributes": {"ome": {
      "version": "0.5", "multiscales": [{"name": "stain",
      "axes": [{"name": "z", "type": "space", "unit": "micrometer"},
               {"name": "y", "type": "space", "unit": "millimeter"},
               {"name": "x", "type": "space", "unit": "millimeter"}],
      "datasets": [{"path": "s0", "coordinateTransformations": [
                     {"type": "scale", "scale": [2.0, 0.001, 0.001]}]}],
      "coordinateTransformations": [{"type": "translation", "translation": [0, 0.5, 0.25]}]}]}}})");
  writeText(dir / "s0" / "zarr.json", R"({"zarr_format": 3, "node_type": "array",
      "shape": [2, 30, 50], "data_type": "uint8",
      "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1, 16, 16]}},
      "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
      "fill_value": 0, "codecs": [{"name": "bytes"}], "dimension_names": ["z", "y", "x"]})");
  auto value = [](std::int64_t z, std::int64_t y, std::int64_t x) {
    return std::uint8_t((z * 40 + y * 3 + x) % 256);
  };
  for (std::int64_t z = 0; z < 2; ++z)
    for (std::int64_t cy = 0; cy < 2; ++cy)
      for (std::int64_t cx = 0; cx < 4; ++cx) {
        if (z == 1 && cy == 1 && cx == 1) continue;
        std::string bytes(256, '\0');
        for (std::int64_t y = 0; y < 16; ++y)
          for (std::int64_t x = 0; x < 16; ++x)
            bytes[std::size_t(y * 16 + x)] = char(value(z, cy * 16 + y, cx * 16 + x));
        const fs::path chunk =
            dir / "s0" / "c" / std::to_string(z) / std::to_string(cy) / std::to_string(cx);
        fs::create_directories(chunk.parent_path());
        std::ofstream(chunk, std::ios::binary) << bytes;
      }
  ASSERT_TRUE(NgffPyramidSource::isNgffImage(dir));
  const auto source = NgffPyramidSource::open(dir);
  EXPECT_FALSE(source->isTeramindOutput());
  const PyramidInfo& info = source->info();
  EXPECT_EQ(info.channels, (std::vector<std::string>{"channel 0"}));
  EXPECT_EQ(info.planes, 2);
  EXPECT_DOUBLE_EQ(info.planeUm, 2);
  EXPECT_EQ(info.tile, 256);
  ASSERT_EQ(info.levels.size(), 1u);
  EXPECT_DOUBLE_EQ(info.levels[0].pixelUm, 1);
  EXPECT_DOUBLE_EQ(info.originXUm, 249.5);
  EXPECT_DOUBLE_EQ(info.originYUm, 499.5);
  EXPECT_EQ(info.valueMax, 255);
  for (std::int64_t z = 0; z < 2; ++z) {
    const auto tile = source->readTile(0, 0, int(z), 0, 0);
    for (std::int64_t y = 0; y < 256; ++y)
      for (std::int64_t x = 0; x < 256; ++x) {
        const float v = tile[std::size_t(y * 256 + x)];
        const bool unwritten = z == 1 && y >= 16 && y < 32 && x >= 16 && x < 32;
        if (y >= 30 || x >= 50 || unwritten)
          ASSERT_TRUE(std::isnan(v)) << z << ": " << x << ", " << y;
        else
          ASSERT_EQ(v, float(value(z, y, x))) << z << ": " << x << ", " << y;
      }
  }
}

TEST(NgffPyramidSource, RefusesWhatIsNotAnImage) {
  const fs::path dir = freshDirectory();
  EXPECT_FALSE(NgffPyramidSource::isNgffImage(dir));
  EXPECT_NE(errorOf([&] { NgffPyramidSource::open(dir); }).find("not an NGFF image"),
            std::string::npos);
  writeText(dir / "labels" / ".zattrs", R"({"multiscales": [{"axes": ["c", "y"],
      "datasets": [{"path": "0"}]}]})");
  EXPECT_NE(errorOf([&] { NgffPyramidSource::open(dir / "labels"); }).find("no \"x\" axis"),
            std::string::npos);
  writeText(dir / "up" / ".zattrs", R"({"multiscales": [{"axes": ["y", "x"],
      "datasets": [{"path": "../0"}]}]})");
  EXPECT_NE(errorOf([&] { NgffPyramidSource::open(dir / "up"); }).find("not a folder inside"),
            std::string::npos);
  writeText(dir / "flat" / ".zattrs", R"({"multiscales": [{"axes": ["y", "x"],
      "datasets": [{"path": "0", "coordinateTransformations": [
                     {"type": "scale", "scale": [0.5, 0]}]}]}]})");
  const auto flat = errorOf([&] { NgffPyramidSource::open(dir / "flat"); });
  EXPECT_NE(flat.find("multiscales[0].datasets[0].coordinateTransformations[0].scale: [0.5,0] is "
                      "not positive"),
            std::string::npos)
      << flat;
  writeText(dir / "short" / ".zattrs", R"({"multiscales": [{"axes": ["c", "y", "x"],
      "datasets": [{"path": "0", "coordinateTransformations": [
                     {"type": "translation", "translation": [1, 2]}]}]}]})");
  const auto shortList = errorOf([&] { NgffPyramidSource::open(dir / "short"); });
  EXPECT_NE(shortList.find("is not 3 numbers"), std::string::npos) << shortList;
  EXPECT_NE(shortList.find((dir / "short" / ".zattrs").string()), std::string::npos);
  // Another tool's sharded Zarr v3 array: refused by name (only ours are read sharded).
  writeText(dir / "sharded" / "zarr.json", R"({"zarr_format": 3, "node_type": "group",
      "attributes": {"ome": {"version": "0.5", "multiscales": [{"axes": ["y", "x"],
      "datasets": [{"path": "0"}]}]}}})");
  writeText(dir / "sharded" / "0" / "zarr.json", R"({"zarr_format": 3, "node_type": "array",
      "shape": [64, 64], "data_type": "uint16",
      "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [64, 64]}},
      "chunk_key_encoding": {"name": "default"}, "fill_value": 0,
      "codecs": [{"name": "sharding_indexed", "configuration": {"chunk_shape": [32, 32]}}]})");
  const auto sharded = errorOf([&] { NgffPyramidSource::open(dir / "sharded"); });
  EXPECT_NE(sharded.find((dir / "sharded" / "0" / "zarr.json").string()), std::string::npos)
      << sharded;
  EXPECT_NE(sharded.find("no sharding"), std::string::npos) << sharded;
  writeText(dir / "rotated" / ".zattrs", R"({"multiscales": [{"axes": ["y", "x"],
      "datasets": [{"path": "0", "coordinateTransformations": [{"type": "affine"}]}]}]})");
  EXPECT_NE(errorOf([&] { NgffPyramidSource::open(dir / "rotated"); }).find("type \"affine\""),
            std::string::npos);
}

}  // namespace
}  // namespace teramind

namespace teramind {
namespace {

// A measurement, not a check: $TERAMIND_NGFF_BENCH's image opened, its info printed, and the
// first tiles of level 0 and of the coarsest level read. Run by hand:
//   TERAMIND_NGFF_BENCH=/work/bench/M/generated.zarr teramind_sectionview_tests
//     --gtest_also_run_disabled_tests --gtest_filter='*DISABLED_ReadAnImage'
// (one command line)
TEST(NgffPyramidSource, DISABLED_ReadAnImage) {
  const char* path = std::getenv("TERAMIND_NGFF_BENCH");
  if (!path || !*path) GTEST_SKIP() << "TERAMIND_NGFF_BENCH names no image; skipping";
  const auto start = std::chrono::steady_clock::now();
  const auto source = NgffPyramidSource::open(path);
  const auto& info = source->info();
  std::cout << info.name << ": " << info.levels.size() << " levels, level 0 "
            << info.levels[0].width << " x " << info.levels[0].height << " px of "
            << info.levels[0].pixelUm << " µm, tile " << info.tile << ", origin " << info.originXUm
            << ", " << info.originYUm << ", " << info.channels.size() << " channels, "
            << info.planes << " planes, ours " << source->isTeramindOutput() << "\n";
  int written = 0, tiles = 0;
  for (const int level : {0, int(info.levels.size()) - 1})
    for (std::int64_t row = 0; row < std::min<std::int64_t>(4, info.tileRows(level)); ++row)
      for (std::int64_t col = 0; col < std::min<std::int64_t>(4, info.tileCols(level)); ++col) {
        const auto tile = source->readTile(level, 0, 0, row, col);
        ++tiles;
        written += !allNaN(tile);
      }
  std::cout << tiles << " tiles read (" << written << " with data) in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s with the open\n";
}

}  // namespace
}  // namespace teramind
