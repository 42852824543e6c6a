// TiffPyramidSource on 16-bit tiled TIFFs written in the test (TiledTiffWriter): the pyramid
// built once into the cache and read from it after, its levels the 2 × 2 means, the cache
// keyed by the file's mtime, beside the data on request, damaged input refused by name; a
// cancelled build leaving nothing; the app cache pruned of changed files' pyramids and, over
// its cap, of the least recently used.

#include "sectionview/TiffPyramidSource.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <tiffio.h>
#include <unistd.h>

#include "common/FileError.h"
#include "common/OperationCancelled.h"
#include "io/TiffImage.h"
#include "support/FileErrorOf.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using test::errorOf;

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
  const fs::path dir = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "tiff_pyramid" /
                       info->test_suite_name() /
                       (std::string(info->name()) + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  scratchFolders().push_back(dir);
  return dir;
}

// A 1001 x 701 px mosaic (odd sides: the pyramid's edge pixels average fewer than four).
constexpr std::int64_t kWidth = 1001, kHeight = 701;

double valueAt(std::int64_t x, std::int64_t y) {
  return double((x * 37 + y * 101 + 5) % 60000);
}

fs::path writeMosaic(const fs::path& file) {
  TiledTiffWriter writer(file, kWidth, kHeight, 128);
  std::vector<std::uint16_t> tile(128 * 128);
  for (std::int64_t r = 0; r < writer.tileRows(); ++r)
    for (std::int64_t c = 0; c < writer.tileCols(); ++c) {
      for (std::int64_t y = 0; y < 128; ++y)
        for (std::int64_t x = 0; x < 128; ++x)
          tile[std::size_t(y * 128 + x)] = std::uint16_t(valueAt(c * 128 + x, r * 128 + y));
      writer.writeTile(r, c, tile);
    }
  writer.commit();
  return file;
}

// The level below halved as TiffPyramidSource documents: means of the pixels inside, rounded.
std::vector<double> halved(const std::vector<double>& below, std::int64_t w, std::int64_t h,
                           std::int64_t& outW, std::int64_t& outH) {
  outW = (w + 1) / 2, outH = (h + 1) / 2;
  std::vector<double> out(std::size_t(outW * outH));
  for (std::int64_t y = 0; y < outH; ++y)
    for (std::int64_t x = 0; x < outW; ++x) {
      double sum = 0;
      int n = 0;
      for (std::int64_t sy = 2 * y; sy < std::min(2 * y + 2, h); ++sy)
        for (std::int64_t sx = 2 * x; sx < std::min(2 * x + 2, w); ++sx, ++n)
          sum += below[std::size_t(sy * w + sx)];
      out[std::size_t(y * outW + x)] = double(std::lround(sum / n));
    }
  return out;
}

// Every tile of `level` against `expected` (w x h), NaN past the edge.
void expectLevel(const TiffPyramidSource& source, int level, const std::vector<double>& expected,
                 std::int64_t w, std::int64_t h) {
  const auto& info = source.info();
  ASSERT_EQ(info.levels[std::size_t(level)].width, w);
  ASSERT_EQ(info.levels[std::size_t(level)].height, h);
  const std::int64_t t = info.tile;
  for (std::int64_t row = 0; row < info.tileRows(level); ++row)
    for (std::int64_t col = 0; col < info.tileCols(level); ++col) {
      const auto tile = source.readTile(level, 0, 0, row, col);
      ASSERT_EQ(tile.size(), std::size_t(t * t));
      for (std::int64_t y = 0; y < t; ++y)
        for (std::int64_t x = 0; x < t; ++x) {
          const std::int64_t iy = row * t + y, ix = col * t + x;
          const float v = tile[std::size_t(y * t + x)];
          if (iy >= h || ix >= w)
            ASSERT_TRUE(std::isnan(v)) << "level " << level << " past the edge at " << ix;
          else
            ASSERT_EQ(v, float(expected[std::size_t(iy * w + ix)]))
                << "level " << level << " at " << ix << ", " << iy;
        }
    }
}

