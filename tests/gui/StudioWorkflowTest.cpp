// The studio's whole workflow driven through its widgets, under xvfb: find a region, paint
// and undo, generate with a tiny model and watch tiles arrive, attention, exports, sessions.
#include <gtest/gtest.h>
#include <QAction>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTest>
#include <QTreeWidget>
#include <QWheelEvent>
#include <cmath>
#include <fstream>

#include "AtlasScene.h"
#include "AttentionDock.h"
#include "AttentionHeatmap.h"
#include "GenePanelDock.h"
#include "JobDock.h"
#include "MainWindow.h"
#include "OntologyDock.h"
#include "PaintDock.h"
#include "SliceScene.h"
#include "SliceViewPanel.h"
#include "StudioSceneBinding.h"
#include "TransferFunctionEditor.h"
#include "VolumeDock.h"
#include "VtkViewport.h"
#include "common/ResourceLocator.h"
#include "io/OmeZarrStore.h"
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

// An untrained `tiny` model on the demo's 8 most expressed genes (Slc17a7 among them):
// generation and attention run in seconds.
std::shared_ptr<const MorphologyModel> tinyModel() {
  static auto model = [] {
    auto genes = mostExpressedGenes(*demoDataset(), 8, {"Slc17a7"});
    return std::make_shared<const MorphologyModel>(namedModelConfig("tiny"), genes, 3);
  }();
  return model;
}

// A shown studio with the demo data and the tiny model, its condition prepared.
struct Studio {
  ui::MainWindow window{bundledAtlas()};
  Studio() {
    window.resize(1280, 800);
    window.showDataset(demoDataset(), bundledDemoDataset());
    window.setModel(tinyModel());
    window.show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(&window));
    EXPECT_TRUE(QTest::qWaitFor([&] { return window.conditionReady(); }, 60000))
        << "the condition was never prepared";
  }
};

double geneTotal(const BinnedCondition& c, const std::string& gene) {
  double sum = 0;
  c.forEachNonZero(*c.geneIndex(gene), [&](const BinIndex&, float v) { sum += v; });
  return sum;
}

double greyStdDev(const QImage& image) {
  double sum = 0, squares = 0;
  const double n = double(image.width()) * image.height();
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const double g = qGray(image.pixel(x, y));
      sum += g;
      squares += g * g;
    }
  return std::sqrt(std::max(0.0, squares / n - (sum / n) * (sum / n)));
}

TEST(StudioWorkflow, SearchingTheOntologySelectsAndHighlightsARegion) {
  ui::MainWindow window(bundledAtlas());
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ui::OntologyDock* dock = window.ontologyDock();
  QTest::keyClicks(dock->searchField(), QStringLiteral("field ca1"));
  EXPECT_EQ(dock->filter(QStringLiteral("field ca1")), 5) << "CA1 and its four layers";
  QTest::keyClick(dock->searchField(), Qt::Key_Return);
  EXPECT_EQ(window.scene().selectedStructure(), std::optional<StructureId>(382));
  ASSERT_NE(dock->tree()->currentItem(), nullptr);
  EXPECT_EQ(dock->tree()->currentItem()->text(1), QStringLiteral("CA1"));
  // Choosing in the tree selects too.
  dock->searchField()->clear();
  QTest::keyClicks(dock->searchField(), QStringLiteral("SSp-ul5"));
  QTest::keyClick(dock->searchField(), Qt::Key_Return);
  EXPECT_EQ(window.scene().selectedStructure(),
            std::optional<StructureId>(bundledAtlas()->ontology().findAcronym("SSp-ul5")->id));
}

