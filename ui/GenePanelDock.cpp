#include "GenePanelDock.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include "transcriptomics/GenePanel.h"

namespace teramind::ui {

GenePanelDock::GenePanelDock(QWidget* parent) : QDockWidget(tr("Gene panel"), parent) {
  setObjectName(QStringLiteral("genePanelDock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* form = new QFormLayout;
  presets_ = new QComboBox(body);
  presets_->setObjectName(QStringLiteral("panelPreset"));
  presets_->addItem(tr("Custom"));
  for (const auto& p : GenePanel::presets())
    presets_->addItem(QString::fromStdString(p.name), QString::fromStdString(p.description));
  form->addRow(tr("Preset"), presets_);
  overlay_ = new QComboBox(body);
  overlay_->setObjectName(QStringLiteral("overlayGene"));
  form->addRow(tr("Show counts of"), overlay_);
  layout->addLayout(form);
  filter_ = new QLineEdit(body);
  filter_->setPlaceholderText(tr("Filter genes"));
  filter_->setClearButtonEnabled(true);
  layout->addWidget(filter_);
  list_ = new QListWidget(body);
  list_->setObjectName(QStringLiteral("geneList"));
  layout->addWidget(list_);
  setWidget(body);

  connect(presets_, &QComboBox::activated, this, [this](int index) {
    if (index > 0) choosePreset(presets_->itemText(index));
  });
  connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
    for (int i = 0; i < list_->count(); ++i)
      list_->item(i)->setHidden(!list_->item(i)->text().contains(text, Qt::CaseInsensitive));
  });
  connect(list_, &QListWidget::itemChanged, this, [this] {
    if (quiet_) return;
    presets_->setCurrentIndex(0);
    Q_EMIT panelChanged(panel());
  });
  connect(overlay_, &QComboBox::currentIndexChanged, this,
          [this] { Q_EMIT overlayGeneChanged(overlayGene()); });
}

void GenePanelDock::setGenes(const std::vector<std::string>& genes) {
  quiet_ = true;
  list_->clear();
  overlay_->blockSignals(true);
  overlay_->clear();
  overlay_->addItem(tr("(none)"));
  for (const auto& g : genes) {
    auto* item = new QListWidgetItem(QString::fromStdString(g), list_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
    overlay_->addItem(QString::fromStdString(g));
  }
  overlay_->blockSignals(false);
  quiet_ = false;
}

QStringList GenePanelDock::panel() const {
  QStringList genes;
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->checkState() == Qt::Checked) genes << list_->item(i)->text();
  return genes;
}

int GenePanelDock::setPanel(const QStringList& genes) {
  quiet_ = true;
  int found = 0;
  for (int i = 0; i < list_->count(); ++i) {
    const bool on = genes.contains(list_->item(i)->text());
    list_->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    found += on ? 1 : 0;
  }
  quiet_ = false;
  Q_EMIT panelChanged(panel());
  return found;
}

bool GenePanelDock::choosePreset(const QString& name) {
  GenePanel preset;
  try {
    preset = GenePanel::preset(name.toStdString());
  } catch (const std::invalid_argument&) {
    return false;
  }
  QStringList genes;
  for (const auto& g : preset.genes) genes << QString::fromStdString(g);
  setPanel(genes);
  presets_->setCurrentText(QString::fromStdString(preset.name));
  return true;
}

QString GenePanelDock::overlayGene() const {
  return overlay_->currentIndex() > 0 ? overlay_->currentText() : QString();
}

void GenePanelDock::setOverlayGene(const QString& gene) {
  const int index = gene.isEmpty() ? 0 : overlay_->findText(gene);
  overlay_->setCurrentIndex(std::max(0, index));
}

}  // namespace teramind::ui