TEST(TiffPyramidSource, BuildsOnceThenReadsTheCache) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic_DAPI_z0.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  EXPECT_FALSE(TiffPyramidSource::cached(mosaic, options));
  double lastProgress = -1;
  const auto built = TiffPyramidSource::open({mosaic}, 5, 6, 0.25, "DAPI (real)", options,
                                             [&](double f) { lastProgress = f; });
  EXPECT_TRUE(built->report().built);
  EXPECT_DOUBLE_EQ(lastProgress, 1.0);
  const fs::path cache = built->report().cache;
  EXPECT_EQ(cache.parent_path(), options.appCache);
  EXPECT_TRUE(fs::exists(cache / "pyramid.json"));
  EXPECT_NE(built->report().text().find("pyramid of mosaic_DAPI_z0.tif made in"), std::string::npos)
      << built->report().text();
  EXPECT_TRUE(TiffPyramidSource::cached(mosaic, options));

  const PyramidInfo& info = built->info();
  EXPECT_EQ(info.name, "DAPI (real)");
  EXPECT_EQ(info.tile, 256);
  ASSERT_EQ(info.levels.size(), 3u);  // 1001 → 501 → 251 (fits one tile of 256)
  EXPECT_DOUBLE_EQ(info.levels[2].pixelUm, 1.0);
  EXPECT_DOUBLE_EQ(info.originXUm, 5);
  EXPECT_DOUBLE_EQ(info.originYUm, 6);
  EXPECT_EQ(info.valueMax, 65535);
  EXPECT_GT(info.contrastMax, 50000);  // the 99.9th percentile of values up to 59999
  EXPECT_LE(info.contrastMax, 60000);

  std::vector<double> level0(std::size_t(kWidth * kHeight));
  for (std::int64_t y = 0; y < kHeight; ++y)
    for (std::int64_t x = 0; x < kWidth; ++x) level0[std::size_t(y * kWidth + x)] = valueAt(x, y);
  std::int64_t w1 = 0, h1 = 0, w2 = 0, h2 = 0;
  const auto level1 = halved(level0, kWidth, kHeight, w1, h1);
  const auto level2 = halved(level1, w1, h1, w2, h2);
  expectLevel(*built, 0, level0, kWidth, kHeight);
  expectLevel(*built, 1, level1, w1, h1);
  expectLevel(*built, 2, level2, w2, h2);

  const auto again = TiffPyramidSource::open({mosaic}, 5, 6, 0.25, "DAPI (real)", options);
  EXPECT_FALSE(again->report().built);
  EXPECT_EQ(again->report().cache, cache);
  EXPECT_NE(again->report().text().find("read from the cache"), std::string::npos);
  EXPECT_EQ(again->info().contrastMax, info.contrastMax);
  expectLevel(*again, 1, level1, w1, h1);
}

// Tiles of 32 px over the file's blocks of 128: bands of whole blocks, the same means.
TEST(TiffPyramidSource, SmallTilesOverLargerBlocks) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  options.tile = 32;
  const auto source = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  ASSERT_EQ(source->info().levels.size(), 6u);  // 1001, 501, 251, 126, 63, 32
  std::vector<double> level(std::size_t(kWidth * kHeight));
  for (std::int64_t y = 0; y < kHeight; ++y)
    for (std::int64_t x = 0; x < kWidth; ++x) level[std::size_t(y * kWidth + x)] = valueAt(x, y);
  std::int64_t w = kWidth, h = kHeight;
  for (int l = 1; l < 6; ++l) {
    std::int64_t nw = 0, nh = 0;
    level = halved(level, w, h, nw, nh);
    w = nw, h = nh;
    expectLevel(*source, l, level, w, h);
  }
}

// An 8-bit striped TIFF (libtiff itself): 16-bit levels holding 8-bit means, shown 0…255.
TEST(TiffPyramidSource, EightBitStripedMosaic) {
  const fs::path dir = freshDirectory();
  const fs::path file = dir / "stripes.tif";
  constexpr std::int64_t w = 600, h = 301;
  auto value = [](std::int64_t x, std::int64_t y) { return double((x * 7 + y * 13) % 256); };
  {
    TIFF* tiff = TIFFOpen(file.c_str(), "w");
    ASSERT_NE(tiff, nullptr);
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, std::uint32_t(w));
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, std::uint32_t(h));
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, 16);
    std::vector<std::uint8_t> row(w);
    for (std::int64_t y = 0; y < h; ++y) {
      for (std::int64_t x = 0; x < w; ++x) row[std::size_t(x)] = std::uint8_t(value(x, y));
      ASSERT_EQ(TIFFWriteScanline(tiff, row.data(), std::uint32_t(y), 0), 1);
    }
    TIFFClose(tiff);
  }
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  const auto source = TiffPyramidSource::open({file}, 0, 0, 1, "PolyT", options);
  EXPECT_EQ(source->info().valueMax, 255);
  EXPECT_EQ(source->info().contrastMax, 255);
  ASSERT_EQ(source->info().levels.size(), 3u);  // 600, 300, 150
  std::vector<double> level0(std::size_t(w * h));
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x) level0[std::size_t(y * w + x)] = value(x, y);
  std::int64_t w1 = 0, h1 = 0;
  const auto level1 = halved(level0, w, h, w1, h1);
  expectLevel(*source, 0, level0, w, h);
  expectLevel(*source, 1, level1, w1, h1);
}