// The three slice views follow a selection, pick what is clicked in them and step with the wheel.
TEST(StudioWorkflow, SliceViewsFollowTheSelectionPickAndStep) {
  ui::MainWindow window(bundledAtlas());
  window.resize(1280, 800);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  const Atlas& atlas = *bundledAtlas();
  ui::SliceViewPanel* slices = window.sliceViews();
  window.selectStructureId(382);  // CA1: the cursor moves into it
  const auto inCa1 = StructureId(atlas.annotation().at(slices->cursor().voxel()));
  EXPECT_TRUE(atlas.ontology().isDescendantOrSelf(inCa1, 382));
  EXPECT_EQ(slices->scene(SliceOrientation::Coronal).sliceIndex(),
            int(slices->cursor().voxel()[0]));

  // A click in the middle of the coronal view: the cursor goes there (same coronal slice) and
  // the structure under it is selected and named while hovering.
  ui::VtkViewport* coronal = slices->viewport(SliceOrientation::Coronal);
  const auto before = slices->cursor().voxel();
  const QPoint centre(coronal->width() / 2, coronal->height() / 2);
  QTest::mouseMove(coronal, centre);
  QTest::mouseClick(coronal, Qt::LeftButton, Qt::NoModifier, centre);
  const auto after = slices->cursor().voxel();
  EXPECT_EQ(after[0], before[0]);
  EXPECT_NEAR(double(after[2]), double(atlas.annotation().dims()[2] - 1) / 2, 2.0);
  const Structure* picked = atlas.ontology().find(StructureId(atlas.annotation().at(after)));
  ASSERT_NE(picked, nullptr) << "the middle of a coronal slice is brain";
  EXPECT_EQ(window.scene().selectedStructure(), std::optional<StructureId>(picked->id));
  EXPECT_TRUE(window.structureUnderCursor().contains(QString::fromStdString(picked->acronym)))
      << window.structureUnderCursor().toStdString();

  // One wheel notch over the sagittal view moves one sagittal slice and leaves the others.
  ui::VtkViewport* sagittal = slices->viewport(SliceOrientation::Sagittal);
  const QPointF at(sagittal->width() / 2.0, sagittal->height() / 2.0);
  QWheelEvent wheel(at, sagittal->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(sagittal, &wheel);
  EXPECT_EQ(slices->cursor().voxel()[2], after[2] + 1);
  EXPECT_EQ(slices->cursor().voxel()[0], after[0]);
  EXPECT_EQ(slices->scene(SliceOrientation::Sagittal).sliceIndex(), int(after[2] + 1));
}

// Presets switch the template's look and blend; dragging a point in the editor changes the
// rendering; an edited function saved as a preset is listed and reloads the same.
TEST(StudioWorkflow, VolumePresetsAndTheOpacityEditorDriveTheRendering) {
  ui::MainWindow window(bundledAtlas());
  window.resize(1280, 800);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ui::VolumeDock* dock = window.volumeDock();
  for (const char* name : {"tissue", "maximum intensity", "dense tissue", "fire"})
    EXPECT_TRUE(dock->presetNames().contains(name)) << name;
  EXPECT_EQ(window.scene().transferFunction().name(), "tissue");
  ASSERT_TRUE(dock->choosePreset(QStringLiteral("maximum intensity")));
  EXPECT_EQ(window.scene().blend(), render::VolumeBlend::MaximumIntensity);
  ASSERT_TRUE(dock->choosePreset(QStringLiteral("tissue")));
  EXPECT_EQ(window.scene().blend(), render::VolumeBlend::Composite);

  dock->raise();
  ui::TransferFunctionEditor* editor = dock->editor();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(editor));
  const int last = int(editor->transferFunction().opacityPoints().size()) - 1;
  const QPoint from = editor->opacityPointPosition(last);
  QTest::mousePress(editor, Qt::LeftButton, Qt::NoModifier, from);
  QTest::mouseMove(editor, from + QPoint(0, 25));
  QTest::mouseRelease(editor, Qt::LeftButton, Qt::NoModifier, from + QPoint(0, 25));
  const double lowered = window.scene().transferFunction().opacityAt(1.0);
  EXPECT_LT(lowered, 0.12);
  EXPECT_GT(lowered, 0.0);

  const auto file = dock->savePreset(QStringLiteral("my tissue"));
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_TRUE(dock->presetNames().contains(QStringLiteral("my tissue")));
  EXPECT_DOUBLE_EQ(TransferFunction::load(file).opacityAt(1.0), lowered);
  std::filesystem::remove(file);
}

TEST(StudioWorkflow, ClickingTheSectionSelectsTheStructureUnderIt) {
  Studio s;
  QTest::qWait(200);
  ui::VtkViewport* view = s.window.viewport();
  const QPoint centre(view->width() / 2, view->height() / 2);
  s.window.hoverAt(int(centre.x() * view->devicePixelRatioF()),
                   int((view->height() - centre.y() - 1) * view->devicePixelRatioF()));
  EXPECT_TRUE(s.window.structureUnderCursor().startsWith("Under cursor: "))
      << s.window.structureUnderCursor().toStdString();
  QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, centre);
  ASSERT_TRUE(s.window.scene().selectedStructure().has_value());
  const auto& name = bundledAtlas()->ontology().byId(*s.window.scene().selectedStructure()).acronym;
  EXPECT_TRUE(s.window.structureUnderCursor().contains(QString::fromStdString(name)));
}

