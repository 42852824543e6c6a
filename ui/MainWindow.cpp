#include "MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QThread>
#include <QUndoStack>
#include <algorithm>

#include "AtlasScene.h"
#include "AttentionDock.h"
#include "GenePanelDock.h"
#include "GenerationController.h"
#include "JobDock.h"
#include "OntologyDock.h"
#include "PaintDock.h"
#include "PaintUndoCommand.h"
#include "ScreenshotDialog.h"
#include "SectionRasters.h"
#include "SliceViewPanel.h"
#include "VolumeDock.h"
#include "VtkViewport.h"
#include "analysis/PathwayMap.h"
#include "atlas/AtlasSlice.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/OmeZarrVolume.h"
#include "io/VolumeFile.h"
#include "model/ComputeRuntime.h"
#include "volume/ValueHistogram.h"
#include "workflow/StudioSession.h"

namespace teramind::ui {
namespace {

QString describeEdit(const ConditionEdit& edit, const EditCommand& applied, const Atlas& atlas) {
  QString where;
  if (const auto* region = std::get_if<AtlasRegionSelection>(&edit.selection()))
    where = QString::fromStdString(atlas.ontology().byId(region->structureId).acronym);
  else if (const auto* brush = std::get_if<BrushStroke>(&edit.selection()))
    where = QObject::tr("brush r=%1 µm").arg(brush->radiusUm);
  else
    where = QObject::tr("polygon");
  return QObject::tr("%1 %2 on %3 (%L4 bins)")
      .arg(QString::fromLatin1(operationName(edit.operation())),
           QString::fromStdString(edit.gene()), where)
      .arg(applied.changes().size());
}

// The 99th percentile of the positive values: a colour scale that a few hot bins do not flatten.
double robustMaximum(std::vector<float> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](float v) { return !(v > 0); }),
               values.end());
  if (values.empty()) return 1;
  const auto k = std::size_t(0.99 * double(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
  return std::max(1e-6, double(values[k]));
}

}  // namespace

MainWindow::MainWindow(std::shared_ptr<const Atlas> atlas, QWidget* parent)
    : QMainWindow(parent),
      workspace_(std::move(atlas)),
      scene_(std::make_unique<render::AtlasScene>(workspace_.atlas())) {
  setWindowTitle(QStringLiteral("Tera-MIND Studio"));
  setAcceptDrops(true);
  setDockNestingEnabled(true);
  viewport_ = new VtkViewport(this);
  viewport_->setRenderer(scene_->renderer());
  viewport_->setMinimumSize(200, 150);
  slicePanel_ = new SliceViewPanel(workspace_.atlas(), this);
  auto* views = new QSplitter(Qt::Horizontal, this);
  views->addWidget(viewport_);
  views->addWidget(slicePanel_);
  views->setStretchFactor(0, 2);
  views->setStretchFactor(1, 1);
  views->setSizes({2000, 1000});  // proportions until the window has a size
  views->setChildrenCollapsible(false);
  setCentralWidget(views);
  undoStack_ = new QUndoStack(this);
  buildDocks();

  selection_ = new QLabel(this);
  hoverLabel_ = new QLabel(this);
  hoverLabel_->setObjectName(QStringLiteral("hoverLabel"));
  datasetLabel_ = new QLabel(this);
  modelLabel_ = new QLabel(this);
  for (QLabel* l : {selection_, hoverLabel_, datasetLabel_, modelLabel_})
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusBar()->addWidget(selection_, 1);
  statusBar()->addWidget(hoverLabel_, 1);
  statusBar()->addPermanentWidget(datasetLabel_);
  statusBar()->addPermanentWidget(modelLabel_);
  buildMenus();
  updateStatus();

  connect(viewport_, &VtkViewport::hovered, this, &MainWindow::hoverAt);
  connect(viewport_, &VtkViewport::clicked, this, &MainWindow::clickAt);
  connect(viewport_, &VtkViewport::strokeMoved, this, &MainWindow::strokeAt);
  connect(viewport_, &VtkViewport::strokeFinished, this, &MainWindow::finishStroke);
  connect(slicePanel_, &SliceViewPanel::structurePicked, this,
          [this](StructureId id) { selectStructureId(id); });
  connect(slicePanel_, &SliceViewPanel::structureHovered, this, &MainWindow::showHovered);
  resize(1440, 900);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  if (settings.contains("window/geometry"))
    restoreGeometry(settings.value("window/geometry").toByteArray());
  if (settings.contains("window/state")) restoreState(settings.value("window/state").toByteArray());
}