// An OME-TIFF pyramid (libtiff itself): a 600 x 400 page with two SubIFDs of 300 x 200 and
// 150 x 100, each with its own values: read as it is, nothing cached.
TEST(TiffPyramidSource, ReadsAnOmeTiffPyramidAsItIs) {
  const fs::path dir = freshDirectory();
  const fs::path file = dir / "morphology.ome.tif";
  auto value = [](int level, std::int64_t x, std::int64_t y) {
    return std::uint16_t((x * 3 + y * 5 + level * 1000) % 65536);
  };
  {
    TIFF* tiff = TIFFOpen(file.c_str(), "w8");
    ASSERT_NE(tiff, nullptr);
    for (int level = 0; level < 3; ++level) {
      const std::uint32_t w = 600u >> level, h = 400u >> level;
      if (level == 0) {
        std::uint64_t offsets[2] = {0, 0};
        TIFFSetField(tiff, TIFFTAG_SUBIFD, 2, offsets);
      } else {
        TIFFSetField(tiff, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);
      }
      TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, w);
      TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, h);
      TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 16);
      TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
      TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
      TIFFSetField(tiff, TIFFTAG_TILEWIDTH, 64);
      TIFFSetField(tiff, TIFFTAG_TILELENGTH, 64);
      std::vector<std::uint16_t> tile(64 * 64);
      for (std::uint32_t ty = 0; ty < h; ty += 64)
        for (std::uint32_t tx = 0; tx < w; tx += 64) {
          for (std::uint32_t y = 0; y < 64; ++y)
            for (std::uint32_t x = 0; x < 64; ++x) tile[y * 64 + x] = value(level, tx + x, ty + y);
          ASSERT_GE(TIFFWriteEncodedTile(tiff, TIFFComputeTile(tiff, tx, ty, 0, 0), tile.data(),
                                         tmsize_t(tile.size() * 2)),
                    0);
        }
      ASSERT_EQ(TIFFWriteDirectory(tiff), 1);
    }
    TIFFClose(tiff);
  }
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  options.tile = 128;
  EXPECT_TRUE(TiffPyramidSource::cached(file, options));
  const auto source = TiffPyramidSource::open({file}, 1, 2, 0.5, "DAPI", options);
  EXPECT_FALSE(source->report().built);
  EXPECT_EQ(source->report().ownLevels, 2);
  EXPECT_NE(source->report().text().find("its own 2 reduced-resolution images"), std::string::npos)
      << source->report().text();
  EXPECT_FALSE(fs::exists(dir / "cache"));
  const PyramidInfo& info = source->info();
  ASSERT_EQ(info.levels.size(), 3u);
  for (int level = 0; level < 3; ++level) {
    const std::int64_t w = 600 >> level, h = 400 >> level;
    EXPECT_DOUBLE_EQ(info.levels[std::size_t(level)].pixelUm, 0.5 * double(1 << level));
    std::vector<double> expected(std::size_t(w * h));
    for (std::int64_t y = 0; y < h; ++y)
      for (std::int64_t x = 0; x < w; ++x) expected[std::size_t(y * w + x)] = value(level, x, y);
    expectLevel(*source, level, expected, w, h);
  }
  EXPECT_NE(errorOf([&] {
              TiffImageReader(file, TiffImageReader::SubImage{3});
            }).find("no reduced-resolution image 3"),
            std::string::npos);
}

TEST(TiffPyramidSource, ChangedFileGetsANewPyramid) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  const auto first = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  ASSERT_TRUE(first->report().built);
  fs::last_write_time(mosaic, fs::last_write_time(mosaic) + std::chrono::seconds(10));
  EXPECT_FALSE(TiffPyramidSource::cached(mosaic, options));
  const auto second = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  EXPECT_TRUE(second->report().built);
  EXPECT_NE(second->report().cache, first->report().cache);
  EXPECT_TRUE(TiffPyramidSource::cached(mosaic, options));
}

TEST(TiffPyramidSource, DamagedCacheIsMadeAgain) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  const fs::path cache =
      TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options)->report().cache;
  fs::resize_file(cache / "level1.tif", 100);
  const auto again = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  EXPECT_TRUE(again->report().built);
  EXPECT_EQ(
      again->readTile(1, 0, 0, 0, 0)[0],
      float(std::lround((valueAt(0, 0) + valueAt(1, 0) + valueAt(0, 1) + valueAt(1, 1)) / 4)));
}

