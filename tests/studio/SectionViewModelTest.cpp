// The section explorer's model without a window: the demo opened, drawn from the tile cache,
// driven by the wheel, drags and keys, compared, read out and exported; a studio's job shown as
// its tiles arrive. Everything runs on a ThreadTaskRunner whose owner is the test's thread.
#include <gtest/gtest.h>
#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "common/ResourceLocator.h"
#include "io/OmeZarrStore.h"
#include "io/SpatialDataset.h"
#include "io/TiffImage.h"
#include "model/PairedSection.h"
#include "sectionview/LayerStyle.h"
#include "sectionview/NgffPyramidSource.h"
#include "studio/GeneratedTileSource.h"
#include "studio/SectionViewModel.h"
#include "studio/StudioModel.h"
#include "support/TestData.h"
#include "workflow/WorkspaceFixture.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::bundledAtlas;
using test::demoDataset;

constexpr int kWidth = 320, kHeight = 240;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "section_view_model" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A section view on the demo, opened as `teramind-studio --section` opens it.
struct DemoView {
  ThreadTaskRunner runner;
  SectionViewModel view;
  std::vector<SectionViewChange> changes;
  explicit DemoView(SectionViewModel::Settings settings = {})
      : view(bundledAtlas(), runner, settings) {
    view.subscribe([this](SectionViewChange c) { changes.push_back(c); });
    view.resize(kWidth, kHeight);
  }
  void open(const fs::path& path = bundledDemoDataset()) {
    view.openPath(path);
    ASSERT_TRUE(runner.waitForIdle(300s)) << "opening did not end";
    ASSERT_FALSE(view.busy());
  }
  bool drawn(std::chrono::milliseconds timeout = 120s) {
    return view.waitUntilDrawn(&runner, timeout);
  }
  int count(SectionViewChange c) const {
    return int(std::count(changes.begin(), changes.end(), c));
  }
  // Only the named layers visible.
  void showOnly(const std::function<bool(const SectionLayer&)>& keep) {
    for (const SectionLayer& layer : view.scene().layers()) view.setVisible(layer.id, keep(layer));
  }
};

const SectionLayer* layerNamed(const SectionViewModel& view, const std::string& name) {
  return view.scene().layerNamed(name);
}

int layersOfKind(const SectionViewModel& view, SectionLayerKind kind) {
  const auto& layers = view.scene().layers();
  return int(std::count_if(layers.begin(), layers.end(),
                           [kind](const SectionLayer& l) { return l.kind == kind; }));
}

std::array<int, 4> pixel(const RgbaImage& image, int x, int y) {
  const std::uint8_t* p = image.at(x, y);
  return {p[0], p[1], p[2], p[3]};
}

double meanOf(const RgbaImage& image, int x0, int x1, int channel) {
  double sum = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = x0; x < x1; ++x) sum += image.at(x, y)[channel];
  return sum / double((x1 - x0) * image.height);
}

// A PNG's size from its IHDR chunk.
std::pair<int, int> pngSize(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<unsigned char> head(24);
  in.read(reinterpret_cast<char*>(head.data()), 24);
  if (in.gcount() != 24 || head[1] != 'P' || head[2] != 'N' || head[3] != 'G') return {0, 0};
  const auto be = [&](int at) {
    return int(head[at]) << 24 | int(head[at + 1]) << 16 | int(head[at + 2]) << 8 | head[at + 3];
  };
  return {be(16), be(20)};
}

// A generated stain of constant value `value` over `extent`, as a job writes it (ours).
fs::path writeUniformOutput(const fs::path& path, const RectUm& extent, std::uint8_t value) {
  OmeZarrLayout layout;
  layout.channels = {"DAPI", "PolyT"};
  layout.planes = 2;
  layout.pixelUm = 2;
  layout.planeUm = 1.5;
  layout.originXUm = extent.x0;
  layout.originYUm = extent.y0;
  layout.width = std::int64_t(std::ceil(extent.width() / layout.pixelUm));
  layout.height = std::int64_t(std::ceil(extent.height() / layout.pixelUm));
  layout.chunk = 256;
  layout.format = OmeZarrFormat::V2;
  layout.levels = OmeZarrLayout::levelsToFit(layout.height, layout.width, layout.chunk);
  layout.shard = OmeZarrLayout::shardFor(layout.chunk, layout.height, layout.width);
  const auto store = OmeZarrStore::create(path, layout, "{}");
  const std::vector<std::uint8_t> chunk(std::size_t(layout.chunk) * std::size_t(layout.chunk),
                                        value);
  for (int c = 0; c < 2; ++c)
    for (int z = 0; z < 2; ++z)
      for (std::int64_t r = 0; r < layout.chunkRows(0); ++r)
        for (std::int64_t q = 0; q < layout.chunkCols(0); ++q)
          store.writeChunk(0, c, z, r, q, chunk);
  store.buildPyramid();
  return path;
}

TEST(SectionViewModel, OpensTheDemoWithItsStainsMoleculesOutlinesAndAtlas) {
  DemoView v;
  v.open();
  ASSERT_EQ(
      v.view.lastMessage() == nullptr || v.view.lastMessage()->kind != StudioMessage::Kind::Error,
      true)
      << v.view.lastMessage()->text;
  EXPECT_NE(layerNamed(v.view, "DAPI (real)"), nullptr);
  EXPECT_NE(layerNamed(v.view, "PolyT (real)"), nullptr);
  EXPECT_EQ(layersOfKind(v.view, SectionLayerKind::Points), 1) << "the molecules";
  EXPECT_GE(layersOfKind(v.view, SectionLayerKind::Shapes), 1) << "the cell outlines";
  EXPECT_EQ(layersOfKind(v.view, SectionLayerKind::AtlasOutline), 1) << "placed: the atlas cut";
  EXPECT_GE(v.count(SectionViewChange::Layers), 1);
  EXPECT_GE(v.count(SectionViewChange::Busy), 2) << "busy while opening, then not";
  ASSERT_NE(v.view.dataset(), nullptr);
  // Fitted: the whole section in view.
  const RectUm extent = v.view.scene().extent();
  const RectUm seen = v.view.camera().visibleUm();
  EXPECT_LE(seen.x0, extent.x0 + 1e-6);
  EXPECT_GE(seen.x1, extent.x1 - 1e-6);
  EXPECT_LE(seen.y0, extent.y0 + 1e-6);
  EXPECT_GE(seen.y1, extent.y1 - 1e-6);

  ASSERT_TRUE(v.drawn()) << "every tile of the view read";
  EXPECT_TRUE(v.view.lastStats().complete());
  EXPECT_GT(v.view.lastStats().tilesDrawn, 0);
  EXPECT_GT(v.view.tilesRequested(), 0u);
  // Arrivals are told as repaints, coalesced: never more than one a tile.
  EXPECT_GE(v.count(SectionViewChange::Tiles), 1);
  EXPECT_LE(std::uint64_t(v.count(SectionViewChange::Tiles)), v.view.tilesRequested());
  const RgbaImage image = v.view.render();
  EXPECT_EQ(image.width, kWidth);
  EXPECT_EQ(image.height, kHeight);
}

