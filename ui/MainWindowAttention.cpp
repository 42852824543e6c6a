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

bool MainWindow::computeAttention() {
  if (attentionThread_) return false;
  if (!workspace_.ready()) {
    reportError(tr("Attention"), tr("The condition is still being prepared."));
    return false;
  }
  const auto model = workspace_.sharedModel();
  const auto section = workspace_.paintedSection();
  const auto atlas = workspace_.sharedAtlas();
  SectionAttentionRequest request;
  request.plane = jobDock_->plane();
  for (const QString& g : genePanelDock_->panel()) {
    const auto& genes = model->genes();
    const auto it = std::find(genes.begin(), genes.end(), g.toStdString());
    if (it != genes.end()) request.trackedGenes.push_back(std::size_t(it - genes.begin()));
  }
  const AffineTransform toAtlas = workspace_.paintContext().sectionToAtlas;
  auto result = std::make_shared<std::shared_ptr<const SectionAttention>>();
  auto error = std::make_shared<std::string>();
  // Torch's own threads for one pass, unless a job already has every core.
  if (!generation_->job().active()) configureComputeRuntime(0);
  attentionDock_->setStatus(tr("Computing attention over the section…"));
  attentionDock_->computeButton()->setEnabled(false);
  QThread* thread = QThread::create([model, section, atlas, toAtlas, request, result, error] {
    try {
      *result = std::make_shared<const SectionAttention>(
          SectionAttention::compute(*model, *section, atlas.get(), toAtlas, request));
    } catch (const std::exception& e) {
      *error = e.what();
    }
  });
  attentionThread_ = thread;
  connect(thread, &QThread::finished, this, [this, thread, result, error] {
    thread->deleteLater();
    attentionThread_ = nullptr;
    attentionDock_->computeButton()->setEnabled(true);
    if (!error->empty()) {
      reportError(tr("Attention failed"), QString::fromStdString(*error));
      return;
    }
    attentionDock_->setPanel(genePanelDock_->panel());
    attentionDock_->setResult(*result);
    if (const auto id = scene_->selectedStructure())
      attentionDock_->chooseRegion(
          QString::fromStdString(workspace_.atlas().ontology().byId(*id).acronym));
  });
  thread->start();
  return true;
}

bool MainWindow::showPathway(int query, int key) {
  const SectionAttention* result = attentionDock_->result();
  if (!result || query == key) return false;
  const auto& genes = result->genes();
  const QString a = QString::fromStdString(genes[std::size_t(query)]),
                b = QString::fromStdString(genes[std::size_t(key)]);
  try {
    const auto map = computePathwayMap(result->pathwayInput(std::size_t(query), std::size_t(key)));
    const BinGrid& grid = workspace_.grid();
    const double peak = *std::max_element(map.level.begin(), map.level.end());
    scene_->setOverlay(
        "pathway", render::binValueRaster(map.level, grid, jobDock_->plane() * grid.planeSpacingUm,
                                          peak > 0 ? peak : 1.0, 0.85));
    genePanelDock_->setOverlayGene({});
    attentionDock_->setStatus(tr("Pathway %1 → %2 over the section: level max %3 (1 = uniform)")
                                  .arg(a, b)
                                  .arg(peak, 0, 'f', 3));
    viewport_->requestRender();
    return true;
  } catch (const std::invalid_argument&) {
    attentionDock_->setStatus(
        tr("%1 → %2: put both genes in the panel and compute again to map them").arg(a, b));
    return false;
  }
}

}  // namespace teramind::ui
