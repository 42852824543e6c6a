#include <gtest/gtest.h>

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>

#include <cmath>

#include "AtlasScene.h"
#include "SectionRasters.h"
#include "SliceScene.h"
#include "common/ResourceLocator.h"
#include "io/SpatialDataset.h"
#include "support/ImageComparison.h"
#include "support/TestData.h"

namespace teramind {
namespace {

const Atlas& bundledAtlas() {
  static const Atlas atlas = Atlas::load(bundledAtlasDirectory());
  return atlas;
}

TEST(AtlasSceneRender, TemplateVolumeWithCa1MatchesBaseline) {
  test::ScratchDirectory dir;
  render::AtlasScene scene(bundledAtlas());
  scene.selectStructure(bundledAtlas().ontology().byAcronym("CA1").id);
  render::saveScreenshot(scene, dir / "atlas_ca1.png", {400, 300, 1, false});
  const auto d = test::compareWithBaseline(dir / "atlas_ca1.png", "atlas_ca1.png");
  EXPECT_TRUE(test::matchesBaseline(d)) << d.message;
}

TEST(AtlasSceneRender, MaximumIntensityMatchesBaseline) {
  test::ScratchDirectory dir;
  render::AtlasScene scene(bundledAtlas());
  scene.setBlend(render::VolumeBlend::MaximumIntensity);
  render::saveScreenshot(scene, dir / "atlas_mip.png", {400, 300, 1, false});
  const auto d = test::compareWithBaseline(dir / "atlas_mip.png", "atlas_mip.png");
  EXPECT_TRUE(test::matchesBaseline(d)) << d.message;
}

// A bundled preset read from JSON drives the ray cast: the "fire" colours and denser opacity.
TEST(AtlasSceneRender, FirePresetMatchesBaseline) {
  test::ScratchDirectory dir;
  render::AtlasScene scene(bundledAtlas());
  scene.setTransferFunction(
      TransferFunction::load(resourceDirectory() / "presets" / "transfer_functions" / "fire.json"));
  EXPECT_EQ(scene.transferFunction().name(), "fire");
  render::saveScreenshot(scene, dir / "atlas_fire.png", {400, 300, 1, false});
  const auto d = test::compareWithBaseline(dir / "atlas_fire.png", "atlas_fire.png");
  EXPECT_TRUE(test::matchesBaseline(d)) << d.message;
}

// The bundled Vizgen crop's DAPI on its section plane, the template cut away in front of it.
TEST(AtlasSceneRender, DemoSectionOnItsPlaneMatchesBaseline) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  const auto dapi = demo.readStain(demo.stains.front());
  test::ScratchDirectory dir;
  render::AtlasScene scene(bundledAtlas());
  scene.showSection(&dapi, demo.placement().sectionToAtlas);
  EXPECT_TRUE(scene.hasSection());
  scene.focusSection();
  render::saveScreenshot(scene, dir / "atlas_section.png", {400, 300, 1, false});
  const auto d = test::compareWithBaseline(dir / "atlas_section.png", "atlas_section.png");
  EXPECT_TRUE(test::matchesBaseline(d)) << d.message;
  scene.showSection(nullptr);
  EXPECT_FALSE(scene.hasSection());
}

// Layers over the section: a generated tile (a synthetic pattern in the engine's layout) and a
// per-bin overlay in viridis, each where its section µm put it.
TEST(AtlasSceneRender, GeneratedTileAndOverlayOnTheSectionMatchBaseline) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  const auto dapi = demo.readStain(demo.stains.front());
  const auto& f = dapi.frame();
  const double x0 = f.origin()[0], y0 = f.origin()[1];
  const double w = double(dapi.dims()[0]) * f.spacing()[0],
               h = double(dapi.dims()[1]) * f.spacing()[1];
  test::ScratchDirectory dir;
  render::AtlasScene scene(bundledAtlas());
  scene.showSection(&dapi, demo.placement().sectionToAtlas);
  scene.focusSection();
  auto pose = scene.cameraPose();  // close in: the section fills the view
  for (int a = 0; a < 3; ++a)
    pose.position[std::size_t(a)] =
        pose.focalPoint[std::size_t(a)] +
        0.25 * (pose.position[std::size_t(a)] - pose.focalPoint[std::size_t(a)]);
  scene.setCameraPose(pose);
  // A 64-px tile over the section's top-left third: rings in DAPI, stripes in PolyT.
  const int T = 64;
  std::vector<float> core(std::size_t(2 * 2 * T * T));
  for (int y = 0; y < T; ++y)
    for (int x = 0; x < T; ++x) {
      const double r = std::hypot(x - T / 2.0, y - T / 2.0);
      core[std::size_t(y * T + x)] = float(std::cos(r / 3.0));
      core[std::size_t(2 * T * T + y * T + x)] = (x / 8) % 2 ? 0.8f : -0.8f;
    }
  render::TilePlacement placement{x0, y0, w / 3 / T, 0};
  scene.setGeneratedTile(
      0, 0, 0,
      render::generatedTileRaster(core, T, 2, 2, 0, render::StainDisplay::Composite, placement));
  // A 10 × 10-bin ramp over the bottom-right third.
  BinGrid grid;
  grid.originXUm = x0 + 2 * w / 3;
  grid.originYUm = y0 + 2 * h / 3;
  grid.binUm = w / 30;
  grid.width = grid.height = 10;
  std::vector<float> ramp(100);
  for (int i = 0; i < 100; ++i) ramp[std::size_t(i)] = float(i % 10 + 1);
  scene.setOverlay("ramp", render::binValueRaster(ramp, grid, 0, 10, 1.0));
  EXPECT_TRUE(scene.hasOverlay("ramp"));
  EXPECT_EQ(scene.generatedTileCount(), 1);
  render::saveScreenshot(scene, dir / "section_layers.png", {400, 300, 1, false});
  const auto d = test::compareWithBaseline(dir / "section_layers.png", "section_layers.png");
  EXPECT_TRUE(test::matchesBaseline(d)) << d.message;
}