TEST(TiffPyramidSource, PlacesThePyramidBesideTheData) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.place = PyramidCachePlace::BesideData;
  options.appCache = dir / "unused";
  const auto source = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  EXPECT_TRUE(source->report().built);
  EXPECT_EQ(source->report().cache, fs::absolute(dir / "mosaic.tif.pyramid").lexically_normal());
  EXPECT_TRUE(fs::exists(dir / "mosaic.tif.pyramid" / "pyramid.json"));
  EXPECT_TRUE(fs::exists(dir / "mosaic.tif.pyramid" / "level2.tif"));
  EXPECT_FALSE(fs::exists(dir / "unused"));
  EXPECT_TRUE(TiffPyramidSource::cached(mosaic, options));
  EXPECT_FALSE(TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options)->report().built);
}

TEST(TiffPyramidSource, PlanesShareTheLevels) {
  const fs::path dir = freshDirectory();
  const fs::path z0 = writeMosaic(dir / "z0.tif"), z1 = writeMosaic(dir / "z1.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  const auto source = TiffPyramidSource::open({z0, z1}, 0, 0, 1, "DAPI", options);
  EXPECT_EQ(source->info().planes, 2);
  EXPECT_TRUE(TiffPyramidSource::cached(z1, options));
  EXPECT_EQ(source->readTile(2, 0, 1, 0, 0)[0], source->readTile(2, 0, 0, 0, 0)[0]);
  EXPECT_NE(source->report().text().find("and 1 more planes"), std::string::npos);
}

TEST(TiffPyramidSource, SmallImageNeedsNoPyramid) {
  const fs::path dir = freshDirectory();
  {
    TiledTiffWriter writer(dir / "small.tif", 200, 100, 128);
    for (std::int64_t c = 0; c < 2; ++c)
      writer.writeTile(0, c, std::vector<std::uint16_t>(128 * 128, 7));
    writer.commit();
  }
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  EXPECT_TRUE(TiffPyramidSource::cached(dir / "small.tif", options));
  const auto source = TiffPyramidSource::open({dir / "small.tif"}, 0, 0, 1, "DAPI", options);
  EXPECT_EQ(source->info().levels.size(), 1u);
  EXPECT_FALSE(source->report().built);
  EXPECT_FALSE(fs::exists(dir / "cache"));
  EXPECT_EQ(source->readTile(0, 0, 0, 0, 0)[199], 7.0f);
  EXPECT_TRUE(std::isnan(source->readTile(0, 0, 0, 0, 0)[200]));
}

TEST(TiffPyramidSource, RefusesDamagedInputByName) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "truncated.tif");
  fs::resize_file(mosaic, fs::file_size(mosaic) / 2);
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  const auto message =
      errorOf([&] { TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options); });
  EXPECT_NE(message.find(mosaic.string()), std::string::npos) << message;
  EXPECT_FALSE(TiffPyramidSource::cached(mosaic, options));

  const fs::path good = writeMosaic(dir / "good.tif");
  std::ofstream(dir / "a file") << "x";
  options.appCache = dir / "a file" / "cache";
  const auto cacheMessage =
      errorOf([&] { TiffPyramidSource::open({good}, 0, 0, 1, "DAPI", options); });
  EXPECT_NE(cacheMessage.find("cannot create the pyramid cache folder"), std::string::npos)
      << cacheMessage;
  EXPECT_NE(cacheMessage.find((dir / "a file" / "cache").string()), std::string::npos);

  options.appCache = dir / "cache";
  EXPECT_NE(errorOf([&] {
              TiffPyramidSource::open({good}, 0, 0, -1, "DAPI", options);
            }).find("positive pixel size"),
            std::string::npos);
}

// Files anywhere under `dir`, as paths relative to it.
std::vector<std::string> filesUnder(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) files.push_back(fs::relative(it->path(), dir).string());
  return files;
}

// Whether any pyramid's metadata is under `dir` (a pyramid was made whole).
bool anyMetadataUnder(const fs::path& dir) {
  for (const auto& file : filesUnder(dir))
    if (fs::path(file).filename() == "pyramid.json") return true;
  return false;
}

std::uintmax_t bytesUnder(const fs::path& dir) {
  std::uintmax_t bytes = 0;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) bytes += entry.file_size();
  return bytes;
}

