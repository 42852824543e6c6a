#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>

#include "sectionview/CellOutlineIndex.h"
#include "sectionview/SectionCompositor.h"
#include "sectionview/TranscriptIndex.h"
#include "transcriptomics/SpatialTranscriptome.h"
#include "transcriptomics/TextFormatReaders.h"

namespace teramind {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A pyramid of halvings whose pixel values come from a function of (level, x, y).
class FunctionSource : public PyramidSource {
 public:
  using Value = std::function<float(int level, std::int64_t x, std::int64_t y)>;
  FunctionSource(std::int64_t width, std::int64_t height, double pixelUm, int levels, int tile,
                 Value value)
      : value_(std::move(value)) {
    info_.name = "fake";
    info_.channels = {"c"};
    info_.tile = tile;
    for (int l = 0; l < levels; ++l)
      info_.levels.push_back({std::max<std::int64_t>(1, width >> l),
                              std::max<std::int64_t>(1, height >> l), pixelUm * (1 << l)});
  }
  void setPlanes(int planes, double planeUm) {
    info_.planes = planes;
    info_.planeUm = planeUm;
  }
  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int level, int, int, std::int64_t row, std::int64_t col) const override {
    const auto& lv = info_.levels[std::size_t(level)];
    TilePixels pixels(std::size_t(info_.tile) * std::size_t(info_.tile), kNaN);
    for (int y = 0; y < info_.tile; ++y)
      for (int x = 0; x < info_.tile; ++x) {
        const std::int64_t px = col * info_.tile + x, py = row * info_.tile + y;
        if (px < lv.width && py < lv.height)
          pixels[std::size_t(y) * std::size_t(info_.tile) + std::size_t(x)] = value_(level, px, py);
      }
    return pixels;
  }

 private:
  PyramidInfo info_;
  Value value_;
};

// Every tile of `level` read into the cache.
void cacheLevel(TileCache& cache, const PyramidSource& source, int id, int level) {
  const PyramidInfo& info = source.info();
  for (std::int64_t r = 0; r < info.tileRows(level); ++r)
    for (std::int64_t c = 0; c < info.tileCols(level); ++c)
      cache.insert(TileKey{id, level, 0, 0, r, c},
                   std::make_shared<const TilePixels>(source.readTile(level, 0, 0, r, c)));
}

SectionLayer imageLayer(int source, LayerStyle style = {}) {
  SectionLayer layer;
  layer.name = "image";
  layer.source = source;
  if (style.contrastMax == 1 && style.contrastMin == 0) style.contrastMax = 255;
  layer.style = style;
  return layer;
}

SectionCamera cameraAt(double x, double y, double umPerPixel, int width, int height) {
  SectionCamera camera;
  camera.centreXUm = x;
  camera.centreYUm = y;
  camera.umPerPixel = umPerPixel;
  camera.width = width;
  camera.height = height;
  return camera;
}

std::array<int, 3> rgb(const RgbaImage& image, int x, int y) {
  const std::uint8_t* p = image.at(x, y);
  return {p[0], p[1], p[2]};
}

