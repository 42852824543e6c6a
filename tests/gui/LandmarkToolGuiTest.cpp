// Section → Place with Landmarks… under xvfb: clicks on the section and the atlas make pairs,
// the table shows residuals, the 3D view previews the fit, Save places the dataset for good.
#include <gtest/gtest.h>
#include <QAction>
#include <QTableWidget>
#include <QTest>

#include "AtlasScene.h"
#include "LandmarkDock.h"
#include "MainWindow.h"
#include "SectionPointView.h"
#include "SliceViewPanel.h"
#include "VtkViewport.h"
#include "common/ResourceLocator.h"
#include "io/SavedPlacement.h"
#include "support/TestData.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;

// The demo's placement: section (x, y) → CCF (5000, y − 2925, x + 1550) µm.
Vec3 demoAtlasPoint(double x, double y) {
  return {5000, y - 2925, x + 1550};
}

void clickSection(ui::LandmarkDock& dialog, double xUm, double yUm) {
  auto* view = dialog.sectionView();
  QTest::mouseClick(view, Qt::LeftButton, {}, view->pixelOf({xUm, yUm}).toPoint());
}

TEST(LandmarkToolGui, ThreePairsPlaceTheSectionInTheRightStructureAndSaveKeepsIt) {
  test::ScratchDirectory dir;
  fs::copy(bundledDemoDataset().parent_path(), dir / "demo", fs::copy_options::recursive);
  const fs::path manifest = dir / "demo" / "dataset.json";
  auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  ui::MainWindow window(atlas);
  window.resize(1280, 800);
  window.showDataset(std::make_shared<const SpatialDataset>(loadSpatialDataset(manifest)),
                     manifest);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));

  auto* action = window.findChild<QAction*>(QStringLiteral("place-with-landmarks"));
  ASSERT_NE(action, nullptr);
  action->trigger();
  auto* dialog = window.findChild<ui::LandmarkDock*>();
  ASSERT_NE(dialog, nullptr);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
  EXPECT_TRUE(dialog->fitText().contains(QStringLiteral("at least 3 landmark pairs, there are 0")))
      << dialog->fitText().toStdString();

  // A real click in the coronal slice view gives the atlas point (the clicked voxel's centre).
  auto* coronal = window.sliceViews()->viewport(SliceOrientation::Coronal);
  QTest::mouseClick(coronal, Qt::LeftButton, {}, coronal->rect().center());
  ASSERT_TRUE(dialog->tool().pendingAtlas());
  const Vec3 picked = *dialog->tool().pendingAtlas();
  EXPECT_NE(atlas->structureAt(picked), nullptr) << "the view's centre is on the brain";
  dialog->tool().cancelPending();

  // Pairs: a section click then an atlas click, and once the other way round.
  const std::array<std::pair<double, double>, 3> at{{{6450, 4750}, {6850, 4760}, {6500, 5100}}};
  for (std::size_t i = 0; i < at.size(); ++i) {
    const auto [x, y] = at[i];
    if (i == 1) {
      Q_EMIT window.sliceViews()->pointPicked(demoAtlasPoint(x, y));
      clickSection(*dialog, x, y);
      ASSERT_EQ(dialog->tool().landmarks().size(), 2u);
      // The click lands where it was aimed, to within a widget pixel of the picture.
      EXPECT_NEAR(dialog->tool().landmarks()[1].sectionXUm, x, 3.0);
      EXPECT_NEAR(dialog->tool().landmarks()[1].sectionYUm, y, 3.0);
      continue;
    }
    clickSection(*dialog, x, y);
    const auto pending = dialog->tool().pendingSection();
    ASSERT_TRUE(pending);
    EXPECT_NEAR(pending->first, x, 3.0);
    EXPECT_NEAR(pending->second, y, 3.0);
    Q_EMIT window.sliceViews()->pointPicked(demoAtlasPoint(pending->first, pending->second));
    ASSERT_EQ(dialog->tool().landmarks().size(), i + 1);
  }
  ASSERT_EQ(dialog->tool().landmarks().size(), 3u);
  EXPECT_EQ(dialog->table()->rowCount(), 3);
  EXPECT_TRUE(dialog->fitText().startsWith(QStringLiteral("RMS 0.0 µm, max 0.0 µm over 3 pairs")))
      << dialog->fitText().toStdString();
  EXPECT_EQ(dialog->table()->item(2, 6)->text(), QStringLiteral("0.0"));

  // The 3D view previews the section where the fit puts it: its centre in SSp-ul5.
  ASSERT_TRUE(dialog->tool().fit());
  EXPECT_TRUE(window.scene().hasSection());
  EXPECT_TRUE(
      window.scene().sectionToAtlas().approximatelyEquals(dialog->tool().fit()->sectionToAtlas));
  const Structure* centre =
      atlas->structureAt(window.scene().sectionToAtlas().apply({6650, 4925, 0}));
  ASSERT_NE(centre, nullptr);
  EXPECT_EQ(centre->acronym, "SSp-ul5");

  // A 4th pair clicked 80 µm off in the atlas stands out in the table; undo takes it back.
  clickSection(*dialog, 6800, 5100);
  Q_EMIT window.sliceViews()->pointPicked(demoAtlasPoint(6800, 5100 + 80));
  ASSERT_EQ(dialog->table()->rowCount(), 4);
  EXPECT_GT(dialog->table()->item(3, 6)->text().toDouble(), 20.0);
  dialog->tool().undo();
  EXPECT_EQ(dialog->table()->rowCount(), 3);

  ASSERT_TRUE(dialog->save()) << dialog->tool().lastError();
  EXPECT_TRUE(fs::exists(dir / "demo" / "section_landmarks.csv"));
  // The dataset is opened again from its files, placed by what was saved.
  ASSERT_TRUE(QTest::qWaitFor(
      [&] {
        const SpatialDataset* d = window.studio().state().workspace.dataset();
        return d && d->placementNote.find("fitted from 3 landmarks") != std::string::npos;
      },
      30000));
  const SpatialDataset* placed = window.studio().state().workspace.dataset();
  const Structure* saved =
      atlas->structureAt(placed->placement().sectionToAtlas.apply({6650, 4925, 0}));
  ASSERT_NE(saved, nullptr);
  EXPECT_EQ(saved->acronym, "SSp-ul5");
  ASSERT_TRUE(savedLandmarksFile(*placed));
}

// Pairs belong to one section: other data ends the tool; a tool left open goes with the window.
TEST(LandmarkToolGui, OtherDataEndsTheToolAndAnOpenToolGoesWithTheWindow) {
  auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  ui::MainWindow window(atlas);
  window.resize(1024, 700);
  window.showDataset(
      std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset())),
      bundledDemoDataset());
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  auto* action = window.findChild<QAction*>(QStringLiteral("place-with-landmarks"));
  action->trigger();
  ASSERT_NE(window.findChild<ui::LandmarkDock*>(), nullptr);
  window.showDataset(
      std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset())),
      bundledDemoDataset());
  EXPECT_TRUE(QTest::qWaitFor([&] { return !window.findChild<ui::LandmarkDock*>(); }, 5000))
      << "the tool still places the section that was replaced";
  action->trigger();
  auto* dialog = window.findChild<ui::LandmarkDock*>();
  ASSERT_NE(dialog, nullptr);
  dialog->tool().clickSection(6500, 4800);  // left open, mid-pair, when the window goes
}

}  // namespace
}  // namespace teramind
