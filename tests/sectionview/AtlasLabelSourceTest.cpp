#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/SpatialDataset.h"
#include "sectionview/AtlasLabelSource.h"
#include "sectionview/CellOutlineIndex.h"
#include "sectionview/RasterSource.h"
#include "sectionview/SectionContents.h"
#include "sectionview/TranscriptIndex.h"
#include "support/TestData.h"

namespace teramind {
namespace {

std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

// The centre (CCF µm) of a voxel labelled CA1, the hippocampus's field the section goes through.
Vec3 ca1Point(const Atlas& atlas, StructureId& ca1) {
  ca1 = atlas.ontology().byAcronym("CA1").id;
  const auto& a = atlas.annotation();
  const auto& d = a.dims();
  for (std::int64_t k = 0; k < d[2]; ++k)
    for (std::int64_t j = 0; j < d[1]; ++j)
      for (std::int64_t i = 0; i < d[0]; ++i)
        if (a(i, j, k) == ca1) return a.frame().indexToPhysical({double(i), double(j), double(k)});
  ADD_FAILURE() << "no CA1 voxel in the bundled atlas";
  return {0, 0, 0};
}

// A coronal placement as the demo's: section x → left-right, y → dorsal-ventral, planes
// posterior; the section point (3000, 3000) lands on `target`.
SectionPlacement placementThrough(const Vec3& target) {
  Mat3 linear{};
  linear[0] = {0, 0, 1};
  linear[1] = {0, 1, 0};
  linear[2] = {1, 0, 0};
  SectionPlacement placement;
  placement.sectionToAtlas =
      AffineTransform(linear, {target[0], target[1] - 3000, target[2] - 3000});
  placement.placed = true;
  placement.planeSpacingUm = 1.5;
  return placement;
}

TEST(AtlasLabelSource, EachPixelHoldsTheStructureAtItsCentresAtlasPoint) {
  const auto atlas = bundledAtlas();
  StructureId ca1 = 0;
  const Vec3 target = ca1Point(*atlas, ca1);
  const auto placement = placementThrough(target);
  // 6 mm square, pixel centres on whole multiples of 100 µm (the atlas's resolution): the
  // pixel (30, 30) is centred on the section point (3000, 3000).
  const RectUm extent{-50, -50, 5950, 5950};
  const AtlasLabelSource source(atlas, placement, extent, 2, 16);
  const auto& info = source.info();
  ASSERT_EQ(atlas->resolutionUm(), 100);
  EXPECT_EQ(info.levels[0].pixelUm, 100);
  EXPECT_EQ(info.levels[0].width, 60);
  ASSERT_EQ(info.levels.size(), 3u);  // 60, 30, 15 px
  EXPECT_EQ(info.planes, 2);
  EXPECT_EQ(info.planeUm, 1.5);

  const auto ca1Tile = source.readTile(0, 0, 0, 1, 1);  // pixels 16..31
  EXPECT_EQ(source.structureOf(ca1Tile[std::size_t(14 * 16 + 14)]), ca1);

  int inside = 0, outside = 0;
  for (int level = 0; level < 2; ++level) {
    const auto& l = info.levels[std::size_t(level)];
    for (int plane = 0; plane < 2; ++plane)
      for (std::int64_t row = 0; row * 16 < l.height; ++row)
        for (std::int64_t col = 0; col * 16 < l.width; ++col) {
          const auto tile = source.readTile(level, 0, plane, row, col);
          for (std::int64_t y = 0; y < 16; ++y)
            for (std::int64_t x = 0; x < 16; ++x) {
              const float label = tile[std::size_t(y * 16 + x)];
              const auto px = col * 16 + x, py = row * 16 + y;
              if (px >= l.width || py >= l.height) {
                EXPECT_TRUE(std::isnan(label));
                continue;
              }
              // Nearest, at every level: the structure at the pixel's own centre.
              const Vec3 section{-50 + (double(px) + 0.5) * l.pixelUm,
                                 -50 + (double(py) + 0.5) * l.pixelUm, plane * 1.5};
              const Structure* s = atlas->structureAt(placement.sectionToAtlas.apply(section));
              if (!s) {
                EXPECT_TRUE(std::isnan(label)) << px << "," << py;
                ++outside;
              } else {
                EXPECT_EQ(source.structureOf(label), s->id) << px << "," << py;
                EXPECT_EQ(label, std::round(label));
                ++inside;
              }
            }
        }
  }
  EXPECT_GT(inside, 100);
  EXPECT_GT(outside, 100);  // the section reaches above the brain
  EXPECT_EQ(source.structureOf(std::nanf("")), 0u);
  EXPECT_EQ(source.structureOf(-3), 0u);
  EXPECT_EQ(source.structureOf(1e9f), 0u);
}

// --- what a dataset brings to the section view ---

TEST(SectionContents, TheDemoBringsItsStainsMoleculesOutlinesAndAtlasOutline) {
  const auto demo = bundledDemoDataset();
  if (!std::filesystem::exists(demo)) GTEST_SKIP() << "the bundled demo is absent: " << demo;
  const auto dataset = loadSpatialDataset(demo);
  SectionScene scene;
  std::vector<std::string> said;
  const auto notes = addDatasetLayers(scene, dataset, bundledAtlas(), {},
                                      [&](const std::string& line) { said.push_back(line); });
  EXPECT_FALSE(said.empty());

  const auto* dapi = scene.layerNamed("DAPI (real)");
  const auto* polyT = scene.layerNamed("PolyT (real)");
  ASSERT_TRUE(dapi && polyT);
  EXPECT_EQ(dapi->kind, SectionLayerKind::Image);
  EXPECT_EQ(dapi->style.colormap, LayerColormap::Blue);
  EXPECT_EQ(polyT->style.colormap, LayerColormap::Green);
  EXPECT_EQ(dapi->style.side, CompareSide::Left);
  EXPECT_EQ(dapi->style.blending, LayerBlending::Additive);
  const auto stain = scene.source(dapi->source);
  ASSERT_TRUE(stain);
  EXPECT_EQ(stain->info().planes, 2);
  EXPECT_EQ(stain->info().valueMax, 255);
  // The stain holds the image's values where it lies.
  const auto tile = stain->readTile(int(stain->info().levels.size()) - 1, 0, 0, 0, 0);
  EXPECT_TRUE(std::any_of(tile.begin(), tile.end(), [](float v) { return v > 0; }));

  const auto* molecules = scene.layerNamed("molecules");
  ASSERT_TRUE(molecules);
  EXPECT_EQ(molecules->kind, SectionLayerKind::Points);
  ASSERT_TRUE(molecules->transcripts);
  EXPECT_EQ(molecules->transcripts->size(), dataset.transcripts()->size());
  EXPECT_EQ(molecules->style.colormap, LayerColormap::Fire);
  EXPECT_FALSE(molecules->style.visible) << "over the demo's stains the molecules start hidden";
  ASSERT_TRUE(scene.source(molecules->source));
  EXPECT_EQ(scene.source(molecules->source)->info().channels[0], "molecules");

  const auto* outlines = scene.layerNamed("cell outlines");
  ASSERT_TRUE(outlines);
  EXPECT_EQ(outlines->kind, SectionLayerKind::Shapes);
  ASSERT_TRUE(outlines->outlines);
  EXPECT_GT(outlines->outlines->size(), 10u);
  EXPECT_EQ(outlines->style.colormap, LayerColormap::Yellow);

  const auto* atlasOutline = scene.layerNamed("atlas outline");
  ASSERT_TRUE(atlasOutline);
  EXPECT_EQ(atlasOutline->kind, SectionLayerKind::AtlasOutline);
  EXPECT_DOUBLE_EQ(atlasOutline->style.opacity, 0.6);
  const auto labels =
      std::dynamic_pointer_cast<const AtlasLabelSource>(scene.source(atlasOutline->source));
  ASSERT_TRUE(labels);
  // The demo lies in the cortex (its note: SSp-ul5): the label at its centre is a structure.
  const auto& info = labels->info();
  const auto top = labels->readTile(int(info.levels.size()) - 1, 0, 0, 0, 0);
  const auto found = std::find_if(top.begin(), top.end(), [](float v) { return !std::isnan(v); });
  ASSERT_NE(found, top.end());
  EXPECT_TRUE(bundledAtlas()->ontology().contains(labels->structureOf(*found)));
  // The label pyramid covers the molecules.
  const auto e = molecules->transcripts->extent();
  EXPECT_LE(info.originXUm, e.x0);
  EXPECT_GE(info.originXUm + info.widthUm(), e.x1);

  // Notes: the second plane's outlines were not read.
  EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
    return n.find("outlines") != std::string::npos;
  }));

  // A gene's count image, found by name.
  const auto& gene = molecules->transcripts->geneNames().front();
  const int counts = addGeneCountLayer(scene, *molecules, gene);
  ASSERT_GE(counts, 0);
  const auto* countLayer = scene.layer(counts);
  ASSERT_TRUE(countLayer);
  EXPECT_EQ(countLayer->name, gene + " counts");
  EXPECT_TRUE(countLayer->style.colourBar);
  EXPECT_EQ(countLayer->style.colormap, LayerColormap::Fire);
  EXPECT_EQ(countLayer->unit, "molecules per 4 µm px");
  EXPECT_EQ(addGeneCountLayer(scene, *molecules, "NoSuchGene"), -1);
  EXPECT_EQ(addGeneCountLayer(scene, *outlines, gene), -1);
}

