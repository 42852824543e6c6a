#include "sectionview/SectionCamera.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

using namespace teramind;

namespace {

// 1000 × 600 px of 0.5 µm in tiles of 256 px (128 µm): 4 columns, 3 rows at level 0; levels of
// 1, 2 and 4 µm above it.
PyramidInfo fourLevels() {
  PyramidInfo info;
  info.channels = {"DAPI"};
  info.levels = {{1000, 600, 0.5}, {500, 300, 1}, {250, 150, 2}, {125, 75, 4}};
  info.tile = 256;
  return info;
}

SectionCamera camera1280x800() {
  SectionCamera camera;
  camera.width = 1280;
  camera.height = 800;
  camera.centreXUm = 300;
  camera.centreYUm = -40;
  camera.umPerPixel = 0.75;
  return camera;
}

}  // namespace

TEST(SectionCamera, MapsScreenToSectionAndBack) {
  const SectionCamera camera = camera1280x800();
  const auto centre = camera.screenToSection(640, 400);
  EXPECT_DOUBLE_EQ(centre[0], 300);
  EXPECT_DOUBLE_EQ(centre[1], -40);
  const auto corner = camera.screenToSection(0, 0);
  EXPECT_DOUBLE_EQ(corner[0], 300 - 640 * 0.75);
  EXPECT_DOUBLE_EQ(corner[1], -40 - 400 * 0.75);
  const auto back = camera.sectionToScreen(123.25, 77.5);
  const auto there = camera.screenToSection(back[0], back[1]);
  EXPECT_NEAR(there[0], 123.25, 1e-9);
  EXPECT_NEAR(there[1], 77.5, 1e-9);
  const RectUm visible = camera.visibleUm();
  EXPECT_DOUBLE_EQ(visible.width(), 1280 * 0.75);
  EXPECT_DOUBLE_EQ(visible.height(), 800 * 0.75);
  EXPECT_DOUBLE_EQ(visible.x0, corner[0]);
}

TEST(SectionCamera, ZoomKeepsThePointUnderTheCursor) {
  for (const auto& [x, y] : {std::pair{100.0, 700.0}, {640.0, 400.0}, {1279.0, 3.0}}) {
    for (double factor : {1.25, 0.8, 7.0}) {
      SectionCamera camera = camera1280x800();
      const auto before = camera.screenToSection(x, y);
      camera.zoomAt(x, y, factor, 1e-3, 1e3);
      const auto after = camera.screenToSection(x, y);
      EXPECT_NEAR(after[0], before[0], 1e-9) << x << " " << y << " × " << factor;
      EXPECT_NEAR(after[1], before[1], 1e-9);
      EXPECT_NEAR(camera.umPerPixel, 0.75 / factor, 1e-12);
    }
  }
}

TEST(SectionCamera, ZoomIsHeldWithinItsLimitsAndStillKeepsTheCursorPoint) {
  SectionCamera camera = camera1280x800();
  const auto before = camera.screenToSection(200, 100);
  camera.zoomAt(200, 100, 1000, 0.1, 50);
  EXPECT_DOUBLE_EQ(camera.umPerPixel, 0.1);
  const auto after = camera.screenToSection(200, 100);
  EXPECT_NEAR(after[0], before[0], 1e-9);
  EXPECT_NEAR(after[1], before[1], 1e-9);
  camera.zoomAt(200, 100, 1e-6, 0.1, 50);
  EXPECT_DOUBLE_EQ(camera.umPerPixel, 50);
  camera.zoomAt(200, 100, 0, 0.1, 50);  // a nonsense factor changes nothing
  EXPECT_DOUBLE_EQ(camera.umPerPixel, 50);
}

TEST(SectionCamera, PanMovesTheSectionWithTheMouse) {
  SectionCamera camera = camera1280x800();
  const auto grabbed = camera.screenToSection(500, 300);
  camera.pan(20, -35);
  const auto now = camera.screenToSection(520, 265);
  EXPECT_NEAR(now[0], grabbed[0], 1e-9);
  EXPECT_NEAR(now[1], grabbed[1], 1e-9);
}

TEST(SectionCamera, FitShowsTheWholeExtentCentredWithItsMargin) {
  SectionCamera camera = camera1280x800();
  const RectUm tall{100, 200, 1100, 4200};  // 1000 × 4000 µm: the height decides
  camera.fit(tall, 0.05);
  EXPECT_DOUBLE_EQ(camera.centreXUm, 600);
  EXPECT_DOUBLE_EQ(camera.centreYUm, 2200);
  EXPECT_DOUBLE_EQ(camera.umPerPixel, 4000 * 1.1 / 800);
  const RectUm visible = camera.visibleUm();
  EXPECT_LE(visible.x0, tall.x0);
  EXPECT_GE(visible.x1, tall.x1);
  EXPECT_NEAR(visible.y0, tall.y0 - 200, 1e-9);  // 5% of 4000 µm above and below
  EXPECT_NEAR(visible.y1, tall.y1 + 200, 1e-9);

  const RectUm wide{0, 0, 12800, 100};
  camera.fit(wide, 0);
  EXPECT_DOUBLE_EQ(camera.umPerPixel, 10);

  const SectionCamera unchanged = camera;
  camera.fit(RectUm{}, 0.05);  // nothing to fit: the view stays
  EXPECT_DOUBLE_EQ(camera.umPerPixel, unchanged.umPerPixel);
  EXPECT_DOUBLE_EQ(camera.centreXUm, unchanged.centreXUm);
}