MainWindow::~MainWindow() {
  for (QThread* t : {prepareThread_, attentionThread_})
    if (t) t->wait();
}

void MainWindow::buildDocks() {
  ontologyDock_ = new OntologyDock(workspace_.atlas().ontology(), this);
  genePanelDock_ = new GenePanelDock(this);
  paintDock_ = new PaintDock(undoStack_, this);
  jobDock_ = new JobDock(this);
  attentionDock_ = new AttentionDock(this);
  volumeDock_ =
      new VolumeDock((QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
                      "/presets/transfer_functions")
                         .toStdString(),
                     this);
  addDockWidget(Qt::LeftDockWidgetArea, ontologyDock_);
  addDockWidget(Qt::LeftDockWidgetArea, genePanelDock_);
  addDockWidget(Qt::RightDockWidgetArea, jobDock_);
  addDockWidget(Qt::RightDockWidgetArea, paintDock_);
  tabifyDockWidget(jobDock_, paintDock_);
  jobDock_->raise();
  addDockWidget(Qt::RightDockWidgetArea, attentionDock_);
  addDockWidget(Qt::LeftDockWidgetArea, volumeDock_);
  tabifyDockWidget(genePanelDock_, volumeDock_);
  genePanelDock_->raise();
  resizeDocks({ontologyDock_, jobDock_}, {300, 360}, Qt::Horizontal);
  connect(volumeDock_, &VolumeDock::transferFunctionChanged, this,
          [this](const TransferFunction& tf) {
            scene_->setTransferFunction(tf);
            if (QAction* a =
                    blendActions_[tf.blend() == TransferFunction::Blend::MaximumIntensity ? 1 : 0])
              a->setChecked(true);
            viewport_->requestRender();
          });
  connect(volumeDock_, &VolumeDock::problem, this,
          [this](const QString& message) { reportError(tr("Transfer-function preset"), message); });
  volumeDock_->loadPresets();
  if (const auto& t = workspace_.atlas().templateImage()) {
    volumeDock_->setHistogram(valueHistogram(t->voxels(), 64));
    volumeDock_->showTransferFunction(scene_->transferFunction());
  } else {
    volumeDock_->setEnabled(false);  // no template to render
  }

  generation_ = new GenerationController(workspace_, *scene_, jobDock_, this);
  connect(generation_, &GenerationController::sceneChanged, viewport_, &VtkViewport::requestRender);
  connect(generation_, &GenerationController::failed, this,
          [this](const QString& message) { reportError(tr("Generation failed"), message); });
  connect(generation_, &GenerationController::ended, this,
          [this](JobState state, const QString& out) {
            if (state == JobState::Finished) lastOutput_ = out;
          });
  connect(jobDock_, &JobDock::runRequested, this, &MainWindow::startGeneration);
  connect(jobDock_, &JobDock::cancelRequested, generation_, &GenerationController::cancel);
  connect(jobDock_, &JobDock::displayChanged, generation_, &GenerationController::redraw);

  connect(ontologyDock_, &OntologyDock::structureChosen, this,
          [this](StructureId id) { selectStructureId(id); });
  connect(genePanelDock_, &GenePanelDock::panelChanged, attentionDock_, &AttentionDock::setPanel);
  connect(genePanelDock_, &GenePanelDock::overlayGeneChanged, this, &MainWindow::updateGeneOverlay);
  connect(paintDock_, &PaintDock::applyToStructureRequested, this,
          &MainWindow::paintSelectedStructure);
  connect(paintDock_, &PaintDock::brushToggled, this, [this](bool on) {
    viewport_->setCameraInteraction(!on);
    statusBar()->showMessage(on ? tr("Brush: drag on the section to paint %1")
                                      .arg(QString::fromStdString(paintDock_->gene()))
                                : tr("Brush off: the mouse moves the camera"),
                             4000);
  });
  connect(attentionDock_, &AttentionDock::computeRequested, this, &MainWindow::computeAttention);
  connect(attentionDock_, &AttentionDock::pairClicked, this, &MainWindow::showPathway);
  connect(attentionDock_, &AttentionDock::exportRequested, this, [this] {
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export attention matrix"), QStringLiteral("attention.csv"), tr("CSV (*.csv)"));
    if (!file.isEmpty()) exportAttentionCsv(file);
  });
}

