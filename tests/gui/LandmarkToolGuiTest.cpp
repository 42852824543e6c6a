// Section → Place with Landmarks… under xvfb: clicks on the section and the atlas make pairs,
// the table shows residuals, the 3D view previews the fit, Save places the dataset for good.
#include <gtest/gtest.h>
#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <fstream>
#include <nlohmann/json.hpp>

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

// Answers the landmark tool's Save / Discard / Cancel question once it is shown (modal).
void answerUnsaved(QMessageBox::StandardButton answer, bool* asked) {
  auto* poll = new QTimer;
  QObject::connect(poll, &QTimer::timeout, [poll, answer, asked] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box || box->objectName() != QStringLiteral("landmark-unsaved")) return;
    poll->stop();
    poll->deleteLater();
    *asked = true;
    box->button(answer)->click();
  });
  poll->start(20);
}

std::unique_ptr<ui::MainWindow> demoWindow(std::shared_ptr<const Atlas> atlas,
                                           const fs::path& dataset) {
  auto window = std::make_unique<ui::MainWindow>(atlas);
  window->resize(1280, 800);
  window->showDataset(std::make_shared<const SpatialDataset>(loadSpatialDataset(dataset)), dataset);
  window->show();
  return window;
}

ui::LandmarkDock* openTool(ui::MainWindow& window) {
  window.findChild<QAction*>(QStringLiteral("place-with-landmarks"))->trigger();
  return window.findChild<ui::LandmarkDock*>();
}

// Unsaved pairs are never dropped silently: Close and other data ask; Cancel keeps them.
// Markers carry the pairs' names; a slice click with the tool open selects nothing.
TEST(LandmarkToolGui, UnsavedPairsAskBeforeTheyAreLost) {
  auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  auto window = demoWindow(atlas, bundledDemoDataset());
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
  ui::LandmarkDock* dock = openTool(*window);
  ASSERT_NE(dock, nullptr);
  // Raised in front of its tabs once shown: then slice clicks pick points.
  ASSERT_TRUE(QTest::qWaitFor([&] { return window->sliceViews()->pickingPoints(); }, 5000));
  EXPECT_EQ(window->dockWidgetArea(dock), Qt::RightDockWidgetArea);
  EXPECT_FALSE(dock->isFloating()) << "docked, not over the slice views";

  // A click in a slice view gives the atlas point only: the selection stays as it was.
  const auto before = window->studio().state().selection;
  EXPECT_TRUE(window->sliceViews()->pickingPoints());
  auto* coronal = window->sliceViews()->viewport(SliceOrientation::Coronal);
  QTest::mouseClick(coronal, Qt::LeftButton, {}, coronal->rect().center());
  ASSERT_TRUE(dock->tool().pendingAtlas());
  EXPECT_EQ(window->studio().state().selection, before);
  dock->tool().cancelPending();

  for (const auto& [x, y] : {std::pair{6450.0, 4750.0}, {6850.0, 4760.0}, {6500.0, 5100.0}})
    dock->tool().add({"", x, y, demoAtlasPoint(x, y)});
  ASSERT_TRUE(dock->tool().remove(0));  // L1 goes: the markers keep L2 and L3
  EXPECT_EQ(dock->sectionView()->names(),
            (std::vector<QString>{QStringLiteral("L2"), QStringLiteral("L3")}));
  EXPECT_TRUE(dock->tool().hasUnsavedChanges());

  bool asked = false;
  answerUnsaved(QMessageBox::Cancel, &asked);
  dock->close();
  EXPECT_TRUE(asked);
  ASSERT_EQ(window->findChild<ui::LandmarkDock*>(), dock) << "Cancel closed the tool";
  EXPECT_TRUE(dock->isVisible());

  // Other data: Cancel keeps the dataset and the tool.
  const auto dataset = window->studio().state().workspace.sharedDataset();
  asked = false;
  answerUnsaved(QMessageBox::Cancel, &asked);
  window->showDataset(
      std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset())),
      bundledDemoDataset());
  EXPECT_TRUE(asked);
  EXPECT_EQ(window->studio().state().workspace.sharedDataset(), dataset);
  EXPECT_EQ(window->findChild<ui::LandmarkDock*>(), dock);

  // Closing the window asks too; Cancel keeps it open.
  asked = false;
  answerUnsaved(QMessageBox::Cancel, &asked);
  EXPECT_FALSE(window->close());
  EXPECT_TRUE(asked);
  EXPECT_TRUE(window->isVisible());

  asked = false;
  answerUnsaved(QMessageBox::Discard, &asked);
  dock->close();
  EXPECT_TRUE(asked);
  EXPECT_TRUE(QTest::qWaitFor([&] { return !window->findChild<ui::LandmarkDock*>(); }, 5000));
  EXPECT_FALSE(window->sliceViews()->pickingPoints());
}