TEST(StudioWorkflow, KnockOutInAStructureThenUndoAndRedo) {
  Studio s;
  const auto& document = s.window.studio().state().workspace.condition();
  const double before = geneTotal(document.condition(), "Slc17a7");
  ASSERT_GT(before, 0);
  ASSERT_TRUE(s.window.selectStructure(QStringLiteral("SSp-ul5")));
  ASSERT_TRUE(s.window.paintDock()->setGene(QStringLiteral("Slc17a7")));
  s.window.paintDock()->setOperation(0);
  QTest::mouseClick(s.window.paintDock()->applyToStructureButton(), Qt::LeftButton);
  ASSERT_EQ(s.window.studio().historyTexts().size(), 1u);
  EXPECT_EQ(s.window.studio().historyTexts()[0].rfind("knock out Slc17a7 in SSp-ul5", 0), 0u)
      << s.window.studio().historyTexts()[0];
  EXPECT_EQ(s.window.paintDock()->history()->count(), 2) << "the measured condition and the edit";
  const double knocked = geneTotal(document.condition(), "Slc17a7");
  EXPECT_LT(knocked, before);
  // Back to the measured condition by a click in the dock's history, then forward by redo.
  QTest::mouseClick(s.window.paintDock()->history()->viewport(), Qt::LeftButton, Qt::NoModifier,
                    s.window.paintDock()
                        ->history()
                        ->visualItemRect(s.window.paintDock()->history()->item(0))
                        .center());
  EXPECT_EQ(geneTotal(document.condition(), "Slc17a7"), before);
  EXPECT_TRUE(s.window.studio().canRedo());
  s.window.studio().redo();
  EXPECT_EQ(geneTotal(document.condition(), "Slc17a7"), knocked);
  // A painted section is what jobs and attention get.
  EXPECT_LT(s.window.studio().state().workspace.paintedSection()->counts.size(), std::size_t(1)
                                                                                     << 40);
}

TEST(StudioWorkflow, ABrushStrokeOnTheSectionPaintsAndUndoes) {
  Studio s;
  // The section's picture (from the section view's pyramid tiles, read on its workers) frames
  // the 3D view the brush paints in.
  ASSERT_TRUE(QTest::qWaitFor([&] { return s.window.scene().hasSection(); }, 10000));
  QTest::qWait(200);
  ASSERT_TRUE(s.window.paintDock()->setGene(QStringLiteral("Slc17a7")));
  s.window.paintDock()->setOperation(0);
  s.window.paintDock()->setBrushActive(true);
  EXPECT_FALSE(s.window.viewport()->cameraInteraction());
  const auto& document = s.window.studio().state().workspace.condition();
  const double before = geneTotal(document.condition(), "Slc17a7");
  ui::VtkViewport* view = s.window.viewport();
  const QPoint a(view->width() / 2 - 30, view->height() / 2),
      b(view->width() / 2 + 30, view->height() / 2);
  QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, a);
  for (int i = 1; i <= 6; ++i) {
    QMouseEvent move(QEvent::MouseMove, a + (b - a) * i / 6, view->mapToGlobal(a + (b - a) * i / 6),
                     Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view, &move);
  }
  QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, b);
  ASSERT_EQ(s.window.studio().historyTexts().size(), 1u) << s.window.lastError().toStdString();
  EXPECT_EQ(s.window.studio().historyTexts()[0].rfind("knock out Slc17a7 in brush r=40", 0), 0u);
  EXPECT_LT(geneTotal(document.condition(), "Slc17a7"), before);
  QAction* undo = nullptr;
  for (QAction* action : s.window.findChildren<QAction*>())
    if (action->shortcut() == QKeySequence(QKeySequence::Undo)) undo = action;
  ASSERT_NE(undo, nullptr) << "Edit → Undo";
  undo->trigger();
  EXPECT_EQ(geneTotal(document.condition(), "Slc17a7"), before);
  s.window.paintDock()->setBrushActive(false);
  EXPECT_TRUE(s.window.viewport()->cameraInteraction());
}

