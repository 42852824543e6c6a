// The section explorer (issue 20) driven through its widgets under xvfb: the Section tab on the
// bundled demo, pan, zoom, planes and Home with the mouse and keys, the swipe line, the layer
// dock, an export's pixel size and scale bar, and a running job's tiles at level 0.
#include <gtest/gtest.h>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "ElidedLabel.h"
#include "MainWindow.h"
#include "SectionExportDialog.h"
#include "SectionLayerDock.h"
#include "SectionView.h"
#include "ShortcutsDialog.h"
#include "StudioStatusBar.h"
#include "common/ResourceLocator.h"
#include "studio/GeneratedTileSource.h"
#include "support/TestData.h"

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

// An untrained `tiny` model on the demo's 8 most expressed genes: a job runs in seconds.
std::shared_ptr<const MorphologyModel> tinyModel() {
  static auto model = [] {
    auto genes = mostExpressedGenes(*demoDataset(), 8, {"Slc17a7"});
    return std::make_shared<const MorphologyModel>(namedModelConfig("tiny"), genes, 3);
  }();
  return model;
}

// A shown studio on the demo with the Section tab in front and its first view drawn.
struct SectionStudio {
  ui::MainWindow window{bundledAtlas()};
  explicit SectionStudio(bool withModel = false) {
    window.resize(1280, 800);
    window.showDataset(demoDataset(), bundledDemoDataset());
    if (withModel) window.setModel(tinyModel());
    window.show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(&window));
    window.showSectionExplorer();
    EXPECT_TRUE(waitDrawn()) << "the demo section was never drawn: "
                             << model().lastStats().missing.size() << " tiles missing";
  }
  SectionViewModel& model() { return window.sectionModel(); }
  ui::SectionView* view() { return window.sectionView(); }
  // Until nothing is opening and the view's last frame had every tile it wanted.
  bool waitDrawn(int timeoutMs = 120000) {
    return QTest::qWaitFor(
        [&] {
          if (model().busy() || model().scene().layers().empty()) return false;
          view()->repaint();  // a frame now, from the cache
          return model().lastStats().complete();
        },
        timeoutMs);
  }
};

void sendWheel(QWidget* widget, QPoint at, int angleDelta) {
  QWheelEvent event(QPointF(at), QPointF(widget->mapToGlobal(at)), QPoint(), QPoint(0, angleDelta),
                    Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(widget, &event);
}

void dragLeft(QWidget* widget, QPoint from, QPoint to) {
  QTest::mousePress(widget, Qt::LeftButton, Qt::NoModifier, from);
  QTest::mouseMove(widget, (from + to) / 2);
  QTest::mouseMove(widget, to);
  QTest::mouseRelease(widget, Qt::LeftButton, Qt::NoModifier, to);
}

// The brightest channel in a (2r+1)² square around (x, y).
int brightestAround(const QImage& image, int x, int y, int r) {
  int best = 0;
  for (int yy = std::max(0, y - r); yy <= std::min(image.height() - 1, y + r); ++yy)
    for (int xx = std::max(0, x - r); xx <= std::min(image.width() - 1, x + r); ++xx) {
      const QRgb p = image.pixel(xx, yy);
      best = std::max({best, qRed(p), qGreen(p), qBlue(p)});
    }
  return best;
}

TEST(SectionViewGui, TheSectionTabShowsTheDemoStainsAndListsTheLayers) {
  SectionStudio s;
  EXPECT_EQ(s.window.centralTabs()->currentWidget(), s.view());
  ASSERT_FALSE(s.model().scene().layers().empty());
  EXPECT_EQ(s.model().camera().width, s.view()->width());
  EXPECT_EQ(s.model().camera().height, s.view()->height());
  // The dock lists every layer, top first, each with its visibility.
  QListWidget* list = s.window.sectionLayerDock()->layerList();
  const auto& layers = s.model().scene().layers();
  ASSERT_EQ(list->count(), int(layers.size()));
  EXPECT_EQ(s.window.sectionLayerDock()->layerAt(0), layers.back().id);
  EXPECT_EQ(s.window.sectionLayerDock()->layerAt(list->count() - 1), layers.front().id);
  // The stains are drawn: the middle of the section is not black.
  const QImage frame = s.view()->grab().toImage();
  EXPECT_GT(brightestAround(frame, frame.width() / 2, frame.height() / 2, 40), 20);
  ASSERT_TRUE(s.waitDrawn());
  EXPECT_EQ(s.view()->loadingText(), QString()) << "nothing is loading once drawn";

  // View → 3D and Slices and View → Section Explorer switch the tabs.
  const auto viewAction = [&](const QString& text) -> QAction* {
    for (QAction* a : s.window.findChildren<QAction*>())
      if (a->text() == text) return a;
    return nullptr;
  };
  QAction* threeD = viewAction(QStringLiteral("&3D and Slices"));
  QAction* explorer = viewAction(QStringLiteral("Section E&xplorer"));
  ASSERT_TRUE(threeD && explorer);
  EXPECT_EQ(explorer->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_2));
  threeD->trigger();
  EXPECT_EQ(s.window.centralTabs()->currentIndex(), 0);
  explorer->trigger();
  EXPECT_EQ(s.window.centralTabs()->currentWidget(), s.view());

  // A file that is no image: an error naming it, as a dialog.
  test::ScratchDirectory scratch;
  const auto bad = scratch / "not-a-stain.tif";
  std::ofstream(bad) << "not a TIFF";
  s.window.openSectionPath(bad);
  ASSERT_TRUE(QTest::qWaitFor(
      [&] { return s.window.lastError().contains(QStringLiteral("not-a-stain.tif")); }, 30000))
      << s.window.lastError().toStdString();
}

