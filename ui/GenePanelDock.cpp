#include "GenePanelDock.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <set>

#include "transcriptomics/GenePanel.h"

namespace teramind::ui {

GenePanelDock::GenePanelDock(StudioModel& model, QWidget* parent)
    : QDockWidget(tr("Gene panel"), parent), model_(model) {
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
  mapping_ = new QLabel(body);
  mapping_->setObjectName(QStringLiteral("geneMapping"));
  mapping_->setWordWrap(true);
  mapping_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(mapping_);
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
    std::vector<std::string> genes;
    for (const QString& g : panel()) genes.push_back(g.toStdString());
    model_.setPanel(genes);
  });
  connect(overlay_, &QComboBox::currentIndexChanged, this, [this] {
    if (!quiet_) model_.setOverlayGene(overlayGene().toStdString());
  });
  model_.subscribe([this](StudioChange change) { changed(change); });
  showGenes();
}

void GenePanelDock::changed(StudioChange change) {
  if (change == StudioChange::Model) showGenes();
  if (change == StudioChange::GenePanel) showPanel();
  if (change == StudioChange::Dataset || change == StudioChange::Model) showMapping();
}

void GenePanelDock::showGenes() {
  const auto* model = model_.state().workspace.model();
  const std::vector<std::string> genes = model ? model->genes() : std::vector<std::string>();
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
  showPanel();
  showMapping();
}

void GenePanelDock::showPanel() {
  quiet_ = true;
  const auto& panel = model_.state().panel;
  for (int i = 0; i < list_->count(); ++i) {
    const bool on =
        std::find(panel.begin(), panel.end(), list_->item(i)->text().toStdString()) != panel.end();
    list_->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
  }
  const QString overlay = QString::fromStdString(model_.state().overlayGene);
  overlay_->setCurrentIndex(std::max(0, overlay.isEmpty() ? 0 : overlay_->findText(overlay)));
  // The preset box names the preset whose genes (those the model has) are the panel.
  presets_->setCurrentIndex(0);
  const std::set<std::string> chosen(panel.begin(), panel.end());
  for (const auto& p : GenePanel::presets()) {
    std::set<std::string> offered;
    for (const auto& g : p.genes)
      for (int i = 0; i < list_->count(); ++i)
        if (list_->item(i)->text().toStdString() == g) offered.insert(g);
    if (!chosen.empty() && offered == chosen)
      presets_->setCurrentText(QString::fromStdString(p.name));
  }
  quiet_ = false;
}

void GenePanelDock::showMapping() {
  const GeneMapping& m = model_.state().genes;
  const auto& missing = m.missing;
  for (int i = 0; i < list_->count(); ++i) {
    QListWidgetItem* item = list_->item(i);
    const bool absent =
        std::find(missing.begin(), missing.end(), item->text().toStdString()) != missing.end();
    QFont font = item->font();
    font.setItalic(absent);
    item->setFont(font);
    item->setForeground(absent ? palette().color(QPalette::Disabled, QPalette::Text)
                               : palette().color(QPalette::Text));
    item->setToolTip(absent ? tr("Not measured in this dataset: its counts are zero") : QString());
  }
  const bool mapped = !m.measured.empty() || !m.missing.empty();
  mapping_->setVisible(mapped);
  mapping_->setText(mapped ? QString::fromStdString(m.summary()) : QString());
  QStringList unknown;
  for (const auto& g : m.unknown) unknown << QString::fromStdString(g);
  mapping_->setToolTip(unknown.isEmpty() ? QString()
                                         : tr("Data genes outside the model's panel:\n%1")
                                               .arg(unknown.join(QStringLiteral(", "))));
}

QString GenePanelDock::mappingText() const {
  return mapping_->text();
}

QStringList GenePanelDock::panel() const {
  QStringList genes;
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->checkState() == Qt::Checked) genes << list_->item(i)->text();
  return genes;
}

int GenePanelDock::setPanel(const QStringList& genes) {
  std::vector<std::string> chosen;
  for (int i = 0; i < list_->count(); ++i)
    if (genes.contains(list_->item(i)->text()))
      chosen.push_back(list_->item(i)->text().toStdString());
  model_.setPanel(chosen);
  return int(chosen.size());
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
  model_.setOverlayGene(overlay_->findText(gene) > 0 ? gene.toStdString() : std::string());
}

}  // namespace teramind::ui