// The check says true once level 1 and two bands of level 2 are done: the build stops, removes
// what it wrote (no metadata, no level, level 1 too, no temporary, not the folder it made) and
// throws OperationCancelled.
TEST(TiffPyramidSource, CancelledBuildLeavesNothing) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  // Source rows of the levels: 701 + 351 + 176 + 88 + 44 = 1360, so level 1 is 701 / 1360 of
  // the work; level 2 has 6 bands of 64 / 1360, more than the build's 4 threads: its last band
  // is begun after two are done, the check saying true, so level 2 is never finished.
  options.tile = 32;
  std::atomic<bool> bandDone{false};
  std::atomic<int> asked{0};
  options.cancelled = [&] {
    ++asked;
    return bandDone.load();
  };
  bool threwCancelled = false;
  try {
    TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options, [&](double fraction) {
      if (fraction > 0.6) bandDone = true;
    });
  } catch (const OperationCancelled& e) {
    threwCancelled = true;
    EXPECT_NE(std::string(e.what()).find(mosaic.string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(threwCancelled);
  EXPECT_GE(asked.load(), 2);  // before the build and between its bands
  EXPECT_TRUE(filesUnder(options.appCache).empty())
      << "left behind: "
      << (filesUnder(options.appCache).empty() ? "" : filesUnder(options.appCache)[0]);
  // (filesUnder covers the writer's temporaries too: they live in the pyramid's folder.)
  EXPECT_FALSE(TiffPyramidSource::cached(mosaic, options));

  // Not cancelled, the same build then completes.
  options.cancelled = [] { return false; };
  const auto built = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  EXPECT_TRUE(built->report().built);
  EXPECT_TRUE(TiffPyramidSource::cached(mosaic, options));
  EXPECT_TRUE(fs::exists(built->report().cache / "last-used"));
}

// A section of two planes cancelled once the first plane's pyramid is made: that pyramid is kept
// whole (a later open reads it), the second plane's is not made.
TEST(TiffPyramidSource, CancelAtALaterPlaneKeepsTheFinishedPlanes) {
  const fs::path dir = freshDirectory();
  const fs::path z0 = writeMosaic(dir / "z0.tif"), z1 = writeMosaic(dir / "z1.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  options.cancelled = [&] { return anyMetadataUnder(options.appCache); };
  EXPECT_THROW(TiffPyramidSource::open({z0, z1}, 0, 0, 1, "DAPI", options), OperationCancelled);
  options.cancelled = {};
  EXPECT_TRUE(TiffPyramidSource::cached(z0, options));
  EXPECT_FALSE(TiffPyramidSource::cached(z1, options));
}

// A cancelled build beside the data keeps the folder only when it was there before.
TEST(TiffPyramidSource, CancelledBuildBesideTheDataLeavesNothing) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.place = PyramidCachePlace::BesideData;
  options.cancelled = [] { return true; };
  EXPECT_THROW(TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options), OperationCancelled);
  EXPECT_FALSE(fs::exists(dir / "mosaic.tif.pyramid"));
}

// The file rewritten (another size and time): its new pyramid is built and the old one, no
// longer usable, is removed and named in the report. One a source still reads is kept.
TEST(TiffPyramidSource, ChangedFileRemovesItsOldPyramid) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  const fs::path oldCache =
      TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options)->report().cache;
  ASSERT_TRUE(fs::exists(oldCache / "pyramid.json"));

  const auto oldTime = fs::last_write_time(mosaic);
  {
    TiledTiffWriter writer(mosaic, kWidth, kHeight + 64, 128);
    std::vector<std::uint16_t> tile(128 * 128, 1234);
    for (std::int64_t r = 0; r < writer.tileRows(); ++r)
      for (std::int64_t c = 0; c < writer.tileCols(); ++c) writer.writeTile(r, c, tile);
    writer.commit();
  }
  fs::last_write_time(mosaic, oldTime + std::chrono::seconds(10));
  const auto rebuilt = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  EXPECT_TRUE(rebuilt->report().built);
  EXPECT_NE(rebuilt->report().cache, oldCache);
  EXPECT_FALSE(fs::exists(oldCache));
  ASSERT_EQ(rebuilt->report().removed.size(), 1u);
  EXPECT_EQ(fs::absolute(rebuilt->report().removed[0].folder).lexically_normal(),
            fs::absolute(oldCache).lexically_normal());
  EXPECT_NE(rebuilt->report().removed[0].why.find("an older version of"), std::string::npos);
  EXPECT_NE(rebuilt->report().text().find("removed the cached pyramid " +
                                          rebuilt->report().removed[0].folder.string()),
            std::string::npos)
      << rebuilt->report().text();
  EXPECT_TRUE(fs::exists(rebuilt->report().cache / "pyramid.json"));

  // Changed again while the pyramid above is open: that one stays.
  fs::last_write_time(mosaic, oldTime + std::chrono::seconds(20));
  const auto third = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  EXPECT_TRUE(third->report().built);
  EXPECT_TRUE(third->report().removed.empty());
  EXPECT_TRUE(fs::exists(rebuilt->report().cache / "pyramid.json"));
}