// The window goes while the section view is opening and reading tiles: its widgets, then its
// model and the loader's workers, with nothing left to call them.
TEST(SectionViewGui, AWindowClosedWhileTheSectionOpensGoesCleanly) {
  for (int wait : {0, 50, 300}) {
    auto window = std::make_unique<ui::MainWindow>(bundledAtlas());
    window->resize(900, 600);
    window->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    window->openSectionPath(bundledDemoDataset());
    EXPECT_TRUE(window->sectionModel().busy()) << "opening on the runner";
    QTest::qWait(wait);
    window.reset();
    QTest::qWait(20);  // anything still queued for the window is dropped, not run
  }
}

TEST(SectionViewGui, WheelZoomsAtTheCursorDragPansHomeFitsKeysStepPlanes) {
  SectionStudio s;
  ui::SectionView* view = s.view();
  const SectionCamera fitted = s.model().camera();
  SectionCamera expectedFit = fitted;
  expectedFit.fit(s.model().scene().extent());
  EXPECT_NEAR(fitted.umPerPixel, expectedFit.umPerPixel, 1e-9 * expectedFit.umPerPixel)
      << "the first view shows the whole section";

  // The wheel zooms in at the cursor: the section point under it stays there.
  const QPoint cursor(view->width() / 3, view->height() / 4);
  const auto under = s.model().camera().screenToSection(cursor.x(), cursor.y());
  sendWheel(view, cursor, 120);
  const SectionCamera zoomed = s.model().camera();
  EXPECT_NEAR(zoomed.umPerPixel, fitted.umPerPixel / 1.25, 1e-9 * fitted.umPerPixel);
  const auto after = zoomed.screenToSection(cursor.x(), cursor.y());
  EXPECT_NEAR(after[0], under[0], 1e-6 * fitted.umPerPixel);
  EXPECT_NEAR(after[1], under[1], 1e-6 * fitted.umPerPixel);

  // A drag of (100, 50) px moves the section with the mouse.
  dragLeft(view, QPoint(400, 300), QPoint(500, 350));
  const SectionCamera panned = s.model().camera();
  EXPECT_NEAR(panned.centreXUm, zoomed.centreXUm - 100 * zoomed.umPerPixel,
              1e-6 * zoomed.umPerPixel);
  EXPECT_NEAR(panned.centreYUm, zoomed.centreYUm - 50 * zoomed.umPerPixel,
              1e-6 * zoomed.umPerPixel);
  EXPECT_DOUBLE_EQ(panned.umPerPixel, zoomed.umPerPixel);
  EXPECT_TRUE(s.waitDrawn()) << "the panned view's tiles arrive";

  // '+' and '-' zoom at the centre; Home fits the section again.
  QTest::keyClick(view, Qt::Key_Plus);
  EXPECT_NEAR(s.model().camera().umPerPixel, zoomed.umPerPixel / 1.25, 1e-9 * zoomed.umPerPixel);
  QTest::keyClick(view, Qt::Key_Minus);
  EXPECT_NEAR(s.model().camera().umPerPixel, zoomed.umPerPixel, 1e-9 * zoomed.umPerPixel);
  QTest::keyClick(view, Qt::Key_Home);
  EXPECT_NEAR(s.model().camera().umPerPixel, expectedFit.umPerPixel, 1e-9);
  EXPECT_NEAR(s.model().camera().centreXUm, expectedFit.centreXUm, 1e-6);
  EXPECT_NEAR(s.model().camera().centreYUm, expectedFit.centreYUm, 1e-6);

  // ',' and '.' step planes, clamped to those the section has.
  const int planes = s.model().scene().planes();
  ASSERT_EQ(s.model().plane(), 0);
  QTest::keyClick(view, '.');
  EXPECT_EQ(s.model().plane(), std::min(1, planes - 1));
  QTest::keyClick(view, ',');
  EXPECT_EQ(s.model().plane(), 0);
  QTest::keyClick(view, ',');
  EXPECT_EQ(s.model().plane(), 0) << "no plane before the first";
  EXPECT_EQ(s.window.sectionLayerDock()->planeBox()->value(), 0);

  // The cursor's readout goes to the status bar.
  const QPoint middle(view->width() / 2, view->height() / 2);
  QTest::mouseMove(view, middle);
  const auto point = s.model().camera().screenToSection(middle.x(), middle.y());
  EXPECT_TRUE(view->readoutText().startsWith(
      QStringLiteral("x %1 µm, y %2 µm").arg(point[0], 0, 'f', 1).arg(point[1], 0, 'f', 1)))
      << view->readoutText().toStdString();
  EXPECT_TRUE(view->readoutText().contains(QStringLiteral("CCF")))
      << "the demo section is placed: " << view->readoutText().toStdString();
  auto* status = qobject_cast<ui::StudioStatusBar*>(s.window.statusBar());
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->readout(), view->readoutText());
  QEvent leave(QEvent::Leave);
  QApplication::sendEvent(view, &leave);
  EXPECT_TRUE(view->readoutText().isEmpty());
  EXPECT_TRUE(status->readout().isEmpty());
}