TEST(SectionViewModel, AStainPixelHasTheStainsColour) {
  DemoView v;
  v.open();
  const SectionLayer* dapi = layerNamed(v.view, "DAPI (real)");
  ASSERT_NE(dapi, nullptr);
  const int id = dapi->id;
  v.showOnly([id](const SectionLayer& l) { return l.id == id; });
  LayerStyle style = v.view.scene().layer(id)->style;
  style.colormap = LayerColormap::Blue;
  style.opacity = 1;
  style.gamma = 1;
  v.view.setStyle(id, style);
  // Close up at the section's centre: level 0, each image pixel many screen pixels.
  const RectUm extent = v.view.scene().extent();
  const auto source = v.view.scene().source(dapi->source);
  ASSERT_NE(source, nullptr);
  const double pixelUm = source->info().levels[0].pixelUm;
  const double cx = (extent.x0 + extent.x1) / 2, cy = (extent.y0 + extent.y1) / 2;
  v.view.showRegion(cx - kWidth * pixelUm / 16, cy - kHeight * pixelUm / 16, kWidth * pixelUm / 8);
  ASSERT_TRUE(v.drawn());
  const RgbaImage image = v.view.render();
  // Sample the middle of an image pixel so that any filtering agrees with the readout.
  const auto at = v.view.camera().sectionToScreen(
      source->info().originXUm +
          (std::floor((cx - source->info().originXUm) / pixelUm) + 0.5) * pixelUm,
      source->info().originYUm +
          (std::floor((cy - source->info().originYUm) / pixelUm) + 0.5) * pixelUm);
  const int x = int(at[0]), y = int(at[1]);
  ASSERT_TRUE(x >= 0 && y >= 0 && x < kWidth && y < kHeight);
  const SectionReadout r = v.view.readout(x + 0.5, y + 0.5);
  ASSERT_EQ(r.values.size(), 1u);
  EXPECT_EQ(r.values[0].first, "DAPI (real)");
  const double value = r.values[0].second;
  ASSERT_FALSE(std::isnan(value)) << "level 0 is cached after the draw";
  const double t =
      std::clamp((value - style.contrastMin) / (style.contrastMax - style.contrastMin), 0.0, 1.0);
  const auto expected = colormapColour(LayerColormap::Blue, t);
  const auto got = pixel(image, x, y);
  EXPECT_NEAR(got[0], expected[0], 3) << "value " << value;
  EXPECT_NEAR(got[1], expected[1], 3) << "value " << value;
  EXPECT_NEAR(got[2], expected[2], 3) << "value " << value;
  EXPECT_EQ(got[3], 255);
}

TEST(SectionViewModel, TheWheelZoomsAtTheCursorAndKeysStepPlanesAndFit) {
  DemoView v;
  v.open();
  const SectionCamera fitted = v.view.camera();
  const auto before = v.view.camera().screenToSection(100, 80);
  v.view.wheel(100, 80, 120);
  const auto after = v.view.camera().screenToSection(100, 80);
  EXPECT_NEAR(after[0], before[0], 1e-6);
  EXPECT_NEAR(after[1], before[1], 1e-6);
  EXPECT_NEAR(v.view.camera().umPerPixel, fitted.umPerPixel / 1.25, 1e-9);
  v.view.wheel(100, 80, -240);  // two notches out
  EXPECT_NEAR(v.view.camera().umPerPixel, fitted.umPerPixel * 1.25, 1e-9);
  // Zoom stops short of absurd: far in and far out are clamped.
  for (int i = 0; i < 200; ++i) v.view.wheel(10, 10, 120);
  const double closest = v.view.camera().umPerPixel;
  EXPECT_GT(closest, 0);
  v.view.wheel(10, 10, 120);
  EXPECT_EQ(v.view.camera().umPerPixel, closest);
  for (int i = 0; i < 400; ++i) v.view.wheel(10, 10, -120);
  const RectUm extent = v.view.scene().extent();
  EXPECT_LE(v.view.camera().umPerPixel, std::max(extent.width(), extent.height()) / 64 + 1e-9);

  // A drag moves the section with the mouse.
  v.view.key(0x01000010);
  const auto grabbed = v.view.camera().screenToSection(50, 50);
  v.view.drag(30, -20);
  const auto moved = v.view.camera().screenToSection(80, 30);
  EXPECT_NEAR(moved[0], grabbed[0], 1e-6);
  EXPECT_NEAR(moved[1], grabbed[1], 1e-6);
  // Home fits again.
  EXPECT_TRUE(v.view.key(0x01000010));
  EXPECT_NEAR(v.view.camera().centreXUm, fitted.centreXUm, 1e-6);
  EXPECT_NEAR(v.view.camera().centreYUm, fitted.centreYUm, 1e-6);
  EXPECT_NEAR(v.view.camera().umPerPixel, fitted.umPerPixel, 1e-9);
  // '+' and '-' zoom at the centre.
  EXPECT_TRUE(v.view.key('+'));
  EXPECT_NEAR(v.view.camera().umPerPixel, fitted.umPerPixel / 1.25, 1e-9);
  EXPECT_NEAR(v.view.camera().centreXUm, fitted.centreXUm, 1e-6);
  EXPECT_TRUE(v.view.key('-'));
  EXPECT_NEAR(v.view.camera().umPerPixel, fitted.umPerPixel, 1e-9);

  // Planes: the demo has two; ',' and '.' stay within them.
  ASSERT_EQ(v.view.scene().planes(), 2);
  EXPECT_EQ(v.view.plane(), 0);
  EXPECT_TRUE(v.view.key(','));
  EXPECT_EQ(v.view.plane(), 0);
  const int planeChanges = v.count(SectionViewChange::Plane);
  EXPECT_TRUE(v.view.key('.'));
  EXPECT_EQ(v.view.plane(), 1);
  EXPECT_GT(v.count(SectionViewChange::Plane), planeChanges);
  EXPECT_TRUE(v.view.key('.'));
  EXPECT_EQ(v.view.plane(), 1);
  EXPECT_TRUE(v.view.key(','));
  EXPECT_EQ(v.view.plane(), 0);
  EXPECT_FALSE(v.view.key('q')) << "not a key of the view";
}