TEST(StudioWorkflow, AGenerationJobFillsTheViewTileByTileAndResumesAfterCancel) {
  Studio s;
  test::ScratchDirectory scratch;
  ui::JobDock* dock = s.window.jobDock();
  JobSettings job;
  job.region = RegionKind::DemoBlock;
  job.seed = 7;
  job.steps = 2;
  job.tilePatches = 2;
  job.output = scratch / "job.zarr";
  s.window.studio().setJobSettings(job);
  EXPECT_EQ(dock->findChild<QLineEdit*>(QStringLiteral("jobOutput"))->text().toStdString(),
            job.output.string())
      << "the dock shows the model's settings";
  // The dock's status counts tiles as they finish, not "0/N" until the end.
  QStringList statuses;
  auto* status = dock->findChild<QLabel*>(QStringLiteral("jobStatus"));
  const int listener = s.window.studio().subscribe([&](StudioChange c) {
    if (c == StudioChange::Job) statuses << status->text();
  });
  // Cancel as soon as the first tiles arrive...
  QTest::mouseClick(dock->runButton(), Qt::LeftButton);
  ASSERT_TRUE(s.window.jobActive()) << s.window.lastError().toStdString();
  EXPECT_FALSE(dock->findChild<QWidget*>(QStringLiteral("jobSampler"))->isEnabled())
      << "the sampler, like the other settings, is fixed while the job runs";
  ASSERT_TRUE(QTest::qWaitFor(
      [&] { return s.window.scene().generatedTileCount() > 0 || !s.window.jobActive(); }, 120000));
  QTest::mouseClick(dock->cancelButton(), Qt::LeftButton);
  // The dock turns back to Run once the job has ended and its last tiles are shown.
  ASSERT_TRUE(QTest::qWaitFor([&] { return dock->runButton()->isEnabled(); }, 60000));
  const auto first = s.window.studio().state().jobStatus.state;
  EXPECT_TRUE(first == JobState::Cancelled || first == JobState::Finished);
  // ...then run again on the same output: it resumes and finishes.
  QTest::mouseClick(dock->runButton(), Qt::LeftButton);
  ASSERT_TRUE(QTest::qWaitFor([&] { return dock->runButton()->isEnabled(); }, 120000));
  EXPECT_EQ(s.window.studio().state().jobStatus.state, JobState::Finished)
      << s.window.studio().state().jobStatus.error;
  EXPECT_EQ(dock->progressBar()->value(), 1000);
  s.window.studio().unsubscribe(listener);
  statuses.removeDuplicates();
  // Live: the dock shows the tiles' DDIM step and the tiles written while it runs (how they
  // count up is StudioModel.AJobCountsTilesLive…).
  const QStringList stepping =
      statuses.filter(QRegularExpression(QStringLiteral("step [0-9]+/[0-9]+ of [0-9]+ tiles")));
  EXPECT_GE(stepping.size(), 1) << statuses.join(QStringLiteral(" | ")).toStdString();
  // Demo block: 24 × 24 bins; tiny tiles are 2 patches; every tile with counts is shown.
  const auto store = OmeZarrStore::open(scratch / "job.zarr");
  int chunks = 0;
  for (std::int64_t r = 0; r < store.layout().chunkRows(0); ++r)
    for (std::int64_t q = 0; q < store.layout().chunkCols(0); ++q)
      chunks += store.hasChunk(0, 0, 0, r, q) ? 1 : 0;
  EXPECT_GT(chunks, 0);
  EXPECT_EQ(s.window.scene().generatedTileCount(), s.window.sceneBinding()->tilesShown());
  EXPECT_GT(s.window.sceneBinding()->tilesShown(), 0);
  // Each tile is uploaded once as it arrives (one texture per tile).
  const auto tile = std::size_t(store.layout().chunk) * std::size_t(store.layout().chunk) * 4;
  EXPECT_EQ(s.window.scene().generatedUploadBytes(),
            tile * std::size_t(s.window.scene().generatedTileCount()));
  // The volume export reads the job's output.
  const auto nrrd = scratch / "generated.nrrd";
  ASSERT_TRUE(s.window.exportVolume(QString::fromStdString(nrrd.string())))
      << s.window.lastError().toStdString();
  EXPECT_GT(std::filesystem::file_size(nrrd), 1000u);
}

TEST(StudioWorkflow, TheAttentionDockShowsTheMatrixAndMapsAPair) {
  Studio s;
  test::ScratchDirectory scratch;
  ASSERT_EQ(s.window.genePanelDock()->setPanel({QString::fromStdString(tinyModel()->genes()[0]),
                                                QString::fromStdString(tinyModel()->genes()[1])}),
            2);
  QTest::mouseClick(s.window.attentionDock()->computeButton(), Qt::LeftButton);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !s.window.attentionBusy(); }, 60000));
  ASSERT_NE(s.window.attentionDock()->result(), nullptr) << s.window.lastError().toStdString();
  ui::AttentionHeatmap* heatmap = s.window.attentionDock()->heatmap();
  EXPECT_EQ(heatmap->size(), 8);
  const auto [q, k] = heatmap->pairAt(heatmap->cellCentre(0, 1));
  ASSERT_GE(q, 0);
  EXPECT_TRUE(heatmap->describe(q, k).contains(QStringLiteral("→")));
  // A click on the panel pair draws its pathway map over the section.
  const auto& order = s.window.attentionDock()->result()->clusteredOrder();
  int row0 = -1, col1 = -1;
  for (int i = 0; i < 8; ++i) {
    if (order[std::size_t(i)] == 0) row0 = i;
    if (order[std::size_t(i)] == 1) col1 = i;
  }
  QTest::mouseClick(heatmap, Qt::LeftButton, Qt::NoModifier, heatmap->cellCentre(row0, col1));
  EXPECT_TRUE(s.window.scene().hasOverlay("pathway"));
  const auto csv = scratch / "attention.csv";
  ASSERT_TRUE(s.window.exportAttentionCsv(QString::fromStdString(csv.string())));
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("gene,", 0), 0u);
  EXPECT_NE(header.find(tinyModel()->genes()[0]), std::string::npos);
}