// Over the cap, the least recently used pyramid goes (last-used: its last open), not the one
// just built, nor one open now, nor anything in the cache folder that is not a pyramid's.
TEST(TiffPyramidSource, CapRemovesTheLeastRecentlyUsed) {
  const fs::path dir = freshDirectory();
  const fs::path a = writeMosaic(dir / "a.tif"), b = writeMosaic(dir / "b.tif"),
                 c = writeMosaic(dir / "c.tif"), d = writeMosaic(dir / "d.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  options.appCacheCapBytes = 0;  // none while the cache fills
  const fs::path cacheA = TiffPyramidSource::open({a}, 0, 0, 1, "A", options)->report().cache;
  const fs::path cacheB = TiffPyramidSource::open({b}, 0, 0, 1, "B", options)->report().cache;
  fs::create_directories(options.appCache / "not-a-pyramid");
  std::ofstream(options.appCache / "not-a-pyramid" / "notes.txt") << std::string(100000, 'x');
  // A was used an hour ago, B two hours ago; opening B from the cache marks it used now.
  const auto now = fs::file_time_type::clock::now();
  fs::last_write_time(cacheA / "last-used", now - std::chrono::hours(1));
  fs::last_write_time(cacheB / "last-used", now - std::chrono::hours(2));
  EXPECT_FALSE(TiffPyramidSource::open({b}, 0, 0, 1, "B", options)->report().built);
  EXPECT_GT(fs::last_write_time(cacheB / "last-used"), now - std::chrono::minutes(30));

  // Room for two pyramids (all four are the same size): A goes, B and C stay.
  const std::uintmax_t one = bytesUnder(cacheB);
  options.appCacheCapBytes = 2 * one + 1024;
  const auto builtC = TiffPyramidSource::open({c}, 0, 0, 1, "C", options);
  ASSERT_TRUE(builtC->report().built);
  ASSERT_EQ(builtC->report().removed.size(), 1u) << builtC->report().text();
  EXPECT_NE(builtC->report().removed[0].why.find("least recently used"), std::string::npos);
  EXPECT_FALSE(fs::exists(cacheA));
  EXPECT_TRUE(fs::exists(cacheB / "pyramid.json"));
  EXPECT_TRUE(fs::exists(builtC->report().cache / "pyramid.json"));

  // A cap of a few KB: B goes; C is open (builtC) and stays, D was just built and stays.
  options.appCacheCapBytes = 4096;
  const auto builtD = TiffPyramidSource::open({d}, 0, 0, 1, "D", options);
  ASSERT_EQ(builtD->report().removed.size(), 1u) << builtD->report().text();
  EXPECT_FALSE(fs::exists(cacheB));
  EXPECT_TRUE(fs::exists(builtC->report().cache / "pyramid.json"));
  EXPECT_TRUE(fs::exists(builtD->report().cache / "pyramid.json"));
  EXPECT_TRUE(fs::exists(options.appCache / "not-a-pyramid" / "notes.txt"));
}

// Folders without metadata: an old one is a dead build's litter, removed first over the cap; a
// fresh one may be another process's build under way and stays whatever the cap.
TEST(TiffPyramidSource, CapRemovesDeadBuildsNotOnesUnderWay) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  options.appCacheCapBytes = 1;
  const fs::path dead = options.appCache / "00000000000000aa";
  const fs::path underWay = options.appCache / "00000000000000bb";
  for (const auto& folder : {dead, underWay}) {
    fs::create_directories(folder);
    std::ofstream(folder / "level1.tif") << std::string(5000, 'x');
  }
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(2);
  fs::last_write_time(dead / "level1.tif", old);
  fs::last_write_time(dead, old);
  const auto built = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  ASSERT_TRUE(built->report().built);
  ASSERT_EQ(built->report().removed.size(), 1u) << built->report().text();
  EXPECT_EQ(built->report().removed[0].folder.filename(), dead.filename());
  EXPECT_NE(built->report().removed[0].why.find("never finished"), std::string::npos);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(underWay / "level1.tif"));
  EXPECT_TRUE(fs::exists(built->report().cache / "pyramid.json"));
}