// A tile update uploads that tile's texture only: the bytes handed over grow by one tile.
TEST(AtlasSceneRender, ATileUpdateUploadsOnlyThatTile) {
  render::AtlasScene scene(bundledAtlas());
  const int T = 32;
  const std::vector<float> core(std::size_t(2 * 2 * T * T), 0.5f);
  for (int q = 0; q < 4; ++q)
    scene.setGeneratedTile(0, 0, q,
                           render::generatedTileRaster(core, T, 2, 2, 0, render::StainDisplay::Dapi,
                                                       {q * 10.0, 0, 10.0 / T, 0}));
  const std::size_t tile = std::size_t(T) * T * 4;
  EXPECT_EQ(scene.generatedUploadBytes(), 4 * tile);
  scene.setGeneratedTile(0, 0, 2,
                         render::generatedTileRaster(core, T, 2, 2, 1, render::StainDisplay::PolyT,
                                                     {20.0, 0, 10.0 / T, 0}));
  EXPECT_EQ(scene.generatedTileCount(), 4);
  EXPECT_EQ(scene.generatedUploadBytes(), 5 * tile);
  scene.clearGenerated();
  EXPECT_EQ(scene.generatedTileCount(), 0);
  EXPECT_THROW(render::generatedTileRaster(core, T + 1, 2, 2, 0, render::StainDisplay::Dapi, {}),
               std::invalid_argument);
}

