#include "sectionview/SectionScene.h"

#include <gtest/gtest.h>

#include "sectionview/CellOutlineIndex.h"
#include "sectionview/TranscriptIndex.h"
#include "transcriptomics/SpatialTranscriptome.h"
#include "transcriptomics/TextFormatReaders.h"

using namespace teramind;

namespace {

// An image of width × height px of 2 µm at (originX, originY) with `planes` planes; read by
// nothing here.
class BlankSource : public PyramidSource {
 public:
  BlankSource(double originX, double originY, std::int64_t width, std::int64_t height,
              int planes = 1) {
    info_.channels = {"DAPI"};
    info_.levels = {{width, height, 2.0}};
    info_.originXUm = originX;
    info_.originYUm = originY;
    info_.planes = planes;
  }
  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int, int, int, std::int64_t, std::int64_t) const override { return {}; }

 private:
  PyramidInfo info_;
};

SectionLayer imageLayer(const std::string& name, int source) {
  SectionLayer layer;
  layer.name = name;
  layer.source = source;
  return layer;
}

std::vector<std::string> namesOf(const SectionScene& scene) {
  std::vector<std::string> names;
  for (const auto& layer : scene.layers()) names.push_back(layer.name);
  return names;
}

}  // namespace

TEST(SectionScene, LayersKeepTheirIdsWhileMovedAndRemoved) {
  SectionScene scene;
  const int stain = scene.addSource(std::make_shared<BlankSource>(0, 0, 100, 100));
  const int generated = scene.addSource(std::make_shared<BlankSource>(0, 0, 100, 100));
  EXPECT_NE(stain, generated);
  EXPECT_EQ(scene.addSource(nullptr), -1);
  EXPECT_EQ(scene.sources().size(), 2u);

  const int dapi = scene.addLayer(imageLayer("DAPI", stain));
  const int polyT = scene.addLayer(imageLayer("PolyT", stain));
  const int fake = scene.addLayer(imageLayer("generated", generated));
  EXPECT_EQ(namesOf(scene), (std::vector<std::string>{"DAPI", "PolyT", "generated"}));
  EXPECT_EQ(scene.layer(polyT)->name, "PolyT");
  EXPECT_EQ(scene.layerNamed("generated")->id, fake);
  EXPECT_EQ(scene.layerNamed("nothing"), nullptr);
  EXPECT_EQ(scene.layer(999), nullptr);

  scene.moveLayer(fake, 0);
  EXPECT_EQ(namesOf(scene), (std::vector<std::string>{"generated", "DAPI", "PolyT"}));
  scene.moveLayer(fake, 99);  // clamped: on top
  EXPECT_EQ(namesOf(scene), (std::vector<std::string>{"DAPI", "PolyT", "generated"}));
  scene.moveLayer(dapi, -3);
  EXPECT_EQ(namesOf(scene), (std::vector<std::string>{"DAPI", "PolyT", "generated"}));
  scene.layer(dapi)->style.opacity = 0.5;
  EXPECT_EQ(scene.layerNamed("DAPI")->style.opacity, 0.5);

  scene.removeLayer(polyT);
  EXPECT_EQ(namesOf(scene), (std::vector<std::string>{"DAPI", "generated"}));
  scene.removeSource(stain);  // and the layers drawing from it
  EXPECT_EQ(namesOf(scene), (std::vector<std::string>{"generated"}));
  EXPECT_EQ(scene.source(stain), nullptr);
  EXPECT_NE(scene.source(generated), nullptr);
  // Ids are not reused.
  EXPECT_GT(scene.addLayer(imageLayer("again", generated)), fake);
  scene.clear();
  EXPECT_TRUE(scene.layers().empty());
  EXPECT_TRUE(scene.sources().empty());
}

// The atlas outline's coarse label image does not widen the extent the view fits.
TEST(SectionScene, TheAtlasOutlineDoesNotWidenTheExtent) {
  SectionScene scene;
  SectionLayer stain;
  stain.source = scene.addSource(std::make_shared<BlankSource>(10, 20, 100, 50, 1));
  scene.addLayer(stain);
  SectionLayer outline;
  outline.kind = SectionLayerKind::AtlasOutline;
  outline.source = scene.addSource(std::make_shared<BlankSource>(0, 0, 300, 300, 1));
  scene.addLayer(outline);
  const RectUm extent = scene.extent();
  EXPECT_DOUBLE_EQ(extent.x0, 10);
  EXPECT_DOUBLE_EQ(extent.x1, 210);
  EXPECT_DOUBLE_EQ(extent.y0, 20);
  EXPECT_DOUBLE_EQ(extent.y1, 120);
}

TEST(SectionScene, ExtentAndPlanesCoverSourcesPointsAndShapes) {
  SectionScene scene;
  EXPECT_TRUE(scene.extent().empty());
  EXPECT_EQ(scene.planes(), 1);

  scene.addSource(std::make_shared<BlankSource>(10, 20, 100, 50, 3));  // [10, 210) × [20, 120)
  RectUm extent = scene.extent();
  EXPECT_DOUBLE_EQ(extent.x0, 10);
  EXPECT_DOUBLE_EQ(extent.x1, 210);
  EXPECT_DOUBLE_EQ(extent.y1, 120);
  EXPECT_EQ(scene.planes(), 3);

  TranscriptTable table;
  const auto gene = table.genes.add("Slc17a7");
  table.push(-50, 30, 0, gene);
  table.push(100, 400, 6, gene);
  SectionLayer points;
  points.name = "transcripts";
  points.kind = SectionLayerKind::Points;
  points.transcripts = std::make_shared<TranscriptIndex>(table);
  scene.addLayer(points);
  extent = scene.extent();
  EXPECT_LE(extent.x0, -50);
  EXPECT_GE(extent.y1, 400);
  EXPECT_DOUBLE_EQ(extent.y0, 20);
  EXPECT_EQ(scene.planes(), 7);

  SectionLayer shapes;
  shapes.name = "cells";
  shapes.kind = SectionLayerKind::Shapes;
  shapes.outlines = std::make_shared<CellOutlineIndex>(
      std::vector<CellPolygon>{{"c1", {{500, -10}, {520, -10}, {520, 5}}}});
  scene.addLayer(shapes);
  extent = scene.extent();
  EXPECT_DOUBLE_EQ(extent.x1, 520);
  EXPECT_DOUBLE_EQ(extent.y0, -10);
  EXPECT_LE(extent.x0, -50);
}