void MainWindow::reportError(const QString& title, const QString& text) {
  lastError_ = text;
  statusBar()->showMessage(text, 10000);
  // Not modal-blocking: the studio keeps running (and scripted runs are never stuck).
  auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

bool MainWindow::selectStructure(const QString& acronym) {
  const Structure* s = workspace_.atlas().ontology().findAcronym(acronym.trimmed().toStdString());
  if (!s) {
    statusBar()->showMessage(tr("Unknown structure '%1'").arg(acronym), 5000);
    return false;
  }
  selectStructureId(s->id);
  return true;
}

void MainWindow::selectStructureId(std::optional<StructureId> id) {
  scene_->selectStructure(id);
  slicePanel_->selectStructure(id);
  // Bring the region into the slice views unless the cursor is already in it (a click there).
  if (id) {
    const Atlas& atlas = workspace_.atlas();
    const auto here = StructureId(atlas.annotation().at(slicePanel_->cursor().voxel()));
    if (!atlas.ontology().contains(here) || !atlas.ontology().isDescendantOrSelf(here, *id))
      if (const auto v = regionCentreVoxel(atlas, *id)) slicePanel_->moveCursor(*v);
  }
  ontologyDock_->showStructure(id);
  paintDock_->setStructureName(
      id ? QString::fromStdString(workspace_.atlas().ontology().byId(*id).acronym) : QString());
  attentionDock_->chooseRegion(
      id ? QString::fromStdString(workspace_.atlas().ontology().byId(*id).acronym) : "section");
  updateStatus();
  viewport_->requestRender();
}

void MainWindow::saveScreenshot(const ScreenshotRequest& request) {
  try {
    if (request.wholeWindow) {
      const QImage image = grab().toImage();
      writeFileAtomically(request.file.toStdString(), [&](const std::filesystem::path& temporary) {
        if (image.isNull() || !image.save(QString::fromStdString(temporary.string()), "PNG"))
          throw FileError(request.file.toStdString(), "cannot write the PNG screenshot");
      });
    } else {
      render::ScreenshotOptions options;
      options.width = viewport_->width();
      options.height = viewport_->height();
      options.scale = request.scale;
      options.transparent = request.transparent;
      render::saveScreenshot(*scene_, request.file.toStdString(), options);
      viewport_->setRenderer(scene_->renderer());
    }
    statusBar()->showMessage(tr("Saved %1").arg(request.file), 5000);
  } catch (const std::exception& e) {
    viewport_->setRenderer(scene_->renderer());
    reportError(tr("Screenshot failed"), QString::fromStdString(e.what()));
  }
}

void MainWindow::showDataset(std::shared_ptr<const SpatialDataset> dataset,
                             const std::filesystem::path& source) {
  workspace_.setDataset(dataset, source);
  undoStack_->clear();
  datasetLabel_->clear();
  scene_->showSection(nullptr);
  scene_->clearGenerated();
  if (dataset) {
    QString summary = QString::fromStdString(dataset->name);
    if (const auto* t = dataset->transcripts())
      summary += tr(" · %L1 transcripts, %2 genes").arg(t->size()).arg(t->genes.geneCount());
    else if (const auto* c = dataset->cells())
      summary += tr(" · %L1 cells, %2 genes").arg(c->cellCount()).arg(c->genes.geneCount());
    datasetLabel_->setText(summary);
    if (!dataset->stains.empty()) {
      try {
        // The scene draws at most 1024 px a side: a 2048-px overview, read by window, keeps a
        // whole-section mosaic out of memory.
        const auto stain = dataset->readStain(dataset->stains.front(), 2048);
        scene_->showSection(&stain, dataset->placement().sectionToAtlas);
        scene_->focusSection();
      } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Stain image not shown: %1").arg(e.what()), 8000);
      }
    }
  }
  prepareCondition();
  viewport_->requestRender();
}

void MainWindow::setModel(std::shared_ptr<const MorphologyModel> model,
                          const std::filesystem::path& source) {
  workspace_.setModel(model, source);
  undoStack_->clear();
  modelLabel_->clear();
  std::vector<std::string> genes;
  if (model) {
    const auto& c = model->config();
    QString text = tr("model %1 · %2 M parameters · %3 genes")
                       .arg(QString::fromStdString(c.name))
                       .arg(double(model->parameterCount()) / 1e6, 0, 'f', 1)
                       .arg(c.genes);
    if (model->trainingStep() > 0) text += tr(" · %1 steps").arg(model->trainingStep());
    modelLabel_->setText(text);
    genes = model->genes();
  }
  genePanelDock_->setGenes(genes);
  paintDock_->setGenes(genes);
  genePanelDock_->choosePreset(QStringLiteral("GLUT"));
  attentionDock_->setResult(nullptr);
  prepareCondition();
}

