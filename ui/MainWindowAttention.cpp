#include <QFileDialog>
#include <QPushButton>
#include <QStatusBar>
#include <algorithm>

#include "AtlasScene.h"
#include "AttentionDock.h"
#include "GenePanelDock.h"
#include "MainWindow.h"
#include "SectionRasters.h"
#include "VtkViewport.h"
#include "analysis/PathwayMap.h"

namespace teramind::ui {

// The attention dock shows the model's result for the model's region; its buttons call the
// model. Pathway maps are drawn here: they are a view of the result.
void MainWindow::bindAttention() {
  connect(attentionDock_, &AttentionDock::computeRequested, this, &MainWindow::computeAttention);
  connect(attentionDock_, &AttentionDock::pairClicked, this, &MainWindow::showPathway);
  connect(attentionDock_, &AttentionDock::regionChosen, this, [this](const QString& region) {
    if (!region.isEmpty()) model_.setAttentionRegion(region.toStdString());
  });
  connect(attentionDock_, &AttentionDock::panelOnlyToggled, this,
          [this](bool on) { model_.setAttentionPanelOnly(on); });
  connect(attentionDock_, &AttentionDock::exportRequested, this, [this] {
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export attention matrix"), QStringLiteral("attention.csv"), tr("CSV (*.csv)"));
    if (!file.isEmpty()) exportAttentionCsv(file);
  });
  model_.subscribe([this](StudioChange change) {
    const StudioState& s = model_.state();
    if (change == StudioChange::GenePanel) {
      QStringList panel;
      for (const auto& g : s.panel) panel << QString::fromStdString(g);
      attentionDock_->setPanel(panel);
    }
    // The condition's readiness changes what the dock says before anything is computed.
    if (change != StudioChange::Attention && change != StudioChange::Condition) return;
    attentionDock_->computeButton()->setEnabled(!s.attentionBusy);
    if (s.attentionBusy) {
      attentionDock_->setStatus(tr("Computing attention over the section…"));
      return;
    }
    if (attentionDock_->result() != s.attention.get()) attentionDock_->setResult(s.attention);
    if (!s.attention)
      attentionDock_->setStatus(s.ready()     ? tr("Compute the attention for this section")
                                : s.preparing ? tr("Preparing the condition…")
                                              : tr("The attention needs a dataset and a model"));
    attentionDock_->chooseRegion(QString::fromStdString(s.attentionRegion));
    attentionDock_->setPanelOnly(s.attentionPanelOnly);
  });
}

bool MainWindow::computeAttention() {
  return model_.computeAttention();
}

bool MainWindow::showPathway(int query, int key) {
  const SectionAttention* result = model_.state().attention.get();
  if (!result || query == key || !model_.state().ready()) return false;
  const auto& genes = result->genes();
  const QString a = QString::fromStdString(genes[std::size_t(query)]),
                b = QString::fromStdString(genes[std::size_t(key)]);
  try {
    const auto map = computePathwayMap(result->pathwayInput(std::size_t(query), std::size_t(key)));
    const BinGrid& grid = model_.state().workspace.grid();
    const double peak = *std::max_element(map.level.begin(), map.level.end());
    scene_->setOverlay(
        "pathway",
        render::binValueRaster(map.level, grid, model_.state().attentionPlane * grid.planeSpacingUm,
                               peak > 0 ? peak : 1.0, 0.85));
    model_.setOverlayGene({});
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
