#include "MainWindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>

#include "AtlasScene.h"
#include "AttentionDock.h"
#include "BrushInteraction.h"
#include "GenePanelDock.h"
#include "JobDock.h"
#include "LandmarkDock.h"
#include "OntologyDock.h"
#include "PaintDock.h"
#include "ReadOptionsDialog.h"
#include "SectionLayerDock.h"
#include "SectionView.h"
#include "SliceViewPanel.h"
#include "StudioSceneBinding.h"
#include "StudioStatusBar.h"
#include "VolumeDock.h"
#include "VtkViewport.h"
#include "studio/DatasetReadPrompt.h"
#include "studio/StudioFileKind.h"
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
  buildSectionExplorer(atlas, views);
  binding_ = new StudioSceneBinding(model_, *scene_, slicePanel_, viewport_, this);
  // The 3D view and slice views take the section from the section view's pyramid tiles, read
  // on its workers, at the level that fits the 3D view.
  binding_->setSectionModel(sectionModel_.get());
  buildDocks();

  status_ = new StudioStatusBar(model_, this);
  setStatusBar(status_);
  buildMenus();
  model_.subscribe([this](StudioChange change) { changed(change); });

  connect(viewport_, &VtkViewport::hovered, this, &MainWindow::hoverAt);
  connect(viewport_, &VtkViewport::clicked, this, &MainWindow::clickAt);
  connect(slicePanel_, &SliceViewPanel::structurePicked, this,
          [this](StructureId id) { model_.select(id); });
  connect(slicePanel_, &SliceViewPanel::structureHovered, status_, &StudioStatusBar::showHovered);
  resize(1440, 900);
}

