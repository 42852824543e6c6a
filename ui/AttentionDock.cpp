#include "AttentionDock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "AttentionHeatmap.h"
#include "analysis/AttentionTables.h"

namespace teramind::ui {

AttentionDock::AttentionDock(QWidget* parent) : QDockWidget(tr("Gene-gene attention"), parent) {
  setObjectName(QStringLiteral("attentionDock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* row = new QHBoxLayout;
  compute_ = new QPushButton(tr("Compute"), body);
  compute_->setObjectName(QStringLiteral("attentionCompute"));
  compute_->setToolTip(
      tr("One pass of the gene-gene block over the section (it sees only the "
         "condition, so no DDIM step or seed changes it)"));
  region_ = new QComboBox(body);
  region_->setObjectName(QStringLiteral("attentionRegion"));
  region_->setMinimumContentsLength(10);
  panelOnly_ = new QCheckBox(tr("Panel only"), body);
  export_ = new QPushButton(tr("CSV…"), body);
  export_->setEnabled(false);
  row->addWidget(compute_);
  row->addWidget(region_, 1);
  row->addWidget(panelOnly_);
  row->addWidget(export_);
  layout->addLayout(row);
  heatmap_ = new AttentionHeatmap(body);
  layout->addWidget(heatmap_, 1);
  status_ = new QLabel(tr("Not computed"), body);
  status_->setObjectName(QStringLiteral("attentionStatus"));
  status_->setWordWrap(true);
  layout->addWidget(status_);
  setWidget(body);

  connect(compute_, &QPushButton::clicked, this, &AttentionDock::computeRequested);
  connect(export_, &QPushButton::clicked, this, &AttentionDock::exportRequested);
  connect(region_, &QComboBox::currentIndexChanged, this, [this] {
    refresh();
    Q_EMIT regionChosen(region_->currentText());
  });
  connect(panelOnly_, &QCheckBox::toggled, this, [this](bool on) {
    refresh();
    Q_EMIT panelOnlyToggled(on);
  });
  connect(heatmap_, &AttentionHeatmap::pairHovered, status_, &QLabel::setText);
  connect(heatmap_, &AttentionHeatmap::pairClicked, this, &AttentionDock::pairClicked);
}

void AttentionDock::setResult(std::shared_ptr<const SectionAttention> result) {
  result_ = std::move(result);
  region_->blockSignals(true);
  region_->clear();
  if (result_) {
    region_->addItem(QStringLiteral("section"));
    for (const auto& r : result_->aggregate().regions())
      if (r != "section") region_->addItem(QString::fromStdString(r));
  }
  region_->blockSignals(false);
  export_->setEnabled(result_ != nullptr);
  refresh();
}

void AttentionDock::setPanel(const QStringList& genes) {
  panel_ = genes;
  refresh();
}

bool AttentionDock::chooseRegion(const QString& region) {
  const int index = region_->findText(region);
  if (index < 0) return false;
  region_->setCurrentIndex(index);
  return true;
}

void AttentionDock::setPanelOnly(bool panelOnly) {
  panelOnly_->blockSignals(true);
  panelOnly_->setChecked(panelOnly);
  panelOnly_->blockSignals(false);
  refresh();
}

QString AttentionDock::region() const {
  return region_->currentText();
}

void AttentionDock::setStatus(const QString& text) {
  status_->setText(text);
}

void AttentionDock::refresh() {
  shownOrder_.clear();
  if (!result_ || region_->currentIndex() < 0) {
    heatmap_->clear();
    return;
  }
  const std::string region = region_->currentText().toStdString();
  const auto& genes = result_->genes();
  QStringList names;
  for (const auto& g : genes) names << QString::fromStdString(g);
  std::vector<std::string> panel;
  if (panelOnly_->isChecked())
    for (const QString& g : panel_) panel.push_back(g.toStdString());
  shownOrder_ = result_->shownOrder(region, panel);
  heatmap_->setMatrix(names, result_->aggregate().mean(region), shownOrder_);
  status_->setText(tr("%1: mean of %2 patches, %3 genes in clustered order")
                       .arg(region_->currentText())
                       .arg(result_->aggregate().count(region))
                       .arg(shownOrder_.size()));
}

std::string AttentionDock::matrixCsv() const {
  if (!result_) return {};
  // The CLI's writer, so the export and `teramind attention` agree byte for byte.
  return attentionMatrixCsv(result_->genes(),
                            result_->aggregate().mean(region_->currentText().toStdString()),
                            shownOrder_);
}

}  // namespace teramind::ui