// A folder of the app cache that looks like a build that died two hours ago (no metadata).
void makeDeadBuild(const fs::path& folder) {
  fs::create_directories(folder);
  std::ofstream(folder / "level1.tif") << std::string(5000, 'x');
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(2);
  fs::last_write_time(folder / "level1.tif", old);
  fs::last_write_time(folder, old);
}

// An open cancelled once its pyramid is built (the check says true from then on) returns the
// pyramid it made but prunes nothing: a cancelled open must not remove others' pyramids.
TEST(TiffPyramidSource, CancelledOpenPrunesNothing) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  options.appCacheCapBytes = 1;
  const std::vector<fs::path> dead = {options.appCache / "00000000000000a1",
                                      options.appCache / "00000000000000a2"};
  for (const auto& folder : dead) makeDeadBuild(folder);
  options.cancelled = [&] { return anyMetadataUnder(options.appCache); };
  const auto built = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  EXPECT_TRUE(built->report().built);
  EXPECT_TRUE(built->report().removed.empty()) << built->report().text();
  for (const auto& folder : dead) EXPECT_TRUE(fs::exists(folder / "level1.tif")) << folder;
}

// Pruning asks the check between folders: cancelled after the first removal, it stops there.
TEST(TiffPyramidSource, PruningStopsWhenCancelled) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  options.appCacheCapBytes = 1;
  const std::vector<fs::path> dead = {options.appCache / "00000000000000a1",
                                      options.appCache / "00000000000000a2",
                                      options.appCache / "00000000000000a3"};
  for (const auto& folder : dead) makeDeadBuild(folder);
  options.cancelled = [&] {
    return std::count_if(dead.begin(), dead.end(),
                         [](const fs::path& f) { return fs::exists(f); }) < 3;
  };
  const auto built = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  ASSERT_TRUE(built->report().built);
  EXPECT_EQ(built->report().removed.size(), 1u) << built->report().text();
  EXPECT_EQ(
      std::count_if(dead.begin(), dead.end(), [](const fs::path& f) { return fs::exists(f); }), 2);
}

// Two opens of one file in this process: the second waits for the first's build (asking its own
// check meanwhile); the first cancelled, its cleanup removes nothing of the second's build, which
// completes.
TEST(TiffPyramidSource, SecondBuildOfAFileWaitsForTheFirst) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  std::mutex mutex;
  std::condition_variable changed;
  bool firstBuilding = false, released = false;
  int secondAsked = 0;
  double secondDone = 0;
  TiffPyramidOptions first;
  first.appCache = dir / "cache";
  first.tile = 32;
  int firstAsked = 0;
  first.cancelled = [&] {
    std::unique_lock<std::mutex> lock(mutex);
    if (++firstAsked < 2) return false;  // asked once before the build starts
    firstBuilding = true;
    changed.notify_all();
    changed.wait_for(lock, std::chrono::seconds(120), [&] { return released; });
    return true;
  };
  TiffPyramidOptions second = first;
  second.cancelled = [&] {
    const std::lock_guard<std::mutex> lock(mutex);
    ++secondAsked;
    changed.notify_all();
    return false;
  };
  auto secondProgress = [&](double fraction) {
    const std::lock_guard<std::mutex> lock(mutex);
    secondDone = fraction;
    changed.notify_all();
  };
  bool firstCancelled = false;
  std::thread firstOpen([&] {
    try {
      TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", first);
    } catch (const OperationCancelled&) {
      firstCancelled = true;
    }
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(120), [&] { return firstBuilding; }));
  }
  std::shared_ptr<TiffPyramidSource> made;
  std::string secondError;
  std::thread secondOpen([&] {
    try {
      made = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", second, secondProgress);
    } catch (const std::exception& e) {
      secondError = e.what();
    }
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    // Waiting, the second open asks its check every few tens of ms, with no progress; building,
    // it asks at most once per thread (4) before a band is done. Were it building meanwhile, it
    // would be past level 1 (701 / 1360 of the rows) when the first's cleanup runs.
    changed.wait_for(lock, std::chrono::seconds(120),
                     [&] { return (secondAsked >= 8 && secondDone == 0) || secondDone > 0.6; });
    released = true;
    changed.notify_all();
  }
  firstOpen.join();
  secondOpen.join();
  EXPECT_TRUE(firstCancelled);
  ASSERT_TRUE(made) << secondError;
  EXPECT_TRUE(made->report().built);
  EXPECT_TRUE(TiffPyramidSource::cached(mosaic, second));
  const int coarsest = int(made->info().levels.size()) - 1;
  EXPECT_FALSE(std::isnan(made->readTile(coarsest, 0, 0, 0, 0)[0]));
}