MainWindow::~MainWindow() {
  // Tools that bind to the model and the scene go while both are still there.
  delete findChild<LandmarkDock*>();
  delete sectionLayerDock_;  // the section's widgets, then its model (before the studio's)
  delete sectionView_;
  sectionModel_->bindStudio(nullptr);
  sectionModel_->cancelBusy();  // a pyramid build or export stops rather than be waited for
  model_.cancelJob();
  runner_.joinAll();  // no background task outlives the window's objects
  sectionModel_.reset();
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
  sectionLayerDock_ = new SectionLayerDock(*sectionModel_, this);
  addDockWidget(Qt::RightDockWidgetArea, sectionLayerDock_);
  tabifyDockWidget(jobDock_, sectionLayerDock_);
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
  new BrushInteraction(model_, *scene_, viewport_, paintDock_, this);
  connect(paintDock_, &PaintDock::brushToggled, this, [this](bool on) {
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
      viewport_->requestRender();
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

// Errors also go to a dialog that does not block (the studio keeps running, and scripted runs
// are never stuck behind it); the status bar shows every message.
void MainWindow::showMessage(const StudioMessage& message) {
  if (message.kind != StudioMessage::Kind::Error) return;
  const QString text = QString::fromStdString(message.text);
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

bool MainWindow::mayDropLandmarks() {
  auto* tool = findChild<LandmarkDock*>();
  return !tool || tool->mayClose(false);
}

bool MainWindow::mayReplaceDataset(const QString& what) {
  return mayDropLandmarks() && mayDropEdits(what);
}

void MainWindow::showDataset(std::shared_ptr<const SpatialDataset> dataset,
                             const std::filesystem::path& source) {
  if (!mayReplaceDataset(QString::fromStdString(dataset ? dataset->name : std::string("no data"))))
    return;
  setWindowFilePath({});  // no session holds this data
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

bool MainWindow::exportVolume(const QString& file) {
  return model_.exportVolume(file.toStdString());
}

bool MainWindow::exportAttentionCsv(const QString& file) {
  return model_.exportAttentionCsv(file.toStdString());
}

bool MainWindow::saveSession(const QString& file) {
  binding_->storeCamera();
  if (!model_.saveSession(file.toStdString())) return false;
  setWindowFilePath(file);  // the session's folder is where a movie goes (MovieDialog)
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
  if (!mayReplaceDataset(QFileInfo(file).fileName())) return false;
  if (!model_.loadSession(file.toStdString(), true)) return false;
  setWindowFilePath(file);
  addRecent(file);
  return true;
}

bool MainWindow::openPath(const QString& path) {
  const std::filesystem::path file = path.toStdString();
  const auto kind = studioFileKind(file);
  if (kind == StudioFileKind::Session) return openSession(path);  // it asks itself
  const QString name = QFileInfo(path).fileName();
  if (!(kind == StudioFileKind::Model ? mayDropEdits(name) : mayReplaceDataset(name))) return false;
  switch (kind) {
    case StudioFileKind::ConditionDocument:
      return model_.openConditionDocument(file, true);
    case StudioFileKind::Model:
      model_.openModel(file, true);
      return true;
    default:
      return openDataset(file);
  }
}

bool MainWindow::openDataset(const std::filesystem::path& file) {
  // A table the detector cannot read alone (pciSeq, Baysor, proseg, ISS) is opened with the
  // column map and pixel size the user confirms; the rest open as they are. The open dataset
  // opened again (Recent, the landmark tool's Save) keeps the options it was read with.
  const auto& workspace = model_.state().workspace;
  const auto absolute = [](const std::filesystem::path& p) {
    return p.empty() ? p : std::filesystem::absolute(p).lexically_normal();
  };
  DatasetReadOptions read;
  if (absolute(file) == absolute(workspace.datasetPath())) read = workspace.readOptions();
  if (const auto prompt = datasetReadPrompt(file, read)) {
    ReadOptionsDialog dialog(*prompt, this);
    if (dialog.exec() != QDialog::Accepted) return false;
    read = dialog.options();
  }
  // Data opened on its own ends the session: Record Movie no longer offers the session's folder.
  // (A session's own data is opened by the model, after openSession set the session's path.)
  setWindowFilePath({});
  model_.openDataset(file, true, read);
  return true;
}

bool MainWindow::reopenWithReadOptions() {
  const auto& workspace = model_.state().workspace;
  const std::filesystem::path file = workspace.datasetPath();
  if (file.empty()) return false;
  DatasetReadPrompt prompt;
  try {
    prompt = datasetReadChoices(file, workspace.readOptions());
  } catch (const std::exception& e) {
    model_.report(StudioMessage::Kind::Error, "Cannot read options", e.what());
    return false;
  }
  ReadOptionsDialog dialog(prompt, this);
  if (dialog.exec() != QDialog::Accepted) return false;
  if (!mayReplaceDataset(QString::fromStdString(file.filename().string()))) return false;
  model_.openDataset(file, true, dialog.options());
  return true;
}

QString MainWindow::structureUnderCursor() const {
  return status_->hovered();
}

void MainWindow::hoverAt(int x, int y) {
  // One pick per 40 ms is enough for a status line.
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  if (now - lastHoverMs_ < 40) return;
  lastHoverMs_ = now;
  const auto point = scene_->pickAtlasPoint(x, y);
  status_->showHovered(point ? model_.atlas().structureAt(*point) : nullptr);
}

void MainWindow::clickAt(int x, int y) {
  const auto point = scene_->pickAtlasPoint(x, y);
  if (!point) return;
  slicePanel_->moveCursorToPoint(*point);
  if (const Structure* s = model_.atlas().structureAt(*point)) model_.select(s->id);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!mayDropLandmarks()) return event->ignore();
  if (model_.hasUnsavedEdits()) {
    const auto answer = QMessageBox::question(
        this, tr("Save the painted edits?"),
        tr("The condition has painted edits that no saved session holds."),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel) return event->ignore();
    if (answer == QMessageBox::Save) {
      const QString file = QFileDialog::getSaveFileName(
          this, tr("Save session"), QStringLiteral("session.json"), tr("Studio sessions (*.json)"));
      if (file.isEmpty() || !saveSession(file)) return event->ignore();
    }
  }
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