// The default window (1440 × 900): the layer dock fits its column (no sideways scrolling, the
// comparison buttons whole) and the status bar shows the cursor's readout whole; a readout too
// long for it is cut with "…" and is whole in the tooltip.
TEST(SectionViewGui, LayerDockAndReadoutFitTheDefaultWindow) {
  SectionStudio s;
  s.window.resize(1440, 900);
  QTest::qWait(50);
  QApplication::processEvents();
  auto* scroll =
      s.window.sectionLayerDock()->findChild<QScrollArea*>(QStringLiteral("section-layer-scroll"));
  ASSERT_NE(scroll, nullptr);
  EXPECT_EQ(scroll->horizontalScrollBar()->maximum(), 0)
      << "the dock is " << scroll->viewport()->width() << " px wide, its controls "
      << scroll->widget()->minimumSizeHint().width() << " px";
  QPushButton* swipe = s.window.sectionLayerDock()->compareButton(int(CompareMode::Swipe));
  const QPoint right = swipe->mapTo(scroll->viewport(), QPoint(swipe->width(), 0));
  EXPECT_LE(right.x(), scroll->viewport()->width()) << "the Swipe button is cut";
  EXPECT_GE(swipe->width(), swipe->fontMetrics().horizontalAdvance(swipe->text()));

  auto* status = qobject_cast<ui::StudioStatusBar*>(s.window.statusBar());
  ASSERT_NE(status, nullptr);
  auto* readout = status->findChild<ui::ElidedLabel*>(QStringLiteral("sectionReadout"));
  ASSERT_NE(readout, nullptr);
  ui::SectionView* view = s.view();
  const QPoint middle(view->width() / 2, view->height() / 2);
  QMouseEvent move(QEvent::MouseMove, QPointF(middle), QPointF(view->mapToGlobal(middle)),
                   Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(view, &move);
  QApplication::processEvents();  // the status bar's layout gives the shown label its room
  ASSERT_FALSE(view->readoutText().isEmpty());
  EXPECT_TRUE(readout->isVisible());
  EXPECT_EQ(readout->shownText().toStdString(), view->readoutText().toStdString())
      << "the demo's readout fits whole: the label is " << readout->width() << " px of "
      << s.window.width();
  const QString longText = view->readoutText() + QString(QStringLiteral(" | more")).repeated(80);
  status->showReadout(longText);
  QApplication::processEvents();
  EXPECT_TRUE(readout->shownText().endsWith(QStringLiteral("…")))
      << readout->shownText().toStdString();
  EXPECT_LE(readout->fontMetrics().horizontalAdvance(readout->shownText()), readout->width());
  EXPECT_EQ(readout->text(), longText);
  EXPECT_EQ(readout->toolTip(), longText);
  EXPECT_LE(s.window.width(), 1440) << "a long readout never widens the window";
}

TEST(SectionViewGui, TheSwipeLineFollowsADragThatStartsOnIt) {
  SectionStudio s;
  ui::SectionView* view = s.view();
  QTest::mouseClick(s.window.sectionLayerDock()->compareButton(int(CompareMode::Swipe)),
                    Qt::LeftButton);
  ASSERT_EQ(s.model().compare().mode, CompareMode::Swipe);
  ASSERT_DOUBLE_EQ(s.model().compare().swipe, 0.5);
  const SectionCamera before = s.model().camera();
  const int y = view->height() / 2;
  // The line says it can be grabbed; elsewhere the cursor is a cross for reading out.
  QTest::mouseMove(view, QPoint(view->width() / 2 - 2, y));
  EXPECT_EQ(view->cursor().shape(), Qt::SplitHCursor);
  QTest::mouseMove(view, QPoint(view->width() / 8, y));
  EXPECT_EQ(view->cursor().shape(), Qt::CrossCursor);
  dragLeft(view, QPoint(view->width() / 2 + 3, y), QPoint(view->width() / 4, y));
  EXPECT_NEAR(s.model().compare().swipe, 0.25, 1.0 / view->width());
  EXPECT_DOUBLE_EQ(s.model().camera().centreXUm, before.centreXUm)
      << "the line moved, not the view";
  // A drag away from the line pans.
  dragLeft(view, QPoint(view->width() * 3 / 4, y), QPoint(view->width() * 3 / 4 + 40, y));
  EXPECT_NEAR(s.model().compare().swipe, 0.25, 1.0 / view->width());
  EXPECT_NEAR(s.model().camera().centreXUm, before.centreXUm - 40 * before.umPerPixel, 1e-6);
  QTest::mouseClick(s.window.sectionLayerDock()->compareButton(int(CompareMode::Overlay)),
                    Qt::LeftButton);
  EXPECT_EQ(s.model().compare().mode, CompareMode::Overlay);
}

TEST(SectionViewGui, TheLayerDockStylesAndHidesLayersThroughTheModel) {
  SectionStudio s;
  ui::SectionLayerDock* dock = s.window.sectionLayerDock();
  QListWidget* list = dock->layerList();
  ASSERT_GT(list->count(), 0);
  const int id = dock->layerAt(0);
  list->setCurrentRow(0);
  EXPECT_EQ(s.model().selectedLayer(), id);
  dock->opacitySlider()->setValue(40);
  EXPECT_NEAR(s.model().scene().layer(id)->style.opacity, 0.4, 1e-9);
  list->item(0)->setCheckState(Qt::Unchecked);
  EXPECT_FALSE(s.model().scene().layer(id)->style.visible);
  list->item(0)->setCheckState(Qt::Checked);
  EXPECT_TRUE(s.model().scene().layer(id)->style.visible);
  if (list->count() > 1) {
    // Down moves the top layer one place down the list (and the scene).
    QTest::mouseClick(dock->downButton(), Qt::LeftButton);
    EXPECT_EQ(dock->layerAt(1), id);
    EXPECT_EQ(s.model().scene().layers()[s.model().scene().layers().size() - 2].id, id);
  }
  // A gene's count image from the molecules shown, named in the gene box.
  ASSERT_GT(dock->geneBox()->findText(QStringLiteral("Slc17a7")), -1) << "the molecules' genes";
  const std::size_t layersBefore = s.model().scene().layers().size();
  dock->geneBox()->setEditText(QStringLiteral("Slc17a7"));
  // Return in the box, which has the focus while one types (it hands keys to its line).
  QTest::keyClick(dock->geneBox(), Qt::Key_Return);
  ASSERT_EQ(s.model().scene().layers().size(), layersBefore + 1);
  const SectionLayer* counts = s.model().scene().layer(s.model().selectedLayer());
  ASSERT_NE(counts, nullptr);
  EXPECT_NE(counts->name.find("Slc17a7"), std::string::npos) << counts->name;
  EXPECT_EQ(dock->layerAt(list->currentRow()), counts->id) << "the new layer is selected";
  EXPECT_EQ(list->count(), int(layersBefore + 1));

  // The view's settings: following the job, the tile cache's cap (kept as it was).
  dock->followJobBox()->setChecked(false);
  EXPECT_FALSE(s.model().followJob());
  dock->followJobBox()->setChecked(true);
  EXPECT_TRUE(s.model().followJob());
  const int cacheMiB = dock->cacheBox()->value();
  EXPECT_EQ(s.model().cacheCap(), std::size_t(cacheMiB) << 20);
  dock->cacheBox()->setValue(cacheMiB + 100);
  EXPECT_EQ(s.model().cacheCap(), std::size_t(cacheMiB + 100) << 20);
  EXPECT_EQ(ui::SectionLayerDock::savedCacheMiB(), cacheMiB + 100);
  dock->cacheBox()->setValue(cacheMiB);
  EXPECT_EQ(ui::SectionLayerDock::savedCacheMiB(), cacheMiB);
  // A drag in the list (a row moved in its model) reorders the scene once the drop is done.
  if (list->count() > 2) {
    const int top = dock->layerAt(0);
    ASSERT_TRUE(list->model()->moveRow(QModelIndex(), 0, QModelIndex(), 3));
    ASSERT_EQ(dock->layerAt(2), top);
    ASSERT_TRUE(QTest::qWaitFor([&] {
      const auto& layers = s.model().scene().layers();
      return layers[layers.size() - 3].id == top;
    }));
    EXPECT_EQ(dock->layerAt(2), top) << "the list is redrawn from the scene in the same order";
  }
  // View → Section Explorer and its shortcut are listed in Help → Keyboard shortcuts.
  // So are the section view's own keys.
  bool explorer = false, nextPlane = false;
  for (const auto& e : ui::ShortcutsDialog::shortcutsOf(&s.window)) {
    explorer = explorer || (e.action == QStringLiteral("Section Explorer") &&
                            e.place == QStringLiteral("View"));
    nextPlane =
        nextPlane || (e.action == QStringLiteral("Next plane") && e.keys == QStringLiteral(".") &&
                      e.place == QStringLiteral("Section view"));
  }
  EXPECT_TRUE(explorer);
  EXPECT_TRUE(nextPlane);
}

TEST(SectionViewGui, TheExportDialogSizesTheViewAtThePixelSizeSet) {
  SectionStudio s;
  ui::SectionExportDialog dialog(s.model(), &s.window);
  EXPECT_NEAR(dialog.pixelUm(), s.model().camera().umPerPixel, 1e-4) << "the screen's by default";
  dialog.findChild<QDoubleSpinBox*>()->setValue(0.5);
  const RectUm region = s.model().camera().visibleUm();
  EXPECT_EQ(dialog.sizeText(), QStringLiteral("%1 × %2 px")
                                   .arg(qint64(std::llround(region.width() / 0.5)))
                                   .arg(qint64(std::llround(region.height() / 0.5))));
  // The size shown is the size written, also where rounding up would give one pixel more: a
  // pixel size (on the box's 4 decimals) at which the width is a whole number and a quarter.
  double pixelUm = 0;
  for (int k = 0; k < 5000 && !pixelUm; ++k) {
    const double candidate = 0.5 + k * 1e-4, columns = region.width() / candidate;
    if (columns - std::floor(columns) > 0.1 && columns - std::floor(columns) < 0.4)
      pixelUm = candidate;
  }
  ASSERT_GT(pixelUm, 0);
  dialog.findChild<QDoubleSpinBox*>()->setValue(pixelUm);
  test::ScratchDirectory scratch;
  const SectionExportResult written =
      s.model().exportViewNow(scratch / "sized.png", dialog.pixelUm());
  EXPECT_EQ(dialog.sizeText(), QStringLiteral("%1 × %2 px").arg(written.width).arg(written.height));
  dialog.findChild<QDoubleSpinBox*>()->setValue(0.001);
  EXPECT_TRUE(dialog.sizeText().isEmpty()) << "more than kMaxExportSide a side is refused";
}

TEST(SectionViewGui, AnExportHasThePixelSizeAskedForAndAScaleBar) {
  SectionStudio s;
  test::ScratchDirectory scratch;
  // Layers hidden: what is white in the corner is the scale bar.
  for (const SectionLayer& layer : s.model().scene().layers())
    s.model().setVisible(layer.id, false);
  const RectUm region = s.model().camera().visibleUm();
  const auto file = scratch / "view.png";
  const SectionExportResult result = s.model().exportViewNow(file, 2.0);
  const QImage image(QString::fromStdString(file.string()));
  ASSERT_FALSE(image.isNull()) << file;
  EXPECT_NEAR(image.width(), region.width() / 2, 1.0);
  EXPECT_NEAR(image.height(), region.height() / 2, 1.0);
  EXPECT_EQ(image.width(), result.width);
  EXPECT_EQ(image.height(), result.height);
  EXPECT_GT(result.scaleBar.lengthUm, 0);
  int white = 0, elsewhere = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const QRgb p = image.pixel(x, y);
      if (qRed(p) < 240 || qGreen(p) < 240 || qBlue(p) < 240) continue;
      (x < image.width() / 2 && y > image.height() * 3 / 4 ? white : elsewhere) += 1;
    }
  EXPECT_GT(white, 20) << "the scale bar in the bottom-left corner";
  // Its length as drawn: the longest run of near-white pixels in a bottom-left row (the label's
  // strokes are shorter) is the bar's µm at 2 µm a pixel.
  int longestRun = 0;
  for (int y = image.height() * 3 / 4; y < image.height(); ++y) {
    int run = 0;
    for (int x = 0; x < image.width() / 2; ++x) {
      const QRgb p = image.pixel(x, y);
      run = qRed(p) >= 240 && qGreen(p) >= 240 && qBlue(p) >= 240 ? run + 1 : 0;
      longestRun = std::max(longestRun, run);
    }
  }
  EXPECT_NEAR(longestRun, result.scaleBar.lengthUm / 2, 2.0)
      << "a " << result.scaleBar.lengthUm << " µm bar at 2 µm a pixel";
}