TEST(SectionViewModel, TheLayerListMovesRemovesStylesAndCountsAGene) {
  DemoView v;
  v.open();
  const auto& layers = v.view.scene().layers();
  const std::size_t count = layers.size();
  // A gene's count image over the molecules, drawn from its own source.
  ASSERT_TRUE(v.view.addGeneCountLayer("Slc17a7"))
      << (v.view.lastMessage() ? v.view.lastMessage()->text : "");
  const SectionLayer* counts = layerNamed(v.view, "Slc17a7 counts");
  ASSERT_NE(counts, nullptr);
  EXPECT_EQ(v.view.selectedLayer(), counts->id);
  EXPECT_EQ(layers.size(), count + 1);
  ASSERT_TRUE(v.drawn()) << "its tiles are read like any other";
  EXPECT_FALSE(v.view.addGeneCountLayer("NoSuchGene"));
  EXPECT_EQ(v.view.lastMessage()->kind, StudioMessage::Kind::Error);
  EXPECT_NE(v.view.lastMessage()->text.find("NoSuchGene"), std::string::npos);
  EXPECT_EQ(layers.size(), count + 1);

  // Moved to the bottom, restyled, hidden, removed.
  const int id = counts->id;
  v.view.moveLayer(id, 0);
  EXPECT_EQ(layers.front().id, id);
  LayerStyle style = layers.front().style;
  style.opacity = 3;
  style.colormap = LayerColormap::Magenta;
  v.view.setStyle(id, style);
  EXPECT_EQ(v.view.scene().layer(id)->style.opacity, 1.0) << "clamped";
  EXPECT_EQ(v.view.scene().layer(id)->style.colormap, LayerColormap::Magenta);
  v.view.setVisible(id, false);
  EXPECT_FALSE(v.view.scene().layer(id)->style.visible);
  const int source = v.view.scene().layer(id)->source;
  v.view.removeLayer(id);
  EXPECT_EQ(v.view.scene().layer(id), nullptr);
  EXPECT_EQ(v.view.scene().source(source), nullptr) << "no layer draws it: closed";
  EXPECT_EQ(v.view.selectedLayer(), -1);
  EXPECT_EQ(layers.size(), count);
  // Unknown ids change nothing.
  const int layerChanges = v.count(SectionViewChange::Layers);
  v.view.setVisible(12345, false);
  v.view.removeLayer(12345);
  EXPECT_EQ(v.count(SectionViewChange::Layers), layerChanges);

  // The gene box in any case: "slc17a7" counts Slc17a7.
  ASSERT_TRUE(v.view.addGeneCountLayer("slc17a7"))
      << (v.view.lastMessage() ? v.view.lastMessage()->text : "");
  EXPECT_NE(layerNamed(v.view, "Slc17a7 counts"), nullptr);
  EXPECT_EQ(layers.size(), count + 1);
}

// `teramind-studio --section PATH --view-um X,Y,W`: the region is asked for before the
// content is there, and kept when it comes.
TEST(SectionViewModel, ARegionAskedBeforeTheContentIsKept) {
  DemoView v;
  v.view.showRegion(6500, 4800, 160);
  v.open();
  EXPECT_NEAR(v.view.camera().visibleUm().x0, 6500, 1e-6);
  EXPECT_NEAR(v.view.camera().visibleUm().y0, 4800, 1e-6);
  EXPECT_NEAR(v.view.camera().visibleUm().width(), 160, 1e-6);
  EXPECT_NEAR(v.view.camera().umPerPixel, 160.0 / kWidth, 1e-12);
  // A later open fits its content.
  v.open();
  const RectUm extent = v.view.scene().extent();
  EXPECT_LE(v.view.camera().visibleUm().x0, extent.x0 + 1e-6);
}

// Home side by side fits the section in each pane, not across both.
TEST(SectionViewModel, HomeSideBySideFitsEachPane) {
  DemoView v;
  v.open();
  v.view.setCompareMode(CompareMode::SideBySide);
  v.view.key(0x01000010);  // Home
  const RectUm extent = v.view.scene().extent();
  const double paneWidthUm = (v.view.camera().width / 2) * v.view.camera().umPerPixel;
  EXPECT_GE(paneWidthUm, extent.width() - 1e-6);
  EXPECT_GE(v.view.camera().height * v.view.camera().umPerPixel, extent.height() - 1e-6);
  EXPECT_LT(paneWidthUm, extent.width() * 1.5) << "fitted, not zoomed far out";
}

// Side by side each pane is drawn around the view's centre: the readout and the wheel go by
// the pane under the cursor, not by the whole view's camera.
TEST(SectionViewModel, SideBySideReadsOutAndZoomsInThePaneUnderTheCursor) {
  DemoView v;
  v.open();
  v.view.setCompareMode(CompareMode::SideBySide);
  const int half = v.view.camera().width / 2;
  const SectionReadout left = v.view.readout(37, 55);
  const SectionReadout right = v.view.readout(half + 37, 55);
  EXPECT_NEAR(right.xUm, left.xUm, 1e-6) << "the same point of the section in both panes";
  EXPECT_NEAR(right.yUm, left.yUm, 1e-6);
  // The left pane's centre is the view's centre.
  const SectionReadout centre = v.view.readout(half / 2.0, v.view.camera().height / 2.0);
  EXPECT_NEAR(centre.xUm, v.view.camera().centreXUm, 1e-6);
  EXPECT_NEAR(centre.yUm, v.view.camera().centreYUm, 1e-6);

  const double scale = v.view.camera().umPerPixel;
  v.view.wheel(half + 37, 55, 120);
  EXPECT_NEAR(v.view.camera().umPerPixel, scale / 1.25, 1e-9);
  const SectionReadout after = v.view.readout(half + 37, 55);
  EXPECT_NEAR(after.xUm, right.xUm, 1e-6) << "the point under the cursor stays put";
  EXPECT_NEAR(after.yUm, right.yUm, 1e-6);
  EXPECT_NEAR(v.view.readout(37, 55).xUm, after.xUm, 1e-6) << "and the panes stay linked";
}

TEST(SectionViewModel, ASwipeShowsRealLeftAndGeneratedRight) {
  const fs::path dir = scratch("swipe");
  DemoView v;
  v.open();
  const fs::path output = writeUniformOutput(dir / "out.zarr", v.view.scene().extent(), 200);
  v.view.showOutput(output, false);
  ASSERT_TRUE(v.runner.waitForIdle(60s));
  ASSERT_NE(layerNamed(v.view, "DAPI (generated)"), nullptr)
      << (v.view.lastMessage() ? v.view.lastMessage()->text : "");
  // Stains only, the atlas outline and molecules hidden.
  v.showOnly([](const SectionLayer& l) { return l.kind == SectionLayerKind::Image; });
  v.view.setCompareMode(CompareMode::Swipe);
  v.view.setSwipe(0.5);
  EXPECT_GE(v.count(SectionViewChange::Compare), 2);
  ASSERT_TRUE(v.drawn());
  const RgbaImage image = v.view.render();
  // The section covers the middle of the view; the right is the uniform generated stain.
  const RectUm inside = v.view.scene().extent();
  const auto a = v.view.camera().sectionToScreen(inside.x0, inside.y0);
  const auto b = v.view.camera().sectionToScreen(inside.x1, inside.y1);
  const int y0 = int(a[1]) + 4, y1 = int(b[1]) - 4, xl = int(a[0]) + 4, xr = int(b[0]) - 4;
  ASSERT_LT(y0, y1);
  std::set<std::array<int, 4>> right, left;
  for (int y = y0; y < y1; ++y) {
    for (int x = kWidth / 2 + 4; x < xr - 60; ++x) right.insert(pixel(image, x, y));
    for (int x = xl; x < kWidth / 2 - 4; ++x) left.insert(pixel(image, x, y));
  }
  EXPECT_LE(right.size(), 3u) << "the generated stain is uniform (the scale bar aside)";
  EXPECT_GT(left.size(), 20u) << "the real stain varies";
  EXPECT_NE(meanOf(image, xl, kWidth / 2 - 4, 1), meanOf(image, kWidth / 2 + 4, xr - 60, 1));

  // Side by side keeps one camera for both panes; overlay draws all.
  v.view.setCompareMode(CompareMode::SideBySide);
  EXPECT_EQ(v.view.compare().mode, CompareMode::SideBySide);
  v.view.setSwipe(7);
  EXPECT_EQ(v.view.compare().swipe, 1.0) << "clamped";
}