// A removed pyramid's folder loses only the files the app writes there; one holding something
// else stays, with that file, and the report says it could not be removed. No tombstone stays.
TEST(TiffPyramidSource, PruningKeepsFilesTheAppDidNotWrite) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  TiffPyramidOptions options;
  options.appCache = dir / "cache";
  const fs::path oldCache =
      TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options)->report().cache;
  std::ofstream(oldCache / "notes.txt") << "mine\n";
  fs::last_write_time(mosaic, fs::last_write_time(mosaic) + std::chrono::seconds(10));
  const auto rebuilt = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI", options);
  ASSERT_TRUE(rebuilt->report().built);
  EXPECT_TRUE(rebuilt->report().removed.empty());
  EXPECT_TRUE(fs::exists(oldCache / "notes.txt"));
  EXPECT_FALSE(fs::exists(oldCache / "pyramid.json"));
  EXPECT_FALSE(fs::exists(oldCache / "level1.tif"));
  ASSERT_EQ(rebuilt->report().notRemoved.size(), 1u) << rebuilt->report().text();
  EXPECT_NE(rebuilt->report().text().find("could not remove " + oldCache.string() + ": "),
            std::string::npos)
      << rebuilt->report().text();
  EXPECT_NE(rebuilt->report().text().find("notes.txt"), std::string::npos);
  for (const auto& entry : fs::directory_iterator(options.appCache))
    EXPECT_EQ(entry.path().filename().string().rfind(".removing", 0), std::string::npos)
        << entry.path();
}

// The environment changed for one test, put back after.
class ScopedEnvironment {
 public:
  void set(const char* name, const char* value) {
    if (const char* old = std::getenv(name))
      saved_.emplace_back(name, std::string(old));
    else
      saved_.emplace_back(name, std::nullopt);
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnvironment() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it)
      if (it->second)
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else
        ::unsetenv(it->first.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// Without HOME the cache is this user's own folder in the temporary folder, made 0700; a link
// (or anything not a folder of ours) in its place is refused by name.
TEST(TiffPyramidSource, CacheWithoutHomeIsTheUsersOwn) {
  const fs::path dir = freshDirectory();
  const fs::path mosaic = writeMosaic(dir / "mosaic.tif");
  const fs::path temporary = dir / "tmp";
  fs::create_directories(temporary);
  ScopedEnvironment environment;
  environment.set("TMPDIR", temporary.c_str());
  environment.set("HOME", nullptr);
  environment.set("XDG_CACHE_HOME", nullptr);
  const fs::path base = temporary / ("teramind-pyramids-" + std::to_string(::geteuid()));
  const auto built = TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI");
  EXPECT_EQ(built->report().cache.parent_path(), base);
  struct stat st {};
  ASSERT_EQ(::lstat(base.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  fs::rename(base, temporary / "elsewhere");
  fs::create_directory_symlink(temporary / "elsewhere", base);
  const std::string error = errorOf([&] { TiffPyramidSource::open({mosaic}, 0, 0, 1, "DAPI"); });
  EXPECT_NE(error.find(base.string()), std::string::npos) << error;
  EXPECT_NE(error.find("not a folder"), std::string::npos) << error;
  EXPECT_FALSE(TiffPyramidSource::cached(mosaic));
}

}  // namespace
}  // namespace teramind

namespace teramind {
namespace {

// A measurement, not a check: the pyramid of $TERAMIND_PYRAMID_BENCH_TIFF built into a fresh
// cache under the test output folder, its report printed. Run by hand:
//   TERAMIND_PYRAMID_BENCH_TIFF=/work/bench/M/region/images/mosaic_DAPI_z0.tif
//   teramind_sectionview_tests --gtest_also_run_disabled_tests
//     --gtest_filter='*DISABLED_BuildTimeOfAMosaic'
// (one command line)
TEST(TiffPyramidSource, DISABLED_BuildTimeOfAMosaic) {
  const char* tiff = std::getenv("TERAMIND_PYRAMID_BENCH_TIFF");
  if (!tiff || !*tiff) GTEST_SKIP() << "TERAMIND_PYRAMID_BENCH_TIFF names no TIFF; skipping";
  TiffPyramidOptions options;
  options.appCache = freshDirectory() / "cache";
  const auto built = TiffPyramidSource::open({tiff}, 0, 0, 1, "DAPI", options);
  std::cout << built->report().text() << "\n";
  const auto again = TiffPyramidSource::open({tiff}, 0, 0, 1, "DAPI", options);
  std::cout << again->report().text() << "\n";
  fs::remove_all(options.appCache);
}

}  // namespace
}  // namespace teramind