TEST(StudioWorkflow, ScreenshotExportWritesANonBlankPng) {
  Studio s;
  test::ScratchDirectory scratch;
  const auto png = scratch / "view.png";
  ui::ScreenshotRequest request;
  request.file = QString::fromStdString(png.string());
  request.scale = 2;
  s.window.saveScreenshot(request);
  QImage image(request.file);
  ASSERT_FALSE(image.isNull()) << s.window.lastError().toStdString();
  EXPECT_EQ(image.width(), 2 * s.window.viewport()->width());
  EXPECT_GT(greyStdDev(image), 8.0) << "the screenshot looks blank";

  // See-through: the background corner has alpha 0, the brain in the middle does not.
  request.file = QString::fromStdString((scratch / "transparent.png").string());
  request.scale = 1;
  request.transparent = true;
  s.window.saveScreenshot(request);
  const QImage clear(request.file);
  ASSERT_TRUE(clear.hasAlphaChannel()) << s.window.lastError().toStdString();
  EXPECT_EQ(qAlpha(clear.pixel(1, 1)), 0);
  EXPECT_GT(qAlpha(clear.pixel(clear.width() / 2, clear.height() / 2)), 0);

  // The whole window, docks and slice views included, as on screen.
  request.file = QString::fromStdString((scratch / "window.png").string());
  request.wholeWindow = true;
  s.window.saveScreenshot(request);
  const QImage window(request.file);
  EXPECT_EQ(window.size(), s.window.size());

  // A folder that does not exist: an error dialog names the file, nothing crashes.
  request.file = QString::fromStdString((scratch / "missing" / "x.png").string());
  request.wholeWindow = false;
  s.window.saveScreenshot(request);
  EXPECT_TRUE(s.window.lastError().contains("x.png")) << s.window.lastError().toStdString();
}

TEST(StudioWorkflow, ASessionRestoresStructurePanelCameraAndPaint) {
  test::ScratchDirectory scratch;
  const QString file = QString::fromStdString((scratch / "session.json").string());
  render::CameraPose pose;
  {
    Studio s;
    s.window.selectStructure(QStringLiteral("SSp-ul5"));
    s.window.genePanelDock()->setPanel({QString::fromStdString(tinyModel()->genes()[2])});
    ASSERT_TRUE(s.window.paintDock()->setGene(QStringLiteral("Slc17a7")));
    ASSERT_TRUE(s.window.paintSelectedStructure());
    pose = s.window.scene().cameraPose();
    ASSERT_TRUE(s.window.saveSession(file)) << s.window.lastError().toStdString();
  }
  Studio t;
  t.window.selectStructure(QStringLiteral("CA1"));
  ASSERT_TRUE(t.window.openSession(file)) << t.window.lastError().toStdString();
  // The edits are replayed once the condition is prepared again.
  ASSERT_TRUE(QTest::qWaitFor(
      [&] { return !t.window.studio().busy() && t.window.studio().historyTexts().size() == 1; },
      60000));
  EXPECT_EQ(t.window.scene().selectedStructure(),
            std::optional<StructureId>(bundledAtlas()->ontology().findAcronym("SSp-ul5")->id));
  EXPECT_EQ(t.window.genePanelDock()->panel(),
            QStringList{QString::fromStdString(tinyModel()->genes()[2])});
  EXPECT_NEAR(t.window.scene().cameraPose().position[0], pose.position[0], 1e-6);
  EXPECT_TRUE(t.window.studio().canUndo()) << "the painted edit is replayed, undoably";
  // A broken session is refused with its file named, and the studio stays as it was.
  std::ofstream(scratch / "broken.json") << "{\"format\": \"something else\"}";
  EXPECT_FALSE(t.window.openSession(QString::fromStdString((scratch / "broken.json").string())));
  EXPECT_TRUE(t.window.lastError().contains("broken.json"));
}

}  // namespace
}  // namespace teramind