// Bins the dataset for the model on a worker thread; the docks that need it wait for it.
void MainWindow::prepareCondition() {
  auto dataset = workspace_.sharedDataset();
  auto model = workspace_.sharedModel();
  if (!dataset || !model) return;
  jobDock_->setStatus(tr("Preparing the condition (binning %1 for the model)…")
                          .arg(QString::fromStdString(dataset->name)));
  auto result = std::make_shared<Workspace::Prepared>();
  auto error = std::make_shared<std::string>();
  QThread* thread = QThread::create([dataset, model, result, error] {
    try {
      *result = Workspace::prepare(*dataset, *model);
    } catch (const std::exception& e) {
      *error = e.what();
    }
  });
  prepareThread_ = thread;
  connect(thread, &QThread::finished, this, [this, thread, dataset, model, result, error] {
    thread->deleteLater();
    if (prepareThread_ == thread) prepareThread_ = nullptr;
    // A newer dataset or model replaced these while they were being prepared.
    if (workspace_.sharedDataset() != dataset || workspace_.sharedModel() != model) return;
    if (!error->empty()) {
      reportError(tr("Cannot prepare the condition"), QString::fromStdString(*error));
      return;
    }
    workspace_.install(std::move(*result));
    jobDock_->setPlaneCount(workspace_.grid().planes);
    jobDock_->setStatus(tr("Ready: %1 × %2 bins of %3 µm, %4 planes")
                            .arg(workspace_.grid().width)
                            .arg(workspace_.grid().height)
                            .arg(workspace_.grid().binUm, 0, 'f', 2)
                            .arg(workspace_.grid().planes));
    updateGeneOverlay();
  });
  thread->start();
}

