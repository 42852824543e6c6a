#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sectionview/RasterSource.h"

namespace teramind {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A w × h plane whose pixel (x, y) holds x + 1000 y + offset.
std::vector<float> ramp(std::int64_t w, std::int64_t h, float offset = 0) {
  std::vector<float> v(std::size_t(w * h));
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x) v[std::size_t(y * w + x)] = float(x + 1000 * y) + offset;
  return v;
}

TEST(RasterSource, LevelsHalveUntilOneTileHoldsTheImage) {
  const RasterSource source("map", "attention", 600, 300, 8, -100, 50,
                            {ramp(600, 300), ramp(600, 300, 0.5f)});
  const auto& info = source.info();
  EXPECT_EQ(info.name, "map");
  EXPECT_EQ(info.channels, std::vector<std::string>{"attention"});
  EXPECT_EQ(info.planes, 2);
  EXPECT_EQ(info.originXUm, -100);
  EXPECT_EQ(info.originYUm, 50);
  ASSERT_EQ(info.levels.size(), 3u);
  EXPECT_EQ(info.levels[0].width, 600);
  EXPECT_EQ(info.levels[1].width, 300);
  EXPECT_EQ(info.levels[1].height, 150);
  EXPECT_EQ(info.levels[2].width, 150);
  EXPECT_EQ(info.levels[2].height, 75);
  EXPECT_EQ(info.levels[2].pixelUm, 32);
  // The finite values' range.
  EXPECT_EQ(info.contrastMin, 0);
  EXPECT_EQ(info.contrastMax, 599 + 1000 * 299 + 0.5);
  EXPECT_EQ(info.valueMax, info.contrastMax);
}

TEST(RasterSource, TilesCopyTheLevelAndAreNaNPastItsEdge) {
  const RasterSource source("map", "v", 600, 300, 1, 0, 0, {ramp(600, 300), ramp(600, 300, 7)});
  const auto tile = source.readTile(0, 0, 1, 1, 2);  // pixels x 512..599, y 256..299
  ASSERT_EQ(tile.size(), 256u * 256u);
  EXPECT_EQ(tile[0], float(512 + 1000 * 256) + 7);
  EXPECT_EQ(tile[std::size_t(43 * 256 + 87)], float(599 + 1000 * 299) + 7);
  EXPECT_TRUE(std::isnan(tile[std::size_t(43 * 256 + 88)]));  // x = 600: past the edge
  EXPECT_TRUE(std::isnan(tile[std::size_t(44 * 256)]));       // y = 300
  // Level 1: 2 × 2 means.
  const auto coarse = source.readTile(1, 0, 0, 0, 0);
  EXPECT_FLOAT_EQ(coarse[std::size_t(3 * 256 + 5)], float(10.5 + 1000 * 6.5));
  // Out of range: NaN tiles.
  for (const auto& t : {source.readTile(0, 0, 2, 0, 0), source.readTile(3, 0, 0, 0, 0),
                        source.readTile(0, 1, 0, 0, 0), source.readTile(0, 0, 0, 5, 0)})
    EXPECT_TRUE(std::isnan(t[0]));
}

TEST(RasterSource, MeansIgnoreNaNAndOddEdgesAverageWhatIsThere) {
  // 3 × 3, tile 1: levels 3 × 3, 2 × 2, 1 × 1.
  std::vector<float> v{1,    3,    5,  //
                       kNaN, kNaN, 7,  //
                       9,    kNaN, kNaN};
  const RasterSource source("m", "v", 3, 3, 2, 0, 0, {v}, 1);
  ASSERT_EQ(source.info().levels.size(), 3u);
  EXPECT_EQ(source.info().levels[1].width, 2);
  EXPECT_FLOAT_EQ(source.readTile(1, 0, 0, 0, 0)[0], 2);  // 1, 3 (two NaN ignored)
  EXPECT_FLOAT_EQ(source.readTile(1, 0, 0, 0, 1)[0], 6);  // 5, 7: the odd column alone
  EXPECT_FLOAT_EQ(source.readTile(1, 0, 0, 1, 0)[0], 9);
  EXPECT_TRUE(std::isnan(source.readTile(1, 0, 0, 1, 1)[0]));  // only NaN under it
  EXPECT_FLOAT_EQ(source.readTile(2, 0, 0, 0, 0)[0], float((2 + 6 + 9) / 3.0));
}

TEST(RasterSource, ValueRangeCanBeSetAndBadInputIsRefused) {
  RasterSource stain("DAPI (real)", "DAPI", 2, 2, 1, 0, 0, {{0, 10, 20, 30}});
  stain.setValueRange(255, 0, 255);
  stain.setPlaneUm(1.5);
  EXPECT_EQ(stain.info().valueMax, 255);
  EXPECT_EQ(stain.info().contrastMax, 255);
  EXPECT_EQ(stain.info().planeUm, 1.5);

  const RasterSource blank("b", "v", 2, 1, 1, 0, 0, {{kNaN, kNaN}});
  EXPECT_LT(blank.info().contrastMin, blank.info().contrastMax);

  EXPECT_THROW(RasterSource("x", "v", 2, 2, 1, 0, 0, {}), std::invalid_argument);
  EXPECT_THROW(RasterSource("x", "v", 2, 2, 1, 0, 0, {{1, 2, 3}}), std::invalid_argument);
  EXPECT_THROW(RasterSource("x", "v", 0, 2, 1, 0, 0, {{}}), std::invalid_argument);
  EXPECT_THROW(RasterSource("x", "v", 1, 1, 0, 0, 0, {{1}}), std::invalid_argument);
  EXPECT_THROW(RasterSource("x", "v", 1, 1, std::nan(""), 0, 0, {{1}}), std::invalid_argument);
}

}  // namespace
}  // namespace teramind