TEST(AtlasSceneRender, ScreenshotScaleAndTransparency) {
  test::ScratchDirectory dir;
  render::AtlasScene scene(bundledAtlas());
  render::saveScreenshot(scene, dir / "big.png", {200, 150, 3, true});
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName((dir / "big.png").c_str());
  reader->Update();
  int dims[3];
  reader->GetOutput()->GetDimensions(dims);
  EXPECT_EQ(dims[0], 600);
  EXPECT_EQ(dims[1], 450);
  ASSERT_EQ(reader->GetOutput()->GetNumberOfScalarComponents(), 4);
  const auto* corner = static_cast<unsigned char*>(reader->GetOutput()->GetScalarPointer(0, 0, 0));
  EXPECT_EQ(corner[3], 0) << "background should be transparent";
  const auto* centre =
      static_cast<unsigned char*>(reader->GetOutput()->GetScalarPointer(300, 225, 0));
  EXPECT_GT(centre[3], 0) << "the brain should be opaque-ish";
  EXPECT_THROW(render::saveScreenshot(scene, dir / "x.png", {200, 150, 5, false}),
               std::invalid_argument);
}

// A coronal slice through CA1 with CA1 selected: template, structure colours, boundaries and the
// crosshair at the cursor.
TEST(SliceSceneRender, CoronalSliceThroughCa1MatchesBaseline) {
  const Atlas& atlas = bundledAtlas();
  const StructureId ca1 = atlas.ontology().byAcronym("CA1").id;
  const auto box = atlas.boundingBox(ca1);
  ASSERT_TRUE(box);
  SliceCursor cursor(atlas.annotation().dims());
  cursor.moveTo(Index3{box->begin[0] + box->size[0] / 2, box->begin[1] + box->size[1] / 2,
                       box->begin[2] + box->size[2] / 4});
  render::SliceScene scene(atlas, SliceOrientation::Coronal);
  scene.setCursor(cursor);
  scene.selectStructure(ca1);
  EXPECT_EQ(scene.sliceIndex(), int(cursor.voxel()[0]));
  test::ScratchDirectory dir;
  render::saveScreenshot(scene, dir / "slice_coronal_ca1.png", {400, 300, 1, false});
  const auto d = test::compareWithBaseline(dir / "slice_coronal_ca1.png", "slice_coronal_ca1.png");
  EXPECT_TRUE(test::matchesBaseline(d)) << d.message;
}

// A cursor move within the slice only moves the crosshair; another slice rebuilds the image.
TEST(SliceSceneRender, OnlyANewSliceRebuildsTheImage) {
  const Atlas& atlas = bundledAtlas();
  render::SliceScene scene(atlas, SliceOrientation::Sagittal);
  const int before = scene.imageUpdates();
  SliceCursor cursor(atlas.annotation().dims());
  cursor.moveTo(Index3{10, 10, cursor.voxel()[2]});
  scene.setCursor(cursor);
  EXPECT_EQ(scene.imageUpdates(), before);
  cursor.step(SliceOrientation::Sagittal, 5);
  scene.setCursor(cursor);
  EXPECT_EQ(scene.imageUpdates(), before + 1);
  EXPECT_EQ(scene.sliceIndex(), int(cursor.voxel()[2]));
}

// Display pixels map back to the voxels they show: the window's centre is the slice's centre,
// and a pixel beside the slice is no voxel.
TEST(SliceSceneRender, DisplayPixelsPickTheirVoxel) {
  const Atlas& atlas = bundledAtlas();
  const auto& dims = atlas.annotation().dims();  // 132 × 80 × 114
  render::SliceScene scene(atlas, SliceOrientation::Coronal);
  vtkNew<vtkRenderWindow> window;
  window->SetOffScreenRendering(1);
  window->SetSize(400, 300);
  window->AddRenderer(scene.renderer());
  scene.resetCamera();
  window->Render();
  const auto centre = scene.voxelAt(200, 150);
  ASSERT_TRUE(centre);
  EXPECT_EQ((*centre)[0], dims[0] / 2);
  EXPECT_NEAR(double((*centre)[1]), double(dims[1] - 1) / 2, 1.0);
  EXPECT_NEAR(double((*centre)[2]), double(dims[2] - 1) / 2, 1.0);
  EXPECT_FALSE(scene.voxelAt(200, 0));  // 80 rows do not reach the bottom of a 4:3 view
  window->RemoveRenderer(scene.renderer());
}

}  // namespace
}  // namespace teramind