bool MainWindow::applyEdit(const ConditionEdit& edit) {
  if (!workspace_.ready()) {
    reportError(tr("Cannot paint yet"), tr("The condition is still being prepared."));
    return false;
  }
  try {
    auto& document = workspace_.condition();
    const EditCommand& applied = document.apply(edit);
    const QString text = describeEdit(edit, applied, workspace_.atlas());
    undoStack_->push(new PaintUndoCommand(document, text, [this] { conditionChanged(); }));
    statusBar()->showMessage(tr("Painted: %1").arg(text), 5000);
    return true;
  } catch (const std::exception& e) {
    reportError(tr("Edit rejected"), QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::paintSelectedStructure() {
  const auto id = scene_->selectedStructure();
  if (!id) {
    reportError(tr("No structure"), tr("Select a structure to paint first."));
    return false;
  }
  try {
    return applyEdit(ConditionEdit(paintDock_->gene(), AtlasRegionSelection{*id, std::nullopt},
                                   paintDock_->operation()));
  } catch (const std::exception& e) {
    reportError(tr("Edit rejected"), QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::conditionChanged() {
  updateGeneOverlay();
}

void MainWindow::updateGeneOverlay() {
  const QString gene = genePanelDock_->overlayGene();
  if (gene.isEmpty() || !workspace_.ready()) {
    scene_->setOverlay("gene", {});
    viewport_->requestRender();
    return;
  }
  const auto& condition = workspace_.condition().condition();
  const auto index = condition.geneIndex(gene.toStdString());
  if (!index) return;
  const BinGrid& grid = condition.grid();
  const int plane = std::min(jobDock_->plane(), grid.planes - 1);
  std::vector<float> values(std::size_t(grid.width) * std::size_t(grid.height), 0.0f);
  condition.forEachNonZero(*index, [&](const BinIndex& b, float v) {
    if (b.plane == plane) values[std::size_t(b.y) * std::size_t(grid.width) + std::size_t(b.x)] = v;
  });
  scene_->setOverlay("gene", render::binValueRaster(values, grid, plane * grid.planeSpacingUm,
                                                    robustMaximum(values)));
  statusBar()->showMessage(tr("Overlay: %1 counts on plane %2").arg(gene).arg(plane), 4000);
  viewport_->requestRender();
}

bool MainWindow::startGeneration() {
  try {
    generation_->start(scene_->selectedStructure());
    return true;
  } catch (const std::exception& e) {
    reportError(tr("Cannot start the job"), QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::exportVolume(const QString& file) {
  const QString source = !lastOutput_.isEmpty() ? lastOutput_ : generation_->output();
  if (source.isEmpty()) {
    reportError(tr("Nothing to export"), tr("Generate a region first."));
    return false;
  }
  try {
    const auto store = OmeZarrStore::open(source.toStdString());
    writeVolume(file.toStdString(), AnyVolume(readOmeZarrLevel(store, 0, 4.0 * (1ll << 30))));
    statusBar()->showMessage(tr("Exported %1 → %2").arg(source, file), 6000);
    return true;
  } catch (const std::exception& e) {
    reportError(tr("Export failed"), QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::exportAttentionCsv(const QString& file) {
  if (!attentionDock_->result()) {
    reportError(tr("Nothing to export"), tr("Compute the attention first."));
    return false;
  }
  try {
    writeTextFileAtomically(file.toStdString(), attentionDock_->matrixCsv());
    statusBar()->showMessage(tr("Saved %1").arg(file), 5000);
    return true;
  } catch (const std::exception& e) {
    reportError(tr("Export failed"), QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::openPath(const QString& path) {
  const QFileInfo info(path);
  try {
    if (info.suffix() == "json" && !info.fileName().endsWith(".condition.json"))
      return openSession(path);
    if (info.suffix() == "safetensors") {
      setModel(std::make_shared<const MorphologyModel>(MorphologyModel::load(path.toStdString())),
               path.toStdString());
      return true;
    }
    showDataset(std::make_shared<const SpatialDataset>(loadSpatialDataset(path.toStdString())),
                path.toStdString());
    return true;
  } catch (const std::exception& e) {
    reportError(tr("Cannot open %1").arg(info.fileName()), QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::addRecent(const QString& file) {
  QSettings settings;
  QStringList recent = settings.value("recentSessions").toStringList();
  recent.removeAll(QFileInfo(file).absoluteFilePath());
  recent.prepend(QFileInfo(file).absoluteFilePath());
  while (recent.size() > 8) recent.removeLast();
  settings.setValue("recentSessions", recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = QSettings().value("recentSessions").toStringList();
  for (const QString& f : recent)
    recentMenu_->addAction(QFileInfo(f).fileName(), this, [this, f] { openSession(f); })
        ->setToolTip(f);
  recentMenu_->setEnabled(!recent.isEmpty());
}

QString MainWindow::structureUnderCursor() const {
  return hoverLabel_->text();
}

void MainWindow::hoverAt(int x, int y) {
  // One pick per 40 ms is enough for a status line.
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  if (now - lastHoverMs_ < 40) return;
  lastHoverMs_ = now;
  const auto point = scene_->pickAtlasPoint(x, y);
  showHovered(point ? workspace_.atlas().structureAt(*point) : nullptr);
}

void MainWindow::showHovered(const Structure* s) {
  hoverLabel_->setText(
      s ? tr("Under cursor: %1 (%2)")
              .arg(QString::fromStdString(s->acronym), QString::fromStdString(s->name))
        : QString());
}

void MainWindow::clickAt(int x, int y) {
  const auto point = scene_->pickAtlasPoint(x, y);
  if (!point) return;
  slicePanel_->moveCursorToPoint(*point);
  if (const Structure* s = workspace_.atlas().structureAt(*point)) selectStructureId(s->id);
}

void MainWindow::strokeAt(int x, int y) {
  const auto point = scene_->pickAtlasPoint(x, y);
  if (!point) return;
  const Vec3 um = scene_->sectionToAtlas().inverse().apply(*point);
  stroke_.emplace_back(um[0], um[1]);
}

void MainWindow::finishStroke() {
  if (stroke_.empty()) return;
  BrushStroke brush;
  const int plane = jobDock_->plane();
  for (const auto& [x, y] : stroke_) brush.centres.push_back({x, y, plane});
  stroke_.clear();
  brush.radiusUm = paintDock_->brushRadiusUm();
  brush.edge = paintDock_->softBrush() ? BrushStroke::Edge::Soft : BrushStroke::Edge::Hard;
  try {
    applyEdit(ConditionEdit(paintDock_->gene(), brush, paintDock_->operation()));
  } catch (const std::exception& e) {
    reportError(tr("Edit rejected"), QString::fromStdString(e.what()));
  }
}

void MainWindow::updateStatus() {
  const Atlas& atlas = workspace_.atlas();
  QString text = tr("CCFv3 %1 µm").arg(atlas.resolutionUm());
  if (auto id = scene_->selectedStructure()) {
    const Structure& s = atlas.ontology().byId(*id);
    text += tr(" · %1 (%2): %3 mm³")
                .arg(QString::fromStdString(s.name), QString::fromStdString(s.acronym))
                .arg(atlas.volumeMm3(s.id), 0, 'f', 3);
  } else {
    text += tr(" · %1 structures").arg(atlas.ontology().size());
  }
  selection_->setText(text);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  generation_->cancel();
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) openPath(url.toLocalFile());
}

}  // namespace teramind::ui