TEST(SectionContents, MerscopeTiffStainsBecomePyramidsCachedWhereAsked) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/merscope_vpt_mouse_liver");
  const auto dataset = loadSpatialDataset(sharedData);
  const test::ScratchDirectory cache;
  TiffPyramidOptions pyramids;
  pyramids.appCache = cache.path();
  SectionScene scene;
  const auto notes = addDatasetLayers(scene, dataset, bundledAtlas(), pyramids);
  const auto* dapi = scene.layerNamed("DAPI (real)");
  const auto* cellbound = scene.layerNamed("Cellbound1 (real)");
  ASSERT_TRUE(dapi && cellbound);
  EXPECT_EQ(dapi->style.colormap, LayerColormap::Blue);
  EXPECT_EQ(cellbound->style.colormap, LayerColormap::Gray);
  const auto source = scene.source(dapi->source);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->info().planes, 7);
  EXPECT_EQ(source->info().levels[0].width, 512);
  EXPECT_LT(source->info().contrastMin, source->info().contrastMax);
  EXPECT_EQ(dapi->style.contrastMax, source->info().contrastMax);
  // Each TIFF stain says what was done about its pyramid.
  EXPECT_EQ(
      std::count_if(notes.begin(), notes.end(),
                    [](const std::string& n) { return n.find("(real): ") != std::string::npos; }),
      2);
  EXPECT_TRUE(scene.layerNamed("molecules"));
  EXPECT_FALSE(scene.layerNamed("atlas outline"));  // the liver is not placed
}