// Every way of opening data asks about the pairs (a session, as Open Recent opens it); a
// Discard that did not end the tool (the session had the same dataset) leaves the pairs to be
// asked about again. A click off the slice picks no atlas point.
TEST(LandmarkToolGui, EveryOpenAsksAndADiscardThatKeptTheToolAsksAgain) {
  test::ScratchDirectory dir;
  auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  auto window = demoWindow(atlas, bundledDemoDataset());
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
  const QString session = QString::fromStdString((dir / "same.json").string());
  ASSERT_TRUE(window->saveSession(session));
  ui::LandmarkDock* dock = openTool(*window);
  ASSERT_NE(dock, nullptr);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(dock));

  auto* coronal = window->sliceViews()->viewport(SliceOrientation::Coronal);
  QTest::mouseClick(coronal, Qt::LeftButton, {}, QPoint(1, 1));
  EXPECT_FALSE(dock->tool().pendingAtlas()) << "a click off the slice picked a point";

  for (const auto& [x, y] : {std::pair{6450.0, 4750.0}, {6850.0, 4760.0}, {6500.0, 5100.0}})
    dock->tool().add({"", x, y, demoAtlasPoint(x, y)});
  bool asked = false;
  answerUnsaved(QMessageBox::Discard, &asked);
  window->openSession(session);
  EXPECT_TRUE(asked) << "a session opened without asking about the pairs";
  QTest::qWait(200);
  ASSERT_EQ(window->findChild<ui::LandmarkDock*>(), dock) << "the same dataset ended the tool";

  asked = false;
  answerUnsaved(QMessageBox::Cancel, &asked);
  dock->close();
  EXPECT_TRUE(asked) << "the pairs went without a question after an earlier Discard";
  EXPECT_TRUE(dock->isVisible());

  // Hidden without closing (behind a tab, the dock menu): slice clicks select again.
  dock->hide();
  EXPECT_FALSE(window->sliceViews()->pickingPoints());
  dock->show();
  EXPECT_TRUE(window->sliceViews()->pickingPoints());
}

// An absurd fit is shown as a warning before Save (which stays possible).
TEST(LandmarkToolGui, AnAbsurdFitWarnsInTheTool) {
  auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  auto window = demoWindow(atlas, bundledDemoDataset());
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
  ui::LandmarkDock* dock = openTool(*window);
  ASSERT_NE(dock, nullptr);
  // 440 µm of section onto 5.9 mm of atlas.
  dock->tool().add({"a", 6420, 4700, {5000, 1000, 5000}});
  dock->tool().add({"b", 6860, 4700, {5000, 1000, 10900}});
  dock->tool().add({"c", 6420, 5140, {5000, 6900, 5000}});
  ASSERT_TRUE(dock->tool().fit());
  EXPECT_TRUE(dock->warningText().contains(QStringLiteral("scales the section by 13.4×")))
      << dock->warningText().toStdString();
  dock->tool().undo();
  EXPECT_TRUE(dock->warningText().isEmpty());
  dock->tool().markSaved();  // nothing to ask when the window goes
}

// A section its data does not place is framed face-on (the camera on its normal) and the status
// bar says how to place it; a placed one says nothing.
TEST(LandmarkToolGui, AnUnplacedSectionIsShownFaceOnWithANote) {
  test::ScratchDirectory dir;
  fs::copy(bundledDemoDataset().parent_path(), dir / "demo", fs::copy_options::recursive);
  const fs::path manifest = dir / "demo" / "dataset.json";
  nlohmann::ordered_json j;
  {
    std::ifstream in(manifest);
    j = nlohmann::ordered_json::parse(in);
  }
  j.erase("section_to_atlas");
  std::ofstream(manifest) << j.dump(2);

  auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  auto window = demoWindow(atlas, manifest);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
  EXPECT_EQ(window->studio().placementState(), SectionPlacementState::Unplaced);
  auto* notice = window->findChild<QLabel*>(QStringLiteral("placementNotice"));
  ASSERT_NE(notice, nullptr);
  EXPECT_EQ(notice->text(),
            QStringLiteral("Section not placed in the atlas: Section → Place with Landmarks…"));
  EXPECT_TRUE(notice->isVisible());
  // The picture comes from the section view's pyramid tiles, read on its workers.
  ASSERT_TRUE(QTest::qWaitFor([&] { return window->scene().hasSection(); }, 10000));
  // The section is z = 0 of its own frame, placed by the identity: the camera looks along z.
  const auto pose = window->scene().cameraPose();
  Vec3 view{};
  for (int a = 0; a < 3; ++a) view[a] = pose.focalPoint[a] - pose.position[a];
  const double length = std::sqrt(view[0] * view[0] + view[1] * view[1] + view[2] * view[2]);
  EXPECT_NEAR(std::abs(view[2]) / length, 1.0, 1e-6) << "the section is seen edge-on";
  // …from close enough that the section (about 500 µm) fills the view, not the whole brain.
  EXPECT_LT(length, 3000.0);

  window->showDataset(
      std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset())),
      bundledDemoDataset());
  EXPECT_EQ(window->studio().placementState(), SectionPlacementState::Placed);
  EXPECT_TRUE(notice->text().isEmpty());
  EXPECT_FALSE(notice->isVisible());
}

}  // namespace
}  // namespace teramind