TEST(SectionViewModel, ReadsOutTheAtlasStructureAndCcfAtTheCentre) {
  DemoView v;
  v.open();
  ASSERT_TRUE(v.drawn());
  const SectionReadout r = v.view.readout(kWidth / 2.0, kHeight / 2.0);
  EXPECT_NEAR(r.xUm, v.view.camera().centreXUm, v.view.camera().umPerPixel);
  ASSERT_TRUE(r.ccfUm.has_value()) << "the demo is placed";
  EXPECT_NE(r.structure.find("SSp"), std::string::npos) << r.structure;
  EXPECT_NE(r.structure.find('('), std::string::npos) << "name (acronym): " << r.structure;
  const std::string text = r.text();
  EXPECT_NE(text.find("µm"), std::string::npos) << text;
  EXPECT_NE(text.find("CCF"), std::string::npos) << text;
  EXPECT_NE(text.find("DAPI (real)"), std::string::npos) << text;
}

TEST(SectionViewModel, TheCacheStaysUnderATinyCapWhilePanning) {
  SectionViewModel::Settings settings;
  settings.cacheBytes = std::size_t(1) << 20;
  DemoView v(settings);
  v.open();
  EXPECT_EQ(v.view.cacheCap(), settings.cacheBytes);
  // Close up, then across the section.
  v.view.zoomAt(0, kHeight / 2.0, 8);
  for (int step = 0; step < 24; ++step) {
    v.view.drag(-kWidth / 6.0, 0);
    v.view.waitUntilDrawn(&v.runner, 100ms);  // complete or not: the cap holds throughout
    ASSERT_LE(v.view.cacheBytes(), v.view.cacheCap());
  }
  EXPECT_LE(v.view.cachePeakBytes(), v.view.cacheCap());
  EXPECT_GT(v.view.tilesRequested(), 4u) << "tiles were read (and dropped) while panning";
}

TEST(SectionViewModel, OpensAnNgffImageAndATiffAlone) {
  const fs::path dir = scratch("alone");
  SectionViewModel::Settings settings;
  settings.pyramids.appCache = dir / "pyramids";
  {
    DemoView v(settings);
    const fs::path output = writeUniformOutput(dir / "image.zarr", RectUm{100, 200, 900, 700}, 90);
    v.open(output);
    const auto& layers = v.view.scene().layers();
    ASSERT_EQ(layers.size(), 2u) << (v.view.lastMessage() ? v.view.lastMessage()->text : "");
    EXPECT_EQ(layers[0].name.rfind("DAPI (", 0), 0u) << layers[0].name;
    EXPECT_EQ(layers[1].name.rfind("PolyT (", 0), 0u) << layers[1].name;
    EXPECT_NEAR(v.view.scene().extent().x0, 100, 1e-6);
    EXPECT_NEAR(v.view.scene().extent().x1, 900, 1e-6);
    EXPECT_EQ(v.view.scene().planes(), 2);
    ASSERT_TRUE(v.drawn());
    const SectionReadout r = v.view.readout(kWidth / 2.0, kHeight / 2.0);
    ASSERT_EQ(r.values.size(), 2u);
    EXPECT_EQ(r.values[0].second, 90.0) << "the stored value";
    EXPECT_FALSE(r.ccfUm.has_value()) << "an image alone is not placed";
  }
  {
    DemoView v(settings);
    const fs::path tiff = dir / "stain.tif";
    TiledTiffWriter writer(tiff, 600, 400, 256);
    for (std::int64_t r = 0; r < writer.tileRows(); ++r)
      for (std::int64_t c = 0; c < writer.tileCols(); ++c)
        writer.writeTile(r, c, std::vector<std::uint16_t>(256 * 256, std::uint16_t(1000 + c)));
    writer.commit();
    v.open(tiff);
    ASSERT_EQ(v.view.scene().layers().size(), 1u)
        << (v.view.lastMessage() ? v.view.lastMessage()->text : "");
    EXPECT_NEAR(v.view.scene().extent().width(), 600, 1e-6) << "1 µm pixels";
    EXPECT_NEAR(v.view.scene().extent().height(), 400, 1e-6);
    bool told = false;
    for (const auto& m : v.view.messages())
      told = told ||
             (m.kind == StudioMessage::Kind::Notice && m.text.find("1 µm") != std::string::npos);
    EXPECT_TRUE(told) << "the pixel size assumed is said";
    EXPECT_TRUE(fs::exists(dir / "pyramids")) << "the pyramid went to the cache asked for";
    ASSERT_TRUE(v.drawn());
  }
}