TEST(SectionViewGui, ARunningJobsTilesAppearAtLevelZero) {
  SectionStudio s(true);
  ASSERT_TRUE(QTest::qWaitFor([&] { return s.window.conditionReady(); }, 60000))
      << "the condition was never prepared";
  test::ScratchDirectory scratch;
  std::set<int> before;
  for (const SectionLayer& layer : s.model().scene().layers()) before.insert(layer.id);
  ASSERT_TRUE(s.window.sectionLayerDock()->followJobBox()->isChecked());
  JobSettings job;
  job.region = RegionKind::DemoBlock;
  job.seed = 7;
  job.steps = 2;
  job.tilePatches = 2;
  job.output = scratch / "job.zarr";
  s.window.studio().setJobSettings(job);
  ASSERT_TRUE(s.window.startGeneration()) << s.window.lastError().toStdString();
  // The job's first tile: a generated layer in the section view (live while the job runs).
  const auto generatedLayer = [&]() -> const SectionLayer* {
    for (const SectionLayer& layer : s.model().scene().layers())
      if (!before.count(layer.id) && layer.kind == SectionLayerKind::Image) return &layer;
    return nullptr;
  };
  ASSERT_TRUE(QTest::qWaitFor(
      [&] {
        return (generatedLayer() && !s.window.studio().state().tiles.cores.empty()) ||
               !s.window.jobActive();
      },
      120000));
  // Paused at once, so that what follows sees a running job's tiles, not a finished store's
  // (the job has 35 tiles; the first few are out when the layer shows them: it has not ended).
  s.window.studio().pauseJob();
  const GenerationProgress& progress = s.window.studio().state().jobStatus.progress;
  ASSERT_TRUE(s.window.jobActive())
      << "the job ended before its first tile was seen paused (" << progress.tilesFinished << " of "
      << progress.tilesTotal << " tiles)";
  ASSERT_NE(generatedLayer(), nullptr) << "no generated layer in the section view";
  EXPECT_TRUE(generatedLayer()->live) << "a running job's layer is live";
  const GeneratedTiles& tiles = s.window.studio().state().tiles;
  ASSERT_FALSE(tiles.cores.empty());
  const RectUm tile = GeneratedTileSource::tileRect(tiles, tiles.cores.rbegin()->first);
  // Only the generated layers shown, close up on the tile at its own resolution.
  for (const SectionLayer& layer : s.model().scene().layers()) {
    if (before.count(layer.id)) s.model().setVisible(layer.id, false);
  }
  const SectionLayer* generated = generatedLayer();
  const auto source = s.model().scene().source(generated->source);
  ASSERT_NE(source, nullptr);
  const double pixelUm = source->info().levels.at(0).pixelUm;
  SectionCamera close = s.model().camera();
  close.centreXUm = (tile.x0 + tile.x1) / 2;
  close.centreYUm = (tile.y0 + tile.y1) / 2;
  close.umPerPixel = pixelUm * 0.75;
  s.model().setCamera(close);
  EXPECT_EQ(levelForScale(source->info(), s.model().camera().umPerPixel), 0);
  ASSERT_TRUE(s.waitDrawn()) << s.model().lastStats().missing.size() << " tiles missing";
  EXPECT_GT(s.model().lastStats().tilesDrawn, 0);
  const QImage frame = s.view()->grab().toImage();
  EXPECT_GT(brightestAround(frame, frame.width() / 2, frame.height() / 2, 4), 0)
      << "the generated tile's centre is drawn";
  // Swipe: the real stains left of the line, the generated right of it, differ.
  for (const SectionLayer& layer : s.model().scene().layers()) s.model().setVisible(layer.id, true);
  s.model().setCompareMode(CompareMode::Swipe);
  s.model().setSwipe(1.0);
  ASSERT_TRUE(s.waitDrawn());
  const QImage left = s.view()->grab().toImage();
  s.model().setSwipe(0.0);
  ASSERT_TRUE(s.waitDrawn());
  const QImage right = s.view()->grab().toImage();
  EXPECT_NE(left, right) << "real and generated look the same across the swipe line";
  EXPECT_TRUE(s.window.jobActive()) << "all of the above while the job was paused";
  EXPECT_TRUE(generatedLayer()->live);
  s.window.studio().resumeJob();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !s.window.jobActive(); }, 120000));
  EXPECT_TRUE(QTest::qWaitFor([&] { return generatedLayer() && !generatedLayer()->live; }, 60000))
      << "a finished job's layer is no longer live";
}

}  // namespace
}  // namespace teramind