TEST(SectionCamera, LevelIsTheCoarsestNotMagnified) {
  const PyramidInfo info = fourLevels();
  EXPECT_EQ(levelForScale(info, 0.1), 0);  // past level 0: level 0, magnified
  EXPECT_EQ(levelForScale(info, 0.5), 0);
  EXPECT_EQ(levelForScale(info, 0.99), 0);
  EXPECT_EQ(levelForScale(info, 1.0), 1);
  EXPECT_EQ(levelForScale(info, 1.0 * (1 - 1e-12)), 1);  // a screen pixel of 1 µm up to rounding
  EXPECT_EQ(levelForScale(info, 1.5), 1);
  EXPECT_EQ(levelForScale(info, 3.99), 2);
  EXPECT_EQ(levelForScale(info, 4), 3);
  EXPECT_EQ(levelForScale(info, 1000), 3);
  EXPECT_EQ(levelForScale(PyramidInfo{}, 3), 0);
}

TEST(SectionCamera, TileGridOfEachLevel) {
  const PyramidInfo info = fourLevels();
  EXPECT_EQ(info.tileCols(0), 4);  // 1000 px: 3 whole tiles and a part
  EXPECT_EQ(info.tileRows(0), 3);
  EXPECT_EQ(info.tileCols(1), 2);
  EXPECT_EQ(info.tileRows(1), 2);
  EXPECT_EQ(info.tileCols(3), 1);
  EXPECT_EQ(info.tileRows(4), 0);
  EXPECT_EQ(info.tileCols(-1), 0);
  PyramidInfo exact = info;
  exact.levels[0].width = 512;
  EXPECT_EQ(exact.tileCols(0), 2);
}

TEST(SectionCamera, TilesCoveringAreOnlyTheVisibleOnesNearestTheCentreFirst) {
  PyramidInfo info = fourLevels();
  // x [100, 300) µm: columns 0 (0-128), 1 (128-256), 2 (256-384); y [0, 100): row 0.
  auto keys = tilesCovering(info, 5, 0, 1, 2, RectUm{100, 0, 300, 100});
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].col, 1);  // centre 192 µm, the rectangle's 200
  EXPECT_EQ(keys[0].row, 0);
  EXPECT_EQ(keys[0].source, 5);
  EXPECT_EQ(keys[0].channel, 1);
  EXPECT_EQ(keys[0].plane, 2);
  EXPECT_EQ(keys[0].level, 0);
  std::set<std::int64_t> cols;
  for (const auto& k : keys) cols.insert(k.col);
  EXPECT_EQ(cols, (std::set<std::int64_t>{0, 1, 2}));

  // An edge on a tile boundary takes no tile past it.
  EXPECT_EQ(tilesCovering(info, 1, 0, 0, 0, RectUm{0, 0, 256, 128}).size(), 2u);
  // Larger than the image: clipped to its 4 × 3 tiles.
  EXPECT_EQ(tilesCovering(info, 1, 0, 0, 0, RectUm{-5000, -5000, 5000, 5000}).size(), 12u);
  EXPECT_EQ(tilesCovering(info, 1, 2, 0, 0, RectUm{-5000, -5000, 5000, 5000}).size(), 1u);
  // Outside, empty, or a level that does not exist: none.
  EXPECT_TRUE(tilesCovering(info, 1, 0, 0, 0, RectUm{600, 0, 700, 100}).empty());
  EXPECT_TRUE(tilesCovering(info, 1, 0, 0, 0, RectUm{-200, 0, -1, 100}).empty());
  EXPECT_TRUE(tilesCovering(info, 1, 0, 0, 0, RectUm{50, 50, 50, 100}).empty());
  EXPECT_TRUE(tilesCovering(info, 1, 9, 0, 0, RectUm{0, 0, 100, 100}).empty());

  // A viewport's worth with the image moved by its origin.
  info.originXUm = 1000;
  info.originYUm = -64;
  keys = tilesCovering(info, 1, 0, 0, 0, RectUm{1130, -64, 1250, 70});
  EXPECT_EQ(keys.size(), 2u);  // column 1, rows 0 and 1
  for (const auto& k : keys) {
    EXPECT_EQ(k.col, 1);
    EXPECT_TRUE(tileRectUm(info, 0, k.row, k.col).intersects(RectUm{1130, -64, 1250, 70}));
  }
}

TEST(SectionCamera, TileRectanglesAndExtentInSectionMicrometres) {
  PyramidInfo info = fourLevels();
  info.originXUm = 10;
  info.originYUm = 20;
  const RectUm tile = tileRectUm(info, 1, 1, 0);  // 256 µm tiles at level 1
  EXPECT_DOUBLE_EQ(tile.x0, 10);
  EXPECT_DOUBLE_EQ(tile.y0, 276);
  EXPECT_DOUBLE_EQ(tile.x1, 266);
  EXPECT_DOUBLE_EQ(tile.y1, 532);
  const RectUm extent = extentUm(info);
  EXPECT_DOUBLE_EQ(extent.x0, 10);
  EXPECT_DOUBLE_EQ(extent.y0, 20);
  EXPECT_DOUBLE_EQ(extent.x1, 510);
  EXPECT_DOUBLE_EQ(extent.y1, 320);
}