TEST(SectionContents, XeniumGivesCellAndNucleusOutlines) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny/sample1");
  const auto dataset = loadSpatialDataset(sharedData);
  SectionScene scene;
  addDatasetLayers(scene, dataset, bundledAtlas());
  const auto* cells = scene.layerNamed("cell outlines");
  const auto* nuclei = scene.layerNamed("nucleus outlines");
  ASSERT_TRUE(cells && nuclei);
  ASSERT_TRUE(cells->outlines && nuclei->outlines);
  EXPECT_GT(cells->outlines->size(), 0u);
  EXPECT_GT(nuclei->outlines->size(), 0u);
  EXPECT_EQ(cells->kind, SectionLayerKind::Shapes);
}

TEST(SectionContents, CosmxLabelImagesAreOutlined) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/cosmx_human_lung_tiny/sample_1");
  const auto dataset = loadSpatialDataset(sharedData);
  SectionScene scene;
  addDatasetLayers(scene, dataset, bundledAtlas());
  EXPECT_TRUE(scene.layerNamed("molecules"));
  const auto* cells = scene.layerNamed("cell outlines");
  ASSERT_TRUE(cells && cells->outlines);
  EXPECT_GT(cells->outlines->size(), 10u);
}

TEST(SectionContents, AnUnplacedDatasetHasNoAtlasOutline) {
  TranscriptTable table;
  table.genes.add("A");
  table.push(10, 10, 0, 0);
  table.push(200, 300, 1, 0);
  SpatialDataset dataset;
  dataset.data = table;
  SectionScene scene;
  const auto notes = addDatasetLayers(scene, dataset, bundledAtlas());
  EXPECT_TRUE(scene.layerNamed("molecules"));
  EXPECT_FALSE(scene.layerNamed("atlas outline"));
  EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
    return n.find("not placed") != std::string::npos;
  }));
}

TEST(SectionContents, ImageLayersOneAChannelNamedByRole) {
  SectionScene scene;
  auto source = std::make_shared<const RasterSource>("generated", "DAPI", 2, 2, 1, 0, 0,
                                                     std::vector<std::vector<float>>{{1, 2, 3, 4}});
  const auto ids = addImageLayers(scene, source, ImageRole::Generated);
  ASSERT_EQ(ids.size(), 1u);
  const auto* layer = scene.layer(ids[0]);
  ASSERT_TRUE(layer);
  EXPECT_EQ(layer->name, "DAPI (generated)");
  EXPECT_EQ(layer->style.side, CompareSide::Right);
  EXPECT_EQ(layer->style.colormap, LayerColormap::Blue);
  EXPECT_EQ(scene.source(layer->source), source);
}

TEST(SectionContents, PathKindsByWhatThePathHolds) {
  const auto dir = std::filesystem::temp_directory_path() / "teramind_section_path_kind";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "stain.TIF") << "not read";
  EXPECT_EQ(sectionPathKind(dir / "stain.TIF"), SectionPathKind::Tiff);
  EXPECT_EQ(sectionPathKind(dir / "mosaic.tiff"), SectionPathKind::Tiff);
  EXPECT_EQ(sectionPathKind(bundledDemoDataset()), SectionPathKind::Dataset);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace teramind
