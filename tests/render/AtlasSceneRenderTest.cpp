#include <gtest/gtest.h>

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include "AtlasScene.h"
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

}  // namespace
}  // namespace teramind
