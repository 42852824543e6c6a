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

bool MainWindow::saveSession(const QString& file) {
  try {
    StudioSession s;
    s.atlas = workspace_.atlas().files().annotation.parent_path();
    s.atlasResolutionUm = workspace_.atlas().resolutionUm();
    s.dataset = workspace_.datasetPath();
    s.model = workspace_.modelPath();
    if (const auto id = scene_->selectedStructure())
      s.structure = workspace_.atlas().ontology().byId(*id).acronym;
    for (const QString& g : genePanelDock_->panel()) s.panel.push_back(g.toStdString());
    s.overlayGene = genePanelDock_->overlayGene().toStdString();
    const auto pose = scene_->cameraPose();
    s.camera = StudioSession::Camera{pose.position, pose.focalPoint, pose.viewUp, pose.viewAngle};
    if (workspace_.ready() && !workspace_.condition().edits().empty()) {
      std::filesystem::path condition = file.toStdString();
      condition.replace_extension(".condition.json");
      workspace_.condition().save(condition);
      s.condition = condition;
    }
    s.job.seed = jobDock_->seed();
    s.job.steps = jobDock_->steps();
    s.job.tilePatches = jobDock_->tilePatches();
    s.job.plane = jobDock_->plane();
    s.job.region = static_cast<int>(jobDock_->region());
    s.job.output = (lastOutput_.isEmpty() ? generation_->output() : lastOutput_).toStdString();
    s.save(file.toStdString());
    addRecent(file);
    statusBar()->showMessage(tr("Saved session %1").arg(file), 5000);
    return true;
  } catch (const std::exception& e) {
    reportError(tr("Cannot save the session"), QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::openSession(const QString& file) {
  try {
    const auto s = StudioSession::load(file.toStdString());
    if (!s.dataset.empty() && s.dataset != workspace_.datasetPath())
      showDataset(std::make_shared<const SpatialDataset>(loadSpatialDataset(s.dataset)), s.dataset);
    if (!s.model.empty() && s.model != workspace_.modelPath())
      setModel(std::make_shared<const MorphologyModel>(MorphologyModel::load(s.model)), s.model);
    selectStructureId(std::nullopt);
    if (!s.structure.empty()) selectStructure(QString::fromStdString(s.structure));
    QStringList panel;
    for (const auto& g : s.panel) panel << QString::fromStdString(g);
    genePanelDock_->setPanel(panel);
    genePanelDock_->setOverlayGene(QString::fromStdString(s.overlayGene));
    if (s.camera)
      scene_->setCameraPose(
          {s.camera->position, s.camera->focalPoint, s.camera->viewUp, s.camera->viewAngle});
    jobDock_->setJob(s.job.seed, s.job.steps, s.job.tilePatches);
    jobDock_->setRegion(static_cast<JobDock::Region>(s.job.region));
    lastOutput_ = QString::fromStdString(s.job.output.string());
    if (!s.condition.empty()) {
      // The painted edits replay on the measured condition once it is prepared.
      auto document = std::make_shared<ConditionDocument>(
          ConditionDocument::load(s.condition, &workspace_.atlas()));
      auto replay = [this, document] {
        for (const auto& edit : document->edits()) applyEdit(edit);
      };
      if (workspace_.ready())
        replay();
      else if (prepareThread_)
        connect(prepareThread_, &QThread::finished, this, replay, Qt::QueuedConnection);
    }
    addRecent(file);
    viewport_->requestRender();
    statusBar()->showMessage(tr("Opened session %1").arg(file), 5000);
    return true;
  } catch (const std::exception& e) {
    reportError(tr("Cannot open the session"), QString::fromStdString(e.what()));
    return false;
  }
}

}  // namespace teramind::ui