TEST(SectionCompositor, KnownPixelLandsAtKnownScreenPixel) {
  // Level 0: one bright pixel at (5, 7); level 1: one at (2, 3).
  auto source = std::make_shared<FunctionSource>(16, 16, 1.0, 2, 4,
                                                 [](int level, std::int64_t x, std::int64_t y) {
                                                   if (level == 0)
                                                     return (x == 5 && y == 7) ? 255.f : 0.f;
                                                   return (x == 2 && y == 3) ? 200.f : 0.f;
                                                 });
  SectionScene scene;
  const int id = scene.addSource(source);
  scene.addLayer(imageLayer(id));
  TileCache cache(1 << 20);
  cacheLevel(cache, *source, id, 0);
  cacheLevel(cache, *source, id, 1);

  // 1 µm a pixel, screen x = section x - 6 + 4, y = section y - 9 + 4.
  CompositeStats stats;
  RgbaImage image = composeSection(scene, cameraAt(6, 9, 1, 8, 8), 0, {}, cache, &stats);
  ASSERT_EQ(image.width, 8);
  ASSERT_EQ(image.height, 8);
  EXPECT_EQ(rgb(image, 3, 2), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(image.at(3, 2)[3], 255);
  EXPECT_EQ(rgb(image, 4, 2), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(rgb(image, 3, 3), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(image.at(0, 0)[3], 255);
  EXPECT_TRUE(stats.complete());
  EXPECT_GT(stats.tilesDrawn, 0);

  // Magnified 2×: the pixel covers screen (2..3, 2..3) of a view centred on (6, 8).
  image = composeSection(scene, cameraAt(6, 8, 0.5, 8, 8), 0, {}, cache, &stats);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      EXPECT_EQ(image.at(x, y)[0], (x >= 2 && x < 4 && y >= 2 && y < 4) ? 255 : 0) << x << "," << y;

  // 2 µm a pixel draws level 1: its pixel (2, 3) is section [4, 6) × [6, 8), screen (2, 3)
  // of a view centred on (8, 8) 8 px wide.
  image = composeSection(scene, cameraAt(8, 8, 2, 8, 8), 0, {}, cache, &stats);
  EXPECT_EQ(image.at(2, 3)[0], 200);
  EXPECT_EQ(image.at(2, 2)[0], 0);
}

// An image with one level, seen whole, is left out rather than read tile by tile: 1.6 million
// 256-px tiles would be asked for one frame. Zoomed in to its scale it is drawn again.
TEST(SectionCompositor, AnImageWithoutAPyramidIsLeftOutWhenSeenWhole) {
  auto source = std::make_shared<FunctionSource>(
      327680, 327680, 0.1, 1, 256, [](int, std::int64_t, std::int64_t) { return 100.0f; });
  SectionScene scene;
  const int id = scene.addSource(source);
  scene.addLayer(imageLayer(id));
  TileCache cache(1 << 20);
  CompositeStats stats;
  composeSection(scene, cameraAt(16384, 16384, 32768.0 / 800, 1280, 800), 0, {}, cache, &stats);
  EXPECT_EQ(stats.layersWithoutLevel, 1);
  EXPECT_TRUE(stats.missing.empty());
  composeSection(scene, cameraAt(16384, 16384, 0.1, 1280, 800), 0, {}, cache, &stats);
  EXPECT_EQ(stats.layersWithoutLevel, 0);
  EXPECT_EQ(stats.missing.size(), 6u * 4u);  // the 1280 x 800 px view over 256-px tiles
}

TEST(SectionCompositor, ContrastGammaColormapAndOpacity) {
  auto source = std::make_shared<FunctionSource>(
      8, 1, 1.0, 1, 8, [](int, std::int64_t x, std::int64_t) { return float(x * 50); });
  SectionScene scene;
  const int id = scene.addSource(source);
  LayerStyle style;
  style.contrastMin = 100;
  style.contrastMax = 200;
  style.colormap = LayerColormap::Red;
  const int layer = scene.addLayer(imageLayer(id, style));
  TileCache cache(1 << 20);
  cacheLevel(cache, *source, id, 0);
  const SectionCamera camera = cameraAt(4, 0.5, 1, 8, 1);

  auto near = [](int a, int b) { return std::abs(a - b) <= 1; };
  RgbaImage image = composeSection(scene, camera, 0, {}, cache);
  // x: value 50x. Below the contrast minimum black, above the maximum full red.
  EXPECT_EQ(rgb(image, 1, 0), (std::array<int, 3>{0, 0, 0}));
  EXPECT_TRUE(near(image.at(3, 0)[0], colormapColour(LayerColormap::Red, 0.5)[0]));
  EXPECT_EQ(rgb(image, 5, 0), (std::array<int, 3>{255, 0, 0}));
  EXPECT_EQ(image.at(3, 0)[1], 0);

  scene.layer(layer)->style.gamma = 2;
  image = composeSection(scene, camera, 0, {}, cache);
  EXPECT_TRUE(near(image.at(3, 0)[0], colormapColour(LayerColormap::Red, 0.25)[0]))
      << int(image.at(3, 0)[0]);

  scene.layer(layer)->style.gamma = 1;
  scene.layer(layer)->style.opacity = 0.5;
  image = composeSection(scene, camera, 0, {}, cache);
  EXPECT_TRUE(near(image.at(5, 0)[0], 128)) << int(image.at(5, 0)[0]);

  scene.layer(layer)->style.opacity = 1;
  scene.layer(layer)->style.colormap = LayerColormap::Viridis;
  image = composeSection(scene, camera, 0, {}, cache);
  const auto top = colormapColour(LayerColormap::Viridis, 1);
  EXPECT_EQ(rgb(image, 6, 0), (std::array<int, 3>{top[0], top[1], top[2]}));
}

TEST(SectionCompositor, NanIsTransparentAndBlendingModes) {
  // Bottom: grey 100 everywhere. Top: NaN on the left half, 255 on the right.
  auto grey = std::make_shared<FunctionSource>(
      8, 8, 1.0, 1, 8, [](int, std::int64_t, std::int64_t) { return 100.f; });
  auto half = std::make_shared<FunctionSource>(
      8, 8, 1.0, 1, 8, [](int, std::int64_t x, std::int64_t) { return x < 4 ? kNaN : 255.f; });
  SectionScene scene;
  const int a = scene.addSource(grey), b = scene.addSource(half);
  scene.addLayer(imageLayer(a));
  LayerStyle red;
  red.colormap = LayerColormap::Red;
  red.blending = LayerBlending::Translucent;
  const int top = scene.addLayer(imageLayer(b, red));
  TileCache cache(1 << 20);
  cacheLevel(cache, *grey, a, 0);
  cacheLevel(cache, *half, b, 0);
  const SectionCamera camera = cameraAt(4, 4, 1, 8, 8);

  RgbaImage image = composeSection(scene, camera, 0, {}, cache);
  EXPECT_EQ(rgb(image, 1, 1), (std::array<int, 3>{100, 100, 100}));  // NaN: the grey shows
  EXPECT_EQ(rgb(image, 6, 1), (std::array<int, 3>{255, 0, 0}));      // translucent, opacity 1

  scene.layer(top)->style.blending = LayerBlending::Additive;
  image = composeSection(scene, camera, 0, {}, cache);
  EXPECT_EQ(rgb(image, 6, 1), (std::array<int, 3>{255, 100, 100}));  // added, clamped
  EXPECT_EQ(rgb(image, 1, 1), (std::array<int, 3>{100, 100, 100}));

  scene.layer(top)->style.blending = LayerBlending::Translucent;
  scene.layer(top)->style.opacity = 0.5;
  image = composeSection(scene, camera, 0, {}, cache);
  EXPECT_NEAR(image.at(6, 1)[0], 177, 1);
  EXPECT_NEAR(image.at(6, 1)[1], 50, 1);

  scene.layer(top)->style.visible = false;
  image = composeSection(scene, camera, 0, {}, cache);
  EXPECT_EQ(rgb(image, 6, 1), (std::array<int, 3>{100, 100, 100}));
}

TEST(SectionCompositor, MissingTilesListedAndCoarserStandInDrawn) {
  // Level 0 values 10, level 1 values 80: which one is drawn shows.
  auto source = std::make_shared<FunctionSource>(
      32, 32, 1.0, 3, 8,
      [](int level, std::int64_t, std::int64_t) { return level == 0 ? 10.f : 80.f; });
  SectionScene scene;
  const int id = scene.addSource(source);
  scene.addLayer(imageLayer(id));
  TileCache cache(1 << 20);
  const SectionCamera camera = cameraAt(15, 15, 1, 16, 16);  // section [7, 23)²: 3 × 3 tiles

  CompositeStats stats;
  RgbaImage image = composeSection(scene, camera, 0, {}, cache, &stats);
  const auto wanted = tilesCovering(source->info(), id, 0, 0, 0, camera.visibleUm());
  ASSERT_EQ(wanted.size(), 9u);
  EXPECT_EQ(stats.missing, wanted);  // in the loader's order
  EXPECT_EQ(stats.tilesStandIn, 0);
  EXPECT_EQ(stats.tilesDrawn, 0);
  EXPECT_EQ(image.at(8, 8)[0], 0);
  EXPECT_FALSE(stats.complete());

  cacheLevel(cache, *source, id, 1);
  image = composeSection(scene, camera, 0, {}, cache, &stats);
  EXPECT_EQ(stats.missing, wanted);
  EXPECT_EQ(stats.tilesStandIn, 9);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) ASSERT_EQ(image.at(x, y)[0], 80) << x << "," << y;

  // One level-0 tile arrives: it is drawn, the rest still stand in.
  const TileKey first = wanted.front();
  cache.insert(first,
               std::make_shared<const TilePixels>(source->readTile(0, 0, 0, first.row, first.col)));
  image = composeSection(scene, camera, 0, {}, cache, &stats);
  EXPECT_EQ(stats.tilesDrawn, 1);
  EXPECT_EQ(stats.tilesStandIn, 8);
  EXPECT_EQ(stats.missing.size(), 8u);
  const RectUm rect = tileRectUm(source->info(), 0, first.row, first.col);
  const auto inside = camera.sectionToScreen(rect.x0 + 0.5, rect.y0 + 0.5);
  EXPECT_EQ(image.at(int(inside[0]), int(inside[1]))[0], 10);

  cacheLevel(cache, *source, id, 0);
  image = composeSection(scene, camera, 0, {}, cache, &stats);
  EXPECT_TRUE(stats.complete());
  EXPECT_EQ(image.at(3, 12)[0], 10);
}

TEST(SectionCompositor, SwipeShowsLeftLayersLeftOfTheLine) {
  auto flat = std::make_shared<FunctionSource>(
      64, 64, 1.0, 1, 16, [](int, std::int64_t, std::int64_t) { return 255.f; });
  SectionScene scene;
  const int id = scene.addSource(flat);
  LayerStyle left, right;
  left.colormap = LayerColormap::Red;
  left.side = CompareSide::Left;
  right.colormap = LayerColormap::Green;
  right.side = CompareSide::Right;
  scene.addLayer(imageLayer(id, left));
  scene.addLayer(imageLayer(id, right));
  TileCache cache(1 << 22);
  cacheLevel(cache, *flat, id, 0);

  CompareSettings compare;
  compare.mode = CompareMode::Swipe;
  compare.swipe = 0.25;
  const RgbaImage image = composeSection(scene, cameraAt(32, 32, 1, 40, 20), 0, compare, cache);
  for (int x = 0; x < 40; ++x) {
    if (x >= 9 && x <= 10) {
      EXPECT_EQ(rgb(image, x, 5), (std::array<int, 3>{255, 255, 255})) << x;  // the line
    } else if (x < 9) {
      EXPECT_EQ(rgb(image, x, 5), (std::array<int, 3>{255, 0, 0})) << x;
    } else {
      EXPECT_EQ(rgb(image, x, 5), (std::array<int, 3>{0, 255, 0})) << x;
    }
  }

  // Overlay: both layers everywhere.
  const RgbaImage overlay = composeSection(scene, cameraAt(32, 32, 1, 40, 20), 0, {}, cache);
  EXPECT_EQ(rgb(overlay, 3, 5), (std::array<int, 3>{255, 255, 0}));
}

TEST(SectionCompositor, SideBySidePanesShareTheCentre) {
  // A bright pixel at section (32, 32): the camera's centre.
  auto dot = std::make_shared<FunctionSource>(
      64, 64, 1.0, 1, 16,
      [](int, std::int64_t x, std::int64_t y) { return (x == 32 && y == 32) ? 255.f : 0.f; });
  SectionScene scene;
  const int id = scene.addSource(dot);
  LayerStyle left, right;
  left.colormap = LayerColormap::Red;
  left.side = CompareSide::Left;
  right.colormap = LayerColormap::Green;
  right.side = CompareSide::Right;
  scene.addLayer(imageLayer(id, left));
  scene.addLayer(imageLayer(id, right));
  TileCache cache(1 << 22);
  cacheLevel(cache, *dot, id, 0);

  CompareSettings compare;
  compare.mode = CompareMode::SideBySide;
  CompositeStats stats;
  const RgbaImage image =
      composeSection(scene, cameraAt(32, 32, 1, 40, 20), 0, compare, cache, &stats);
  // Each 20-px pane is centred on (32, 32): the pixel at pane column 10, row 10.
  EXPECT_EQ(rgb(image, 10, 10), (std::array<int, 3>{255, 0, 0}));
  EXPECT_EQ(rgb(image, 30, 10), (std::array<int, 3>{0, 255, 0}));
  EXPECT_EQ(rgb(image, 11, 10), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(rgb(image, 19, 3), (std::array<int, 3>{128, 128, 128}));  // the divider
  EXPECT_EQ(rgb(image, 20, 3), (std::array<int, 3>{128, 128, 128}));
  EXPECT_EQ(rgb(image, 18, 3), (std::array<int, 3>{0, 0, 0}));
  EXPECT_TRUE(stats.complete());
}

TEST(SectionCompositor, ColumnsAreTheWholePicturesColumns) {
  auto ramp = std::make_shared<FunctionSource>(
      64, 64, 1.0, 2, 16, [](int, std::int64_t x, std::int64_t y) { return float(x * 3 + y); });
  SectionScene scene;
  const int id = scene.addSource(ramp);
  scene.addLayer(imageLayer(id));
  LayerStyle right;
  right.side = CompareSide::Right;
  right.colormap = LayerColormap::Blue;
  scene.addLayer(imageLayer(id, right));
  TileCache cache(1 << 22);
  cacheLevel(cache, *ramp, id, 0);
  const SectionCamera camera = cameraAt(30, 30, 1, 50, 30);
  for (CompareMode mode : {CompareMode::Overlay, CompareMode::SideBySide, CompareMode::Swipe}) {
    CompareSettings compare;
    compare.mode = mode;
    compare.swipe = 0.3;
    const RgbaImage whole = composeSection(scene, camera, 0, compare, cache);
    const RgbaImage piece = composeSectionColumns(scene, camera, 13, 20, 0, compare, cache);
    ASSERT_EQ(piece.width, 20);
    for (int y = 0; y < 30; ++y)
      for (int x = 0; x < 20; ++x)
        ASSERT_EQ(rgb(piece, x, y), rgb(whole, x + 13, y)) << int(mode) << ": " << x << "," << y;
  }
}

TEST(SectionCompositor, AtlasOutlineDrawsEdgesBetweenLabels) {
  // Label 1 left of x = 10, label 2 right of it, NaN below y = 12.
  auto labels = std::make_shared<FunctionSource>(
      20, 20, 1.0, 1, 8,
      [](int, std::int64_t x, std::int64_t y) { return y >= 12 ? kNaN : (x < 10 ? 1.f : 2.f); });
  SectionScene scene;
  const int id = scene.addSource(labels);
  SectionLayer layer = imageLayer(id);
  layer.kind = SectionLayerKind::AtlasOutline;
  layer.style.colormap = LayerColormap::Gray;
  scene.addLayer(layer);
  TileCache cache(1 << 20);
  cacheLevel(cache, *labels, id, 0);
  const RgbaImage image = composeSection(scene, cameraAt(10, 10, 1, 20, 20), 0, {}, cache);
  EXPECT_EQ(image.at(9, 5)[0], 255);  // label 1 next to label 2
  EXPECT_EQ(image.at(10, 5)[0], 0);
  EXPECT_EQ(image.at(4, 5)[0], 0);     // inside a structure
  EXPECT_EQ(image.at(4, 11)[0], 255);  // above the outside
  EXPECT_EQ(image.at(4, 15)[0], 0);    // outside: nothing
}

// The label image's own border (a section lying wholly inside one structure) and tiles not yet
// read are not structure edges: nothing is drawn there.
TEST(SectionCompositor, AtlasOutlineDrawsNoFrameAtTheImagesEdge) {
  auto labels = std::make_shared<FunctionSource>(
      20, 20, 1.0, 1, 8, [](int, std::int64_t, std::int64_t) { return 1.f; });
  SectionScene scene;
  const int id = scene.addSource(labels);
  SectionLayer layer = imageLayer(id);
  layer.kind = SectionLayerKind::AtlasOutline;
  scene.addLayer(layer);
  TileCache cache(1 << 20);
  cache.insert(TileKey{id, 0, 0, 0, 0, 0},
               std::make_shared<const TilePixels>(labels->readTile(0, 0, 0, 0, 0)));
  const RgbaImage image = composeSection(scene, cameraAt(10, 10, 1, 40, 40), 0, {}, cache);
  int lit = 0;
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 40; ++x) lit += image.at(x, y)[0] > 0;
  EXPECT_EQ(lit, 0);
}

TEST(SectionCompositor, PointsCloseUpAndDensityFarOut) {
  TranscriptTable table;
  const std::uint32_t gene = table.genes.add("Slc17a7");
  table.push(10.5f, 10.5f, 0, gene);
  table.push(30.5f, 20.5f, 0, gene);
  table.push(31.5f, 20.5f, 1, gene);  // another plane
  auto index = std::make_shared<const TranscriptIndex>(table, 8);
  auto density = std::make_shared<FunctionSource>(
      64, 64, 1.0, 1, 16, [](int, std::int64_t, std::int64_t) { return 255.f; });
  SectionScene scene;
  const int id = scene.addSource(density);
  SectionLayer points = imageLayer(id);
  points.kind = SectionLayerKind::Points;
  points.transcripts = index;
  points.pointRadiusPx = 0;
  scene.addLayer(points);
  TileCache cache(1 << 22);
  cacheLevel(cache, *density, id, 0);
  const SectionCamera camera = cameraAt(20, 20, 1, 40, 40);  // screen = section

  CompositeStats stats;
  RgbaImage image = composeSection(scene, camera, 0, {}, cache, &stats);
  EXPECT_EQ(stats.pointsDrawn, 2u);
  const auto colour = TranscriptIndex::geneColour(gene);
  EXPECT_EQ(rgb(image, 10, 10), (std::array<int, 3>{colour[0], colour[1], colour[2]}));
  EXPECT_EQ(rgb(image, 30, 20), (std::array<int, 3>{colour[0], colour[1], colour[2]}));
  EXPECT_EQ(rgb(image, 31, 20), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(rgb(image, 11, 10), (std::array<int, 3>{0, 0, 0}));

  scene.layer(scene.layers().front().id)->pointLimit = 1;  // too many: the density instead
  image = composeSection(scene, camera, 0, {}, cache, &stats);
  EXPECT_EQ(stats.pointsDrawn, 0u);
  EXPECT_EQ(rgb(image, 5, 5), (std::array<int, 3>{255, 255, 255}));
}

TEST(SectionCompositor, OutlinesOnlyCloseUp) {
  std::vector<CellPolygon> polygons(1);
  polygons[0].id = "cell";
  polygons[0].vertices = {{5.5, 5.5}, {15.5, 5.5}, {15.5, 15.5}, {5.5, 15.5}};
  auto outlines = std::make_shared<const CellOutlineIndex>(polygons);
  SectionScene scene;
  SectionLayer shapes;
  shapes.kind = SectionLayerKind::Shapes;
  shapes.outlines = outlines;
  shapes.outlinesBelowUmPerPixel = 2;
  scene.addLayer(shapes);
  TileCache cache(1 << 20);
  CompositeStats stats;
  RgbaImage image = composeSection(scene, cameraAt(10, 10, 1, 20, 20), 0, {}, cache, &stats);
  EXPECT_EQ(stats.outlinesDrawn, 1u);
  EXPECT_EQ(image.at(5, 5)[0], 255);
  EXPECT_EQ(image.at(10, 5)[0], 255);
  EXPECT_EQ(image.at(15, 12)[0], 255);
  EXPECT_EQ(image.at(5, 10)[0], 255);
  EXPECT_EQ(image.at(10, 10)[0], 0);
  // Zoomed far in: the edges run far past the view and are clipped.
  image = composeSection(scene, cameraAt(5.5, 10, 0.001, 20, 20), 0, {}, cache, &stats);
  EXPECT_EQ(image.at(10, 3)[0], 255);
  EXPECT_EQ(image.at(3, 3)[0], 0);

  image = composeSection(scene, cameraAt(10, 10, 4, 20, 20), 0, {}, cache, &stats);
  EXPECT_EQ(stats.outlinesDrawn, 0u);
}

TEST(SectionCompositor, ScaleBarChoices) {
  struct Case {
    double umPerPixel, maxPixels, lengthUm;
    const char* label;
  };
  for (const Case& c :
       {Case{1, 200, 200, "200 \u00b5m"}, Case{1, 199, 100, "100 \u00b5m"},
        Case{2, 300, 500, "500 \u00b5m"}, Case{10, 150, 1000, "1 mm"}, Case{10, 250, 2000, "2 mm"},
        Case{10, 600, 5000, "5 mm"}, Case{0.01, 100, 1, "1 \u00b5m"},
        Case{0.003, 100, 0.2, "0.2 \u00b5m"}, Case{100, 1000, 100000, "100 mm"}}) {
    const ScaleBar bar = chooseScaleBar(c.umPerPixel, c.maxPixels);
    EXPECT_DOUBLE_EQ(bar.lengthUm, c.lengthUm) << c.umPerPixel << " " << c.maxPixels;
    EXPECT_DOUBLE_EQ(bar.pixels, c.lengthUm / c.umPerPixel);
    EXPECT_LE(bar.pixels, c.maxPixels + 1e-9);
    EXPECT_EQ(bar.label, c.label);
  }
  EXPECT_EQ(chooseScaleBar(0, 100).pixels, 0);
  EXPECT_EQ(chooseScaleBar(std::nan(""), 100).pixels, 0);
  EXPECT_EQ(chooseScaleBar(1, 0).pixels, 0);
}

// A fake font: every text a solid block of 6 px a character.
TextMask blockText(const std::string& text, int height) {
  TextMask mask;
  mask.width = int(text.size()) * 6;
  mask.height = height;
  mask.coverage.assign(std::size_t(mask.width) * std::size_t(height), 255);
  return mask;
}

TEST(SectionCompositor, OverlaysDrawnInStripsMatchTheWholePicture) {
  SectionScene scene;
  auto flat = std::make_shared<FunctionSource>(8, 8, 1, 1, 8,
                                               [](int, std::int64_t, std::int64_t) { return 0.f; });
  SectionLayer layer = imageLayer(scene.addSource(flat));
  layer.name = "DAPI";
  layer.unit = "8-bit";
  layer.style.colourBar = true;
  scene.addLayer(layer);
  const int w = 500, h = 300;
  RgbaImage whole(w, h);
  drawScaleBar(whole, 0, w, h, 2, blockText);
  drawColourBars(whole, 0, w, h, scene, blockText);
  // The bar: 200 µm = 100 px, white, bottom left above a 16 px margin.
  EXPECT_EQ(rgb(whole, 60, h - 19), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(rgb(whole, 120, h - 19), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(rgb(whole, 30, h - 30), (std::array<int, 3>{255, 255, 255}));  // its label
  // The colour bar top right: dark to bright left to right.
  int barRow = -1;
  for (int y = 0; y < h / 2 && barRow < 0; ++y)
    if (whole.at(w - 20, y)[0] > 200 && whole.at(w - 170, y)[0] < 20 &&
        whole.at(w - 100, y)[0] > 60 && whole.at(w - 100, y)[0] < 200)
      barRow = y;
  EXPECT_GE(barRow, 0) << "no gradient strip found";

  for (int stripRows : {64, 7}) {
    for (int y0 = 0; y0 < h; y0 += stripRows) {
      RgbaImage strip(w, std::min(stripRows, h - y0));
      drawScaleBar(strip, y0, w, h, 2, blockText);
      drawColourBars(strip, y0, w, h, scene, blockText);
      for (int y = 0; y < strip.height; ++y)
        for (int x = 0; x < w; ++x)
          ASSERT_EQ(rgb(strip, x, y), rgb(whole, x, y0 + y)) << x << "," << y0 + y;
    }
  }
}

TEST(SectionCompositor, OverlayLabels) {
  SectionScene scene;
  SectionLayer layer;
  layer.name = "Slc17a7 counts";
  layer.unit = "molecules";
  layer.style.contrastMax = 65535;
  layer.style.colourBar = true;
  scene.addLayer(layer);
  SectionLayer hidden = layer;
  hidden.name = "hidden";
  hidden.style.visible = false;
  scene.addLayer(hidden);
  SectionLayer outlines = layer;
  outlines.name = "cells";
  outlines.kind = SectionLayerKind::Shapes;
  scene.addLayer(outlines);
  std::vector<std::string> texts;
  const TextRasteriser record = [&](const std::string& text, int height) {
    texts.push_back(text);
    return blockText(text, height);
  };
  RgbaImage image(800, 600);
  drawColourBars(image, 0, 800, 600, scene, record);
  EXPECT_EQ(texts, (std::vector<std::string>{"Slc17a7 counts (molecules)", "0", "65535"}));
  texts.clear();
  drawScaleBar(image, 0, 800, 600, 12.5, record);  // 160 px at most: 2 mm
  EXPECT_EQ(texts, (std::vector<std::string>{"2 mm"}));
}

// The columns [first, last] where row `y` has a pixel brighter than the text's outline; {-1, -1}
// when none.
std::array<int, 2> brightColumns(const RgbaImage& image, int y) {
  std::array<int, 2> columns{-1, -1};
  for (int x = 0; x < image.width; ++x)
    if (image.at(x, y)[0] > 100) {
      if (columns[0] < 0) columns[0] = x;
      columns[1] = x;
    }
  return columns;
}

TEST(SectionCompositor, ColourBarTitlesStayInsideNarrowPictures) {
  SectionScene scene;
  SectionLayer layer;
  layer.name = "Slc17a7 counts";
  layer.unit = "molecules per 4 \u00b5m px";
  layer.style.colourBar = true;
  scene.addLayer(layer);
  std::vector<std::string> texts;
  const TextRasteriser record = [&](const std::string& text, int height) {
    texts.push_back(text);
    return blockText(text, height);
  };
  // 39 bytes = 234 px of title (the fake font: 6 px a byte) on a 260 px picture: 228 px fit
  // between the margins.
  const int w = 260, h = 200, margin = 16, titleRow = margin + 6;
  RgbaImage narrow(w, h);
  drawColourBars(narrow, 0, w, h, scene, record);
  // The longest start that fits with its ellipsis: 35 bytes + "…" (3) = 228 px.
  const std::string cutTitle = "Slc17a7 counts (molecules per 4 \u00b5m\u2026";
  EXPECT_NE(std::find(texts.begin(), texts.end(), cutTitle), texts.end());
  for (const std::string& t : texts)
    EXPECT_FALSE(t.size() > cutTitle.size() && blockText(t, 12).width <= w - 2 * margin) << t;
  const auto cut = brightColumns(narrow, titleRow);
  EXPECT_EQ(cut[0], margin);
  EXPECT_EQ(cut[1], w - margin - 1) << "the title ends where the bar ends";

  // A title wider than the bar but not the picture: whole, shifted left to end with the bar.
  texts.clear();
  RgbaImage wide(400, h);
  drawColourBars(wide, 0, 400, h, scene, record);
  EXPECT_EQ(texts.front(), "Slc17a7 counts (molecules per 4 \u00b5m px)");
  const auto shifted = brightColumns(wide, titleRow);
  EXPECT_EQ(shifted[0], 400 - margin - int(texts.front().size()) * 6);
  EXPECT_EQ(shifted[1], 400 - margin - 1);

  // A picture narrower than the bar: a shorter bar, inside the picture.
  RgbaImage tiny(100, h);
  drawColourBars(tiny, 0, 100, h, scene, blockText);
  int barRow = -1;
  for (int y = 0; y < h && barRow < 0; ++y)
    if (tiny.at(margin, y)[0] < 20 && tiny.at(100 - margin - 1, y)[0] > 200 &&
        tiny.at(50, y)[0] > 60 && tiny.at(50, y)[0] < 200)
      barRow = y;
  EXPECT_GE(barRow, 0) << "no gradient strip across the narrow picture";
  for (int y = 0; y < h; ++y) EXPECT_LT(tiny.at(0, y)[0], 100) << "row " << y;
}

// The longest cut is tried too: all but the last character, when that one is wider than "…".
TEST(SectionCompositor, AColourBarTitleKeepsTheLongestCutThatFits) {
  SectionScene scene;
  SectionLayer layer;
  layer.name = "counts \U0001F9E0\U0001F9E0";  // 15 bytes: the fake font's last character is 24 px
  layer.style.colourBar = true;
  scene.addLayer(layer);
  std::vector<std::string> texts;
  const TextRasteriser record = [&](const std::string& text, int height) {
    texts.push_back(text);
    return blockText(text, height);
  };
  // 84 px between the margins: "counts 🧠…" (11 + 3 bytes) fits exactly, the whole title (90)
  // not.
  const int margin = 16, w = 84 + 2 * margin, h = 200;
  RgbaImage image(w, h);
  drawColourBars(image, 0, w, h, scene, record);
  const std::string cut = "counts \U0001F9E0\u2026";
  EXPECT_NE(std::find(texts.begin(), texts.end(), cut), texts.end());
  const auto row = brightColumns(image, margin + 6);
  EXPECT_EQ(row[0], margin) << "the cut title fills the room";
  EXPECT_EQ(row[1], w - margin - 1);
}

// On a narrow picture the plane label (bottom right) is cut to the room the scale bar (bottom
// left) and its label leave, and the two never overlap.
TEST(SectionCompositor, PlaneLabelKeepsClearOfTheScaleBar) {
  SectionScene scene;
  auto stack = std::make_shared<FunctionSource>(
      8, 8, 1, 1, 8, [](int, std::int64_t, std::int64_t) { return 0.f; });
  stack->setPlanes(3, 1.5);
  scene.addLayer(imageLayer(scene.addSource(stack)));
  std::vector<std::string> texts;
  const TextRasteriser record = [&](const std::string& text, int height) {
    texts.push_back(text);
    return blockText(text, height);
  };
  const std::string whole = planeLabel(scene, 1);  // 29 bytes: 174 px of the fake font
  for (const int w : {120, 200, 260, 300, 400}) {
    const int h = 150;
    RgbaImage bar(w, h), label(w, h);
    drawScaleBar(bar, 0, w, h, 1, blockText);  // at most w / 5 µm: "20 µm" (36 px) and less
    texts.clear();
    drawPlaneLabel(label, 0, w, h, scene, 1, record, 1);
    int overlaps = 0, labelPixels = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const bool inBar = rgb(bar, x, y) != std::array<int, 3>{0, 0, 0};
        const bool inLabel = rgb(label, x, y) != std::array<int, 3>{0, 0, 0};
        labelPixels += inLabel;
        overlaps += inBar && inLabel;
      }
    EXPECT_EQ(overlaps, 0) << w << " px wide";
    EXPECT_GT(labelPixels, 0) << w << " px wide: the label is drawn, cut";
    const auto columns = brightColumns(label, h - 16 - 7);
    EXPECT_EQ(columns[1], w - 16 - 1) << w << " px wide: the label ends at the margin";
    // 300 px and more: room for the whole label right of the bar ("50 µm", 36 px, from 16 px).
    const bool cut = w < 300;
    EXPECT_EQ(columns[0] == w - 16 - int(whole.size()) * 6, !cut) << w << " px wide";
    const bool ellipsis = std::find_if(texts.begin(), texts.end(), [](const std::string& t) {
                            return t.size() >= 3 && t.substr(t.size() - 3) == "\u2026";
                          }) != texts.end();
    EXPECT_EQ(ellipsis, cut) << w << " px wide";
  }
  // Without the scale bar the label takes the whole width between the margins.
  // (At 220 px the bar would leave 135 px: too few for its 174.)
  RgbaImage alone(220, 150);
  drawPlaneLabel(alone, 0, 220, 150, scene, 1, blockText);
  EXPECT_EQ(brightColumns(alone, 150 - 16 - 7)[0], 220 - 16 - int(whole.size()) * 6);
}

TEST(SectionCompositor, PlaneLabelOnlyForContentWithPlanes) {
  SectionScene scene;
  auto flat = std::make_shared<FunctionSource>(8, 8, 1, 1, 8,
                                               [](int, std::int64_t, std::int64_t) { return 0.f; });
  scene.addLayer(imageLayer(scene.addSource(flat)));
  EXPECT_EQ(planeLabel(scene, 0), "") << "one plane: nothing to tell";
  auto stack = std::make_shared<FunctionSource>(
      8, 8, 1, 1, 8, [](int, std::int64_t, std::int64_t) { return 0.f; });
  stack->setPlanes(3, 1.5);
  const int stackLayer = scene.addLayer(imageLayer(scene.addSource(stack)));
  EXPECT_EQ(planeLabel(scene, 2), "plane 2 of 0\u20132 \u00b7 z 3.0 \u00b5m");
  EXPECT_EQ(planeLabel(scene, 0), "plane 0 of 0\u20132 \u00b7 z 0.0 \u00b5m");
  scene.layer(stackLayer)->style.visible = false;
  EXPECT_EQ(planeLabel(scene, 2), "") << "the planes of hidden layers are not shown";
  scene.layer(stackLayer)->style.visible = true;

  // Bottom right, inside the margin, the same whether drawn whole or in strips.
  const int w = 400, h = 300;
  RgbaImage whole(w, h);
  drawPlaneLabel(whole, 0, w, h, scene, 1, blockText);
  const std::string label = planeLabel(scene, 1);
  const int labelWidth = int(label.size()) * 6;
  const auto columns = brightColumns(whole, h - 16 - 7);
  EXPECT_EQ(columns[0], w - 16 - labelWidth);
  EXPECT_EQ(columns[1], w - 16 - 1);
  EXPECT_EQ(brightColumns(whole, h - 16 + 1)[0], -1) << "below the label: the margin";
  for (int y0 = 0; y0 < h; y0 += 64) {
    RgbaImage strip(w, std::min(64, h - y0));
    drawPlaneLabel(strip, y0, w, h, scene, 1, blockText);
    for (int y = 0; y < strip.height; ++y)
      for (int x = 0; x < w; ++x) ASSERT_EQ(rgb(strip, x, y), rgb(whole, x, y0 + y));
  }
}

}  // namespace
}  // namespace teramind
