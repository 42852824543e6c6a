// The 3D view and the slice views show the section from its pyramid (issue 20): the scene
// binding takes the section model's overview once its tiles are cached, and the slice views
// draw the section where they cut it.
#include <gtest/gtest.h>
#include <QTest>

#include "AtlasScene.h"
#include "MainWindow.h"
#include "SliceScene.h"
#include "SliceViewPanel.h"
#include "StudioSceneBinding.h"
#include "VtkViewport.h"
#include "common/ResourceLocator.h"
#include "io/SpatialDataset.h"

namespace teramind {
namespace {

std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

std::shared_ptr<const SpatialDataset> demoDataset() {
  static auto dataset =
      std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset()));
  return dataset;
}

TEST(SceneBinding, SectionPictureComesFromThePyramidAndReachesTheSliceViews) {
  ui::MainWindow window(bundledAtlas());
  window.resize(1280, 800);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ui::StudioSceneBinding* binding = window.sceneBinding();
  binding->setSectionModel(&window.sectionModel());
  window.showDataset(demoDataset(), bundledDemoDataset());
  // The 3D view's longer side rounded up to a power of two, within 256–2048.
  const int side = binding->overviewSide();
  EXPECT_GE(side, 256);
  EXPECT_LE(side, 2048);
  EXPECT_EQ(side & (side - 1), 0);
  const qreal ratio = window.viewport()->devicePixelRatioF();
  const int longer = int(std::max(window.viewport()->width(), window.viewport()->height()) * ratio);
  EXPECT_TRUE(side >= longer || side == 2048) << side << " for " << longer << " px";
  // Never read on the GUI thread: the picture arrives as the section model's tiles do.
  ASSERT_TRUE(QTest::qWaitFor([&] { return !binding->overviewPending(); }, 120000))
      << "the section's overview never arrived";
  EXPECT_TRUE(window.scene().hasSection());

  // The slice views through the section's centre: the coronal one (the demo is coronal) shows
  // its picture, the others the line where they cut it.
  const AffineTransform& toAtlas = demoDataset()->placement().sectionToAtlas;
  const auto dapi = demoDataset()->readStain(demoDataset()->stains.front(), 64);
  const auto& f = dapi.frame();
  const Vec3 centre =
      toAtlas.apply({f.origin()[0] + 0.5 * (double(dapi.dims()[0]) - 1) * f.spacing()[0],
                     f.origin()[1] + 0.5 * (double(dapi.dims()[1]) - 1) * f.spacing()[1], 0});
  ui::SliceViewPanel* slices = window.sliceViews();
  slices->moveCursorToPoint(centre);
  EXPECT_TRUE(slices->scene(SliceOrientation::Coronal).hasSection());
  EXPECT_TRUE(slices->scene(SliceOrientation::Coronal).showsSectionPicture());
  EXPECT_TRUE(slices->scene(SliceOrientation::Sagittal).sectionLine().has_value());
  EXPECT_TRUE(slices->scene(SliceOrientation::Horizontal).sectionLine().has_value());

  // Unbound, the binding reads the first stain itself again (the old path).
  binding->setSectionModel(nullptr);
  EXPECT_TRUE(window.scene().hasSection());
  EXPECT_FALSE(binding->overviewPending());
}

}  // namespace
}  // namespace teramind