// A TIFF alone is placed at the pixel size it states: here 20,000 px per cm (0.5 µm), as a
// microscope's software writes it in the resolution tags.
TEST(SectionViewModel, ATiffAloneTakesThePixelSizeItStates) {
  const fs::path dir = scratch("alone_pixel_size");
  const fs::path tiff = dir / "stated.tif";
  {
    TIFF* out = TIFFOpen(tiff.c_str(), "w");
    ASSERT_NE(out, nullptr);
    TIFFSetField(out, TIFFTAG_IMAGEWIDTH, 600);
    TIFFSetField(out, TIFFTAG_IMAGELENGTH, 400);
    TIFFSetField(out, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(out, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(out, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(out, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(out, TIFFTAG_ROWSPERSTRIP, 400);
    TIFFSetField(out, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
    TIFFSetField(out, TIFFTAG_XRESOLUTION, 20000.0f);
    TIFFSetField(out, TIFFTAG_YRESOLUTION, 20000.0f);
    std::vector<std::uint8_t> pixels(600 * 400, 90);
    ASSERT_EQ(TIFFWriteEncodedStrip(out, 0, pixels.data(), tsize_t(pixels.size())),
              tsize_t(pixels.size()));
    TIFFClose(out);
  }
  SectionViewModel::Settings settings;
  settings.pyramids.appCache = dir / "pyramids";
  DemoView v(settings);
  v.open(tiff);
  ASSERT_EQ(v.view.scene().layers().size(), 1u)
      << (v.view.lastMessage() ? v.view.lastMessage()->text : "");
  EXPECT_NEAR(v.view.scene().extent().width(), 300, 1e-6) << "600 px of 0.5 µm";
  EXPECT_NEAR(v.view.scene().extent().height(), 200, 1e-6);
  bool told = false;
  for (const auto& m : v.view.messages())
    told = told || (m.kind == StudioMessage::Kind::Notice &&
                    m.text.find("pixels of 0.5 µm as the file states (ResolutionUnit cm") !=
                        std::string::npos);
  EXPECT_TRUE(told) << "where the pixel size came from is said";
  ASSERT_TRUE(v.drawn());
}

TEST(SectionViewModel, ABadPathIsAnErrorNamingIt) {
  DemoView v;
  const fs::path missing = scratch("bad") / "no_such_output.zarr";
  v.open(missing);
  ASSERT_NE(v.view.lastMessage(), nullptr);
  EXPECT_EQ(v.view.lastMessage()->kind, StudioMessage::Kind::Error);
  EXPECT_NE(v.view.lastMessage()->text.find(missing.string()), std::string::npos)
      << v.view.lastMessage()->text;
  EXPECT_TRUE(v.view.scene().layers().empty());
  EXPECT_GE(v.count(SectionViewChange::Message), 1);
  // A file that is none of the kinds the view opens.
  const fs::path text = scratch("bad") / "notes.txt";
  std::ofstream(text) << "not a section\n";
  v.open(text);
  EXPECT_EQ(v.view.lastMessage()->kind, StudioMessage::Kind::Error);
  EXPECT_NE(v.view.lastMessage()->text.find(text.string()), std::string::npos)
      << v.view.lastMessage()->text;
}

// A 16-bit TIFF of width x height px (a pyramid of 256 px tiles is built for it).
fs::path writeStainTiff(const fs::path& file, std::int64_t width, std::int64_t height) {
  TiledTiffWriter writer(file, width, height, 256);
  for (std::int64_t r = 0; r < writer.tileRows(); ++r)
    for (std::int64_t c = 0; c < writer.tileCols(); ++c)
      writer.writeTile(r, c, std::vector<std::uint16_t>(256 * 256, std::uint16_t(1000 + r + c)));
  writer.commit();
  return file;
}

// A pyramid build held at its first band until the test releases it (the settings' cancellation
// check, which the model asks before its own): whether the build then stops is the model's doing.
struct HeldBuild {
  std::mutex mutex;
  std::condition_variable changed;
  bool building = false, released = false;
  int asked = 0;

  std::function<bool()> check() {
    return [this] {
      std::unique_lock<std::mutex> lock(mutex);
      if (++asked < 2) return false;  // asked once before the build starts
      building = true;
      changed.notify_all();
      changed.wait_for(lock, 120s, [this] { return released; });
      return false;
    };
  }
  bool waitUntilBuilding() {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, 120s, [this] { return building; });
  }
  void release() {
    const std::lock_guard<std::mutex> lock(mutex);
    released = true;
    changed.notify_all();
  }
};

bool anyPyramidMetadata(const fs::path& cache) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(cache, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename() == "pyramid.json") return true;
  return false;
}

int errorsIn(const SectionViewModel& view) {
  const auto& messages = view.messages();
  return int(std::count_if(messages.begin(), messages.end(), [](const StudioMessage& m) {
    return m.kind == StudioMessage::Kind::Error;
  }));
}

// The window closing mid-build: the model's end cancels the build, so the runner joined after
// does not wait for it, and no pyramid is left in the cache.
TEST(SectionViewModel, ItsEndCancelsAPyramidBuild) {
  const fs::path dir = scratch("cancel_on_end");
  const fs::path tiff = writeStainTiff(dir / "stain.tif", 1200, 900);
  HeldBuild held;  // outlives the runner's threads
  SectionViewModel::Settings settings;
  settings.pyramids.appCache = dir / "pyramids";
  settings.pyramids.cancelled = held.check();
  ThreadTaskRunner runner;
  auto view = std::make_unique<SectionViewModel>(bundledAtlas(), runner, settings);
  view->openPath(tiff);
  ASSERT_TRUE(held.waitUntilBuilding()) << "the pyramid's build did not start";
  EXPECT_TRUE(view->canCancelBusy());
  view.reset();
  held.release();
  runner.joinAll();
  runner.deliver();  // the open's end finds the model gone
  EXPECT_FALSE(anyPyramidMetadata(dir / "pyramids")) << "the build ran to its end";
  for (const auto& entry : fs::recursive_directory_iterator(dir / "pyramids"))
    EXPECT_FALSE(entry.is_regular_file()) << "left behind: " << entry.path();
}

// cancelBusy() stops an open's pyramid build (a notice, no error, nothing shown or cached) and
// an export (nothing written).
TEST(SectionViewModel, CancelBusyStopsAnOpenAndAnExport) {
  const fs::path dir = scratch("cancel_busy");
  const fs::path tiff = writeStainTiff(dir / "stain.tif", 1200, 900);
  HeldBuild held;
  SectionViewModel::Settings settings;
  settings.pyramids.appCache = dir / "pyramids";
  settings.pyramids.cancelled = held.check();
  DemoView v(settings);
  EXPECT_FALSE(v.view.canCancelBusy());
  v.view.openPath(tiff);
  ASSERT_TRUE(held.waitUntilBuilding()) << "the pyramid's build did not start";
  ASSERT_TRUE(v.view.canCancelBusy());
  v.view.cancelBusy();
  EXPECT_EQ(v.view.busyText(), "Cancelling…");
  EXPECT_FALSE(v.view.canCancelBusy()) << "cancelled already";
  held.release();
  ASSERT_TRUE(v.runner.waitForIdle(120s));
  EXPECT_FALSE(v.view.busy());
  ASSERT_NE(v.view.lastMessage(), nullptr);
  EXPECT_EQ(v.view.lastMessage()->kind, StudioMessage::Kind::Notice);
  EXPECT_NE(v.view.lastMessage()->text.find("cancelled"), std::string::npos)
      << v.view.lastMessage()->text;
  EXPECT_EQ(errorsIn(v.view), 0) << "a cancelled open is no error";
  EXPECT_TRUE(v.view.scene().layers().empty());
  EXPECT_FALSE(anyPyramidMetadata(dir / "pyramids"));

  // An export of many strips, cancelled as it starts: no file.
  v.open(writeUniformOutput(dir / "image.zarr", RectUm{0, 0, 2000, 2000}, 90));
  ASSERT_FALSE(v.view.scene().layers().empty());
  v.view.exportView(dir / "cancelled.png", 0.5, RectUm{0, 0, 2000, 2000});
  ASSERT_TRUE(v.view.canCancelBusy());
  v.view.cancelBusy();
  ASSERT_TRUE(v.runner.waitForIdle(120s));
  EXPECT_FALSE(v.view.busy());
  EXPECT_EQ(v.view.lastMessage()->title, "Export cancelled") << v.view.lastMessage()->text;
  EXPECT_EQ(errorsIn(v.view), 0);
  EXPECT_FALSE(fs::exists(dir / "cancelled.png"));
}

// Opening another path while a pyramid is built for the last: that build stops, the new one is
// shown, and neither is an error.
TEST(SectionViewModel, ANewOpenCancelsThePyramidBuildUnderWay) {
  const fs::path dir = scratch("cancel_on_open");
  const fs::path tiff = writeStainTiff(dir / "stain.tif", 1200, 900);
  const fs::path image = writeUniformOutput(dir / "image.zarr", RectUm{0, 0, 600, 400}, 90);
  HeldBuild held;
  SectionViewModel::Settings settings;
  settings.pyramids.appCache = dir / "pyramids";
  settings.pyramids.cancelled = held.check();
  DemoView v(settings);
  v.view.openPath(tiff);
  ASSERT_TRUE(held.waitUntilBuilding()) << "the pyramid's build did not start";
  v.view.openPath(image);
  held.release();
  ASSERT_TRUE(v.runner.waitForIdle(120s));
  EXPECT_FALSE(v.view.busy());
  EXPECT_EQ(errorsIn(v.view), 0);
  ASSERT_EQ(v.view.scene().layers().size(), 2u);
  EXPECT_NEAR(v.view.scene().extent().x1, 600, 1e-6);
  EXPECT_FALSE(anyPyramidMetadata(dir / "pyramids")) << "the first open's build ran to its end";
}

// The molecules read after the stains ask no cancellation check, so no Cancel is offered while
// they are read (one would say "Cancelling…" and stop nothing).
TEST(SectionViewModel, ReadingTheMoleculesOffersNoCancel) {
  DemoView v;
  int moleculeLines = 0, cancelOffered = 0;
  v.view.subscribe([&](SectionViewChange change) {
    if (change != SectionViewChange::Busy ||
        v.view.busyText().find("Reading the molecules") == std::string::npos)
      return;
    ++moleculeLines;
    if (v.view.canCancelBusy()) ++cancelOffered;
  });
  v.open();
  EXPECT_EQ(layersOfKind(v.view, SectionLayerKind::Points), 1) << "the molecules";
  EXPECT_GE(moleculeLines, 1) << "the molecules' progress line was never shown";
  EXPECT_EQ(cancelOffered, 0);
}

// A store whose chunks are damaged: said once, naming the file, and its tiles are not counted
// as loading forever.
TEST(SectionViewModel, DamagedTilesAreToldOnceAndNotCountedAsLoading) {
  const fs::path dir = scratch("damaged");
  const fs::path output = writeUniformOutput(dir / "out.zarr", RectUm{0, 0, 600, 400}, 100);
  for (const auto& entry : fs::recursive_directory_iterator(output)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.front() == '.' || name == "zarr.json") continue;
    std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << "not a chunk";
  }
  DemoView v;
  v.open(output);
  ASSERT_FALSE(v.view.scene().layers().empty())
      << (v.view.lastMessage() ? v.view.lastMessage()->text : "");
  EXPECT_FALSE(v.drawn(60s)) << "tiles that cannot be read are never drawn";
  v.runner.deliver();
  int told = 0;
  std::string text;
  for (const StudioMessage& message : v.view.messages())
    if (message.title == "Tiles not read") {
      ++told;
      text = message.text;
    }
  EXPECT_GE(told, 1);
  EXPECT_LE(told, 2) << "once per source (the image's one source), not once per tile";
  EXPECT_NE(text.find("out.zarr"), std::string::npos) << text;
  v.view.render();
  EXPECT_GT(v.view.tilesFailedInView(), 0u);
  EXPECT_EQ(v.view.tilesLoading(), 0u);
  EXPECT_FALSE(v.view.lastStats().complete()) << "a frame with holes is not complete";
}

TEST(SectionViewModel, ExportsARegionAtAPixelSize) {
  const fs::path dir = scratch("export");
  DemoView v;
  v.open();
  const RectUm extent = v.view.scene().extent();
  const RectUm region{extent.x0, extent.y0, extent.x0 + 400, extent.y0 + 300};
  const auto result = v.view.exportViewNow(dir / "now.png", 2.0, region);
  EXPECT_EQ(result.width, 200);
  EXPECT_EQ(result.height, 150);
  EXPECT_EQ(pngSize(dir / "now.png"), std::make_pair(200, 150));
  // On the runner, with a message saying what was written.
  v.view.exportView(dir / "later.png", 2.0, region);
  EXPECT_TRUE(v.view.busy());
  ASSERT_TRUE(v.runner.waitForIdle(120s));
  EXPECT_FALSE(v.view.busy());
  ASSERT_NE(v.view.lastMessage(), nullptr);
  EXPECT_EQ(v.view.lastMessage()->kind, StudioMessage::Kind::Notice) << v.view.lastMessage()->text;
  EXPECT_NE(v.view.lastMessage()->text.find("exported 200 x 150 px at 2 µm/px to"),
            std::string::npos)
      << v.view.lastMessage()->text;
  EXPECT_EQ(pngSize(dir / "later.png"), std::make_pair(200, 150));
  // A pixel size giving no pixels is refused with a message, nothing written.
  v.view.exportView(dir / "none.png", 0, region);
  ASSERT_TRUE(v.runner.waitForIdle(60s));
  EXPECT_EQ(v.view.lastMessage()->kind, StudioMessage::Kind::Error);
  EXPECT_FALSE(fs::exists(dir / "none.png"));
}

TEST(SectionViewModel, TheOverviewIsEmptyUntilWholeThenTheRealStains) {
  DemoView v;
  v.open();
  RectUm extent;
  RgbaImage overview;
  for (int i = 0; i < 2000 && overview.width == 0; ++i) {
    overview = v.view.sectionOverview(128, &extent);
    if (overview.width == 0) {
      v.runner.deliver();
      std::this_thread::sleep_for(5ms);
    }
  }
  ASSERT_GT(overview.width, 0) << "its tiles were never read";
  EXPECT_LE(std::max(overview.width, overview.height), 128);
  EXPECT_FALSE(extent.empty());
  EXPECT_NEAR(double(overview.width) / overview.height, extent.width() / extent.height(), 0.05);
  EXPECT_GT(meanOf(overview, 0, overview.width, 2), 1) << "DAPI shows blue";
}

// The job's finished tiles laid over a store that does not hold them yet.
TEST(SectionViewModel, GeneratedTilesShowBeforeTheJobWritesThem) {
  const fs::path dir = scratch("live_tiles");
  OmeZarrLayout layout;
  layout.channels = {"DAPI", "PolyT"};
  layout.planes = 2;
  layout.width = layout.height = 512;
  layout.chunk = 256;
  layout.format = OmeZarrFormat::V2;
  layout.levels = 2;
  layout.shard = 512;
  layout.pixelUm = 1;
  layout.originXUm = 100;
  layout.originYUm = 200;
  OmeZarrStore::create(dir / "out.zarr", layout, "{}");
  auto source = std::make_shared<GeneratedTileSource>(NgffPyramidSource::open(dir / "out.zarr"));
  const TilePixels empty = source->readTile(0, 1, 1, 0, 1);
  ASSERT_EQ(empty.size(), 256u * 256u);

  GeneratedTiles tiles;
  tiles.tilePixels = 128;
  tiles.stains = 2;
  tiles.sections = 2;
  tiles.pixelUm = 1;
  tiles.grid.originXUm = 100;
  tiles.grid.originYUm = 200;
  std::vector<float> core(2 * 2 * 128 * 128, -1.0f);
  // Stain 1 (PolyT), section 1: +1 (255).
  std::fill(core.begin() + 3 * 128 * 128, core.end(), 1.0f);
  tiles.cores[{0, 0, 2}] = core;  // tile row 0, column 2: x 356..484 µm, store pixels 256..383
  const RectUm rect = source->add(tiles, {0, 0, 2});
  EXPECT_EQ(rect.x0, 356);
  EXPECT_EQ(rect.x1, 484);
  EXPECT_EQ(rect.y0, 200);
  const TilePixels shown = source->readTile(0, 1, 1, 0, 1);
  EXPECT_EQ(shown[0], 255.0f) << "store pixel (256, 0)";
  EXPECT_EQ(shown[127], 255.0f);
  EXPECT_TRUE(std::isnan(shown[128]) || shown[128] == empty[128]) << "past the tile: the store";
  EXPECT_TRUE(std::isnan(shown[128 * 256]) || shown[128 * 256] == empty[128 * 256]);
  EXPECT_EQ(source->readTile(0, 0, 1, 0, 1)[0], 0.0f) << "stain 0 is −1: 0";
  EXPECT_EQ(source->readTile(0, 1, 0, 0, 1)[0], 0.0f) << "stain 1, section 0 is −1: 0";
  EXPECT_EQ(source->readTile(0, 1, 1, 0, 1)[127 * 256 + 127], 255.0f) << "the tile's last pixel";
  // Level 1 (2 µm pixels, one 256 px tile): the finished tile is pixels 128..191 × 0..63.
  const TilePixels coarse = source->readTile(1, 1, 1, 0, 0);
  ASSERT_EQ(coarse.size(), 256u * 256u);
  EXPECT_EQ(coarse[128], 255.0f);
  EXPECT_EQ(coarse[63 * 256 + 191], 255.0f);
  EXPECT_TRUE(std::isnan(coarse[127]) || coarse[127] != 255.0f);
  EXPECT_TRUE(std::isnan(coarse[64 * 256 + 128]) || coarse[64 * 256 + 128] != 255.0f);
  EXPECT_GT(source->bytes(), 0u);
  source->clear();
  EXPECT_EQ(source->bytes(), 0u);
  const TilePixels cleared = source->readTile(0, 1, 1, 0, 1);
  EXPECT_TRUE(std::isnan(cleared[0]) || cleared[0] == empty[0]);
}

// A job's tiles as the studio passes them on: shown over the live output at once, the view
// centred on the newest, zoomed to level 0 when it was out of view.
TEST(SectionViewModel, TheViewFollowsTheJobsNewestTile) {
  const fs::path dir = scratch("follow");
  DemoView v;
  const RectUm extent{1000, 2000, 3000, 3500};
  v.view.showOutput(writeUniformOutput(dir / "out.zarr", extent, 90), true);
  ASSERT_TRUE(v.runner.waitForIdle(60s));
  const SectionLayer* generated = layerNamed(v.view, "DAPI (generated)");
  ASSERT_NE(generated, nullptr) << (v.view.lastMessage() ? v.view.lastMessage()->text : "");
  EXPECT_TRUE(generated->live);
  ASSERT_TRUE(v.drawn());
  const SectionCamera fitted = v.view.camera();

  GeneratedTiles tiles;
  tiles.tilePixels = 64;
  tiles.stains = 2;
  tiles.sections = 2;
  tiles.pixelUm = 2;  // the output's pixels
  tiles.grid.originXUm = extent.x0;
  tiles.grid.originYUm = extent.y0;
  tiles.cores[{0, 3, 5}] = std::vector<float>(2 * 2 * 64 * 64, 1.0f);
  v.view.showGeneratedTiles(tiles);
  // In view: centred on it (x 1640..1768, y 2384..2512), the scale kept.
  EXPECT_NEAR(v.view.camera().centreXUm, 1704, 1e-6);
  EXPECT_NEAR(v.view.camera().centreYUm, 2448, 1e-6);
  EXPECT_EQ(v.view.camera().umPerPixel, fitted.umPerPixel);
  ASSERT_TRUE(v.drawn());
  SectionReadout r = v.view.readout(kWidth / 2.0, kHeight / 2.0);
  ASSERT_FALSE(r.values.empty());
  EXPECT_EQ(r.values[0].first, "DAPI (generated)");
  EXPECT_EQ(r.values[0].second, 255.0) << "the finished tile, not the store's 90";

  // Out of view: centred and zoomed so that it is a third of the view, at level 0.
  v.view.showRegion(2600, 3200, 100);
  tiles.cores[{0, 0, 0}] = std::vector<float>(2 * 2 * 64 * 64, 1.0f);
  v.view.showGeneratedTiles(tiles);
  EXPECT_NEAR(v.view.camera().centreXUm, 1064, 1e-6);
  EXPECT_NEAR(v.view.camera().centreYUm, 2064, 1e-6);
  EXPECT_NEAR(v.view.camera().umPerPixel, 128.0 * 3 / kHeight, 1e-9);
  const auto source = v.view.scene().source(generated->source);
  EXPECT_EQ(levelForScale(source->info(), v.view.camera().umPerPixel), 0);
  ASSERT_TRUE(v.drawn());
  r = v.view.readout(kWidth / 2.0, kHeight / 2.0);
  EXPECT_EQ(r.values[0].second, 255.0);
  r = v.view.readout(kWidth - 2, kHeight / 2.0);  // right of the tile: the store
  EXPECT_EQ(r.values[0].second, 90.0);

  // Not following: the camera stays.
  v.view.setFollowJob(false);
  const SectionCamera before = v.view.camera();
  tiles.cores[{0, 10, 10}] = std::vector<float>(2 * 2 * 64 * 64, 1.0f);
  v.view.showGeneratedTiles(tiles);
  EXPECT_EQ(v.view.camera().centreXUm, before.centreXUm);
  EXPECT_EQ(v.view.camera().umPerPixel, before.umPerPixel);
}

// The overview texture, once its tiles are read (empty while they come, or when there is none).
RgbaImage overviewOf(SectionViewModel& view, ThreadTaskRunner& runner, RectUm* extent) {
  for (int round = 0; round < 3000; ++round) {
    runner.deliver();
    const RgbaImage image = view.sectionOverview(256, extent);
    if (image.width > 0 || extent->empty()) return image;
    view.render();
    std::this_thread::sleep_for(10ms);
  }
  return {};
}

// A job's output opened by hand beside a studio lies over the studio's stains, to compare
// them, and stays while the studio has no output of its own; the 3D view's overview is the
// studio's stains only, none while another dataset is shown.
TEST(SectionViewModel, AnOutputOpenedBesideAStudioKeepsTheStudiosStains) {
  const fs::path dir = scratch("output_by_hand");
  ThreadTaskRunner runner;
  StudioModel studio(bundledAtlas(), runner, dir / "jobs");
  studio.setDataset(demoDataset(), bundledDemoDataset());
  ASSERT_TRUE(runner.waitForIdle(120s));
  SectionViewModel view(bundledAtlas(), runner);
  view.resize(kWidth, kHeight);
  view.bindStudio(&studio);
  ASSERT_TRUE(view.waitUntilDrawn(&runner, 120s));
  ASSERT_NE(view.scene().layerNamed("DAPI (real)"), nullptr);
  const RectUm stains = view.scene().extent();

  const fs::path output = writeUniformOutput(dir / "out.zarr", stains, 200);
  view.openPath(output);
  ASSERT_TRUE(view.waitUntilDrawn(&runner, 120s));
  EXPECT_NE(view.scene().layerNamed("DAPI (real)"), nullptr) << "the studio's stains stay";
  const SectionLayer* generated = view.scene().layerNamed("DAPI (generated)");
  ASSERT_NE(generated, nullptr) << (view.lastMessage() ? view.lastMessage()->text : "");
  EXPECT_FALSE(generated->live);

  // The studio's job changes (no job: no output of its own): the output stays.
  studio.pauseJob();
  ASSERT_TRUE(view.waitUntilDrawn(&runner, 120s));
  EXPECT_NE(view.scene().layerNamed("DAPI (generated)"), nullptr);
  EXPECT_NE(view.scene().layerNamed("DAPI (real)"), nullptr);

  RectUm extent;
  const RgbaImage overview = overviewOf(view, runner, &extent);
  EXPECT_GT(overview.width, 0) << "the studio's stains";
  EXPECT_FALSE(extent.empty());

  // Another dataset opened in the view: its stains are not put on the studio's section.
  view.openPath(bundledDemoDataset());
  ASSERT_TRUE(runner.waitForIdle(300s));
  ASSERT_TRUE(view.waitUntilDrawn(&runner, 120s));
  ASSERT_NE(view.scene().layerNamed("DAPI (real)"), nullptr);
  EXPECT_EQ(overviewOf(view, runner, &extent).width, 0);
  EXPECT_TRUE(extent.empty());
  view.bindStudio(nullptr);
}

// The studio's demo job bound to a section view: a live generated layer appears, its tiles
// drawn at level 0; the attention's pathway map becomes a layer.
TEST(SectionViewModel, FollowsAStudiosDatasetJobAndAttention) {
  const fs::path dir = scratch("studio");
  ThreadTaskRunner runner;
  StudioModel studio(bundledAtlas(), runner, dir / "jobs");
  auto genes = mostExpressedGenes(*demoDataset(), 8, {"Slc17a7"});
  studio.setDataset(demoDataset(), bundledDemoDataset());
  studio.setModel(std::make_shared<const MorphologyModel>(namedModelConfig("tiny"), genes, 3), {});
  ASSERT_TRUE(runner.waitForIdle(120s));
  ASSERT_TRUE(studio.state().ready()) << studio.lastError();

  SectionViewModel view(bundledAtlas(), runner);
  view.resize(kWidth, kHeight);
  view.bindStudio(&studio);
  ASSERT_TRUE(view.waitUntilDrawn(&runner, 120s));
  EXPECT_NE(view.scene().layerNamed("DAPI (real)"), nullptr) << "the studio's dataset";
  studio.setPlane(1);
  EXPECT_EQ(view.plane(), 1) << "the studio's plane";
  view.key(',');
  EXPECT_EQ(view.plane(), 0);
  EXPECT_EQ(studio.state().plane, 1) << "the view's keys are its own";
  studio.setPlane(0);

  JobSettings job;
  job.region = RegionKind::DemoBlock;
  job.steps = 2;
  job.output = dir / "job.zarr";
  ASSERT_TRUE(studio.setJobSettings(job));
  ASSERT_TRUE(studio.startJob()) << studio.lastError();
  bool liveSeen = false;
  const auto end = std::chrono::steady_clock::now() + 300s;
  while (studio.jobActive() && std::chrono::steady_clock::now() < end) {
    runner.deliver();
    view.render();
    for (const SectionLayer& layer : view.scene().layers())
      liveSeen = liveSeen || (layer.live && layer.name.find("generated") != std::string::npos);
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(runner.waitForIdle(120s));
  ASSERT_EQ(studio.state().jobStatus.state, JobState::Finished) << studio.lastError();
  EXPECT_TRUE(liveSeen) << "the output was shown, live, while the job ran";
  const SectionLayer* generated = view.scene().layerNamed("DAPI (generated)");
  ASSERT_NE(generated, nullptr);
  EXPECT_FALSE(generated->live) << "the job has ended";

  // A generated tile close up at level 0, alone.
  const GeneratedTiles& tiles = studio.state().tiles;
  ASSERT_FALSE(tiles.cores.empty());
  const RectUm tile = GeneratedTileSource::tileRect(tiles, tiles.cores.begin()->first);
  view.showRegion(tile.x0, tile.y0, tile.width());
  const int generatedId = generated->id;
  for (const SectionLayer& layer : view.scene().layers())
    view.setVisible(layer.id, layer.id == generatedId);
  ASSERT_TRUE(view.waitUntilDrawn(&runner, 120s));
  const auto source = view.scene().source(generated->source);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(levelForScale(source->info(), view.camera().umPerPixel), 0);
  const RgbaImage image = view.render();
  int lit = 0;
  for (int y = kHeight / 2 - 10; y < kHeight / 2 + 10; ++y)
    for (int x = kWidth / 2 - 10; x < kWidth / 2 + 10; ++x) {
      const auto p = pixel(image, x, y);
      if (p[0] + p[1] + p[2] > 0) ++lit;
    }
  EXPECT_GT(lit, 300) << "the tile's centre is drawn, not black";

  // The attention of two panel genes: its map as a layer.
  studio.setPanel({genes[0], genes[1]});
  ASSERT_TRUE(studio.computeAttention()) << studio.lastError();
  ASSERT_TRUE(runner.waitForIdle(300s));
  ASSERT_TRUE(view.waitUntilDrawn(&runner, 120s));
  const SectionLayer* attention = view.scene().layerNamed("attention " + genes[0] + "→" + genes[1]);
  ASSERT_NE(attention, nullptr) << (view.lastMessage() ? view.lastMessage()->text : "");
  EXPECT_EQ(attention->style.colormap, LayerColormap::Viridis);
  EXPECT_TRUE(attention->style.colourBar);
  EXPECT_EQ(view.scene().layers().back().id, attention->id) << "on top";

  // Other data opened in the studio: the last job's output (which the studio keeps) and the
  // attention are not shown over it.
  studio.setDataset(
      std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset())),
      bundledDemoDataset(), true);
  ASSERT_TRUE(runner.waitForIdle(120s));
  ASSERT_TRUE(view.waitUntilDrawn(&runner, 120s));
  EXPECT_NE(view.scene().layerNamed("DAPI (real)"), nullptr);
  EXPECT_EQ(view.scene().layerNamed("DAPI (generated)"), nullptr) << "the earlier data's output";
  EXPECT_EQ(view.scene().layerNamed("attention " + genes[0] + "→" + genes[1]), nullptr);
  view.bindStudio(nullptr);
}

}  // namespace
}  // namespace teramind
