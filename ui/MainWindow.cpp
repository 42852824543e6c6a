#include "MainWindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>

#include "AtlasScene.h"
#include "AttentionDock.h"
#include "GenePanelDock.h"
#include "JobDock.h"
#include "OntologyDock.h"
#include "PaintDock.h"
#include "SliceViewPanel.h"
#include "StudioSceneBinding.h"
#include "VolumeDock.h"
#include "VtkViewport.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "volume/ValueHistogram.h"
#include "workflow/StudioSession.h"

namespace teramind::ui {
namespace {

std::filesystem::path appData(const QString& sub) {
  return (QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + sub)
      .toStdString();
}

}  // namespace

MainWindow::MainWindow(std::shared_ptr<const Atlas> atlas, QWidget* parent)
    : QMainWindow(parent),
      model_(atlas, runner_, appData("/jobs")),
      scene_(std::make_unique<render::AtlasScene>(*atlas)) {
  setWindowTitle(QStringLiteral("Tera-MIND Studio"));
  setAcceptDrops(true);
  setDockNestingEnabled(true);
  viewport_ = new VtkViewport(this);
  viewport_->setRenderer(scene_->renderer());
  viewport_->setMinimumSize(200, 150);
  slicePanel_ = new SliceViewPanel(*atlas, this);
  auto* views = new QSplitter(Qt::Horizontal, this);
  views->addWidget(viewport_);
  views->addWidget(slicePanel_);
  views->setStretchFactor(0, 2);
  views->setStretchFactor(1, 1);
  views->setSizes({2000, 1000});  // proportions until the window has a size
  views->setChildrenCollapsible(false);
  setCentralWidget(views);
  binding_ = new StudioSceneBinding(model_, *scene_, slicePanel_, viewport_, this);
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
  model_.subscribe([this](StudioChange change) { changed(change); });

  connect(viewport_, &VtkViewport::hovered, this, &MainWindow::hoverAt);
  connect(viewport_, &VtkViewport::clicked, this, &MainWindow::clickAt);
  connect(viewport_, &VtkViewport::strokeMoved, this, &MainWindow::strokeAt);
  connect(viewport_, &VtkViewport::strokeFinished, this, &MainWindow::finishStroke);
  connect(slicePanel_, &SliceViewPanel::structurePicked, this,
          [this](StructureId id) { model_.select(id); });
  connect(slicePanel_, &SliceViewPanel::structureHovered, this, &MainWindow::showHovered);
  resize(1440, 900);
}

MainWindow::~MainWindow() {
  model_.cancelJob();
  runner_.joinAll();  // no background task outlives the window's objects
}

void MainWindow::restoreSettings() {
  QSettings settings;
  if (settings.contains("window/geometry"))
    restoreGeometry(settings.value("window/geometry").toByteArray());
  if (settings.contains("window/state")) restoreState(settings.value("window/state").toByteArray());
}

void MainWindow::buildDocks() {
  ontologyDock_ = new OntologyDock(model_.atlas().ontology(), this);
  genePanelDock_ = new GenePanelDock(model_, this);
  paintDock_ = new PaintDock(model_, this);
  jobDock_ = new JobDock(model_, this);
  attentionDock_ = new AttentionDock(this);
  volumeDock_ = new VolumeDock(appData("/presets/transfer_functions"), this);
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
  connect(volumeDock_, &VolumeDock::problem, this, [this](const QString& message) {
    showMessage({StudioMessage::Kind::Error, "Transfer-function preset", message.toStdString()});
  });
  volumeDock_->loadPresets();
  if (const auto& t = model_.atlas().templateImage()) {
    volumeDock_->setHistogram(valueHistogram(t->voxels(), 64));
    volumeDock_->showTransferFunction(scene_->transferFunction());
  } else {
    volumeDock_->setEnabled(false);  // no template to render
  }
  connect(jobDock_, &JobDock::displayChanged, binding_, &StudioSceneBinding::setDisplay);
  connect(ontologyDock_, &OntologyDock::structureChosen, this,
          [this](StructureId id) { model_.select(id); });
  connect(paintDock_, &PaintDock::brushToggled, this, [this](bool on) {
    viewport_->setCameraInteraction(!on);
    statusBar()->showMessage(on ? tr("Brush: drag on the section to paint %1")
                                      .arg(QString::fromStdString(paintDock_->gene()))
                                : tr("Brush off: the mouse moves the camera"),
                             4000);
  });
  bindAttention();
}

void MainWindow::changed(StudioChange change) {
  switch (change) {
    case StudioChange::Message:
      showMessage(model_.state().messages.back());
      break;
    case StudioChange::Selection:
      ontologyDock_->showStructure(model_.state().selection);
      updateStatus();
      viewport_->requestRender();
      break;
    case StudioChange::Dataset:
    case StudioChange::Model:
      updateStatus();
      break;
    case StudioChange::Undo:
      undoAction_->setEnabled(model_.canUndo());
      redoAction_->setEnabled(model_.canRedo());
      undoAction_->setText(model_.canUndo()
                               ? tr("&Undo %1").arg(QString::fromStdString(model_.undoText()))
                               : tr("&Undo"));
      redoAction_->setText(model_.canRedo()
                               ? tr("&Redo %1").arg(QString::fromStdString(model_.redoText()))
                               : tr("&Redo"));
      break;
    default:
      break;
  }
}

// Notices go to the status bar; errors also to a dialog that does not block (the studio keeps
// running, and scripted runs are never stuck behind it).
void MainWindow::showMessage(const StudioMessage& message) {
  const QString text = QString::fromStdString(message.text);
  statusBar()->showMessage(text, message.kind == StudioMessage::Kind::Error ? 10000 : 5000);
  if (message.kind != StudioMessage::Kind::Error) return;
  lastError_ = text;
  auto* box = new QMessageBox(QMessageBox::Warning, QString::fromStdString(message.title), text,
                              QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

bool MainWindow::mayDropEdits(const QString& what) {
  if (!model_.wouldDropEdits()) return true;
  const auto n = model_.state().workspace.condition().edits().size();
  return QMessageBox::question(
             this, tr("Drop the painted edits?"),
             tr("Opening %1 starts from its measured condition: the %n painted edit(s) of the "
                "current condition are dropped. Save the session first to keep them.",
                nullptr, int(n))
                 .arg(what),
             QMessageBox::Discard | QMessageBox::Cancel,
             QMessageBox::Cancel) == QMessageBox::Discard;
}

bool MainWindow::selectStructure(const QString& acronym) {
  return model_.selectAcronym(acronym.trimmed().toStdString());
}

void MainWindow::selectStructureId(std::optional<StructureId> id) {
  model_.select(id);
}

void MainWindow::showDataset(std::shared_ptr<const SpatialDataset> dataset,
                             const std::filesystem::path& source) {
  if (mayDropEdits(QString::fromStdString(dataset ? dataset->name : std::string("no data"))))
    model_.setDataset(std::move(dataset), source, true);
}

void MainWindow::setModel(std::shared_ptr<const MorphologyModel> model,
                          const std::filesystem::path& source) {
  if (mayDropEdits(tr("another model"))) model_.setModel(std::move(model), source, true);
}

bool MainWindow::applyEdit(const ConditionEdit& edit) {
  return model_.paint(edit);
}

bool MainWindow::paintSelectedStructure() {
  try {
    return model_.paintSelectedStructure(paintDock_->gene(), paintDock_->operation());
  } catch (const std::exception& e) {
    model_.report(StudioMessage::Kind::Error, "Edit rejected", e.what());
    return false;
  }
}

bool MainWindow::startGeneration() {
  return model_.startJob();
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
    model_.report(StudioMessage::Kind::Error, "Screenshot failed", e.what());
  }
}

bool MainWindow::exportVolume(const QString& file) {
  return model_.exportVolume(file.toStdString());
}

bool MainWindow::exportAttentionCsv(const QString& file) {
  return model_.exportAttentionCsv(file.toStdString());
}

bool MainWindow::saveSession(const QString& file) {
  binding_->storeCamera();
  if (!model_.saveSession(file.toStdString())) return false;
  addRecent(file);
  return true;
}

bool MainWindow::openSession(const QString& file) {
  try {
    StudioSession::load(file.toStdString());  // a broken file is refused before any question
  } catch (const std::exception& e) {
    model_.report(StudioMessage::Kind::Error, "Cannot open the session", e.what());
    return false;
  }
  if (!mayDropEdits(QFileInfo(file).fileName())) return false;
  if (!model_.loadSession(file.toStdString(), true)) return false;
  addRecent(file);
  return true;
}

bool MainWindow::openPath(const QString& path) {
  const QFileInfo info(path);
  if (info.suffix() == "json" && !info.fileName().endsWith(".condition.json"))
    return openSession(path);
  if (!mayDropEdits(info.fileName())) return false;
  if (info.suffix() == "safetensors")
    model_.openModel(path.toStdString(), true);
  else
    model_.openDataset(path.toStdString(), true);
  return true;
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
  showHovered(point ? model_.atlas().structureAt(*point) : nullptr);
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
  if (const Structure* s = model_.atlas().structureAt(*point)) model_.select(s->id);
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
  for (const auto& [x, y] : stroke_) brush.centres.push_back({x, y, model_.state().plane});
  stroke_.clear();
  brush.radiusUm = paintDock_->brushRadiusUm();
  brush.edge = paintDock_->softBrush() ? BrushStroke::Edge::Soft : BrushStroke::Edge::Hard;
  try {
    model_.paint(ConditionEdit(paintDock_->gene(), brush, paintDock_->operation()));
  } catch (const std::exception& e) {
    model_.report(StudioMessage::Kind::Error, "Edit rejected", e.what());
  }
}

void MainWindow::updateStatus() {
  const StudioState& s = model_.state();
  const Atlas& atlas = model_.atlas();
  QString text = tr("CCFv3 %1 µm").arg(atlas.resolutionUm());
  if (s.selection) {
    const Structure& st = atlas.ontology().byId(*s.selection);
    text += tr(" · %1 (%2): %3 mm³")
                .arg(QString::fromStdString(st.name), QString::fromStdString(st.acronym))
                .arg(atlas.volumeMm3(st.id), 0, 'f', 3);
  } else {
    text += tr(" · %1 structures").arg(atlas.ontology().size());
  }
  selection_->setText(text);

  QString data;
  if (const SpatialDataset* d = s.workspace.dataset()) {
    data = QString::fromStdString(d->name);
    if (const auto* t = d->transcripts())
      data += tr(" · %L1 transcripts, %2 genes").arg(t->size()).arg(t->genes.geneCount());
    else if (const auto* c = d->cells())
      data += tr(" · %L1 cells, %2 genes").arg(c->cellCount()).arg(c->genes.geneCount());
    if (d->stains.empty()) data += tr(" · no stains");
  }
  datasetLabel_->setText(data);
  QString model;
  if (const MorphologyModel* m = s.workspace.model()) {
    const auto& c = m->config();
    model = tr("model %1 · %2 M parameters · %3 genes")
                .arg(QString::fromStdString(c.name))
                .arg(double(m->parameterCount()) / 1e6, 0, 'f', 1)
                .arg(c.genes);
    if (m->trainingStep() > 0) model += tr(" · %1 steps").arg(m->trainingStep());
  }
  modelLabel_->setText(model);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  model_.cancelJob();
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
