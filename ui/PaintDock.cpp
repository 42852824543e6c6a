#include "PaintDock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace teramind::ui {

PaintDock::PaintDock(StudioModel& model, QWidget* parent)
    : QDockWidget(tr("Paint condition"), parent), model_(model) {
  setObjectName(QStringLiteral("paintDock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* form = new QFormLayout;
  gene_ = new QComboBox(body);
  gene_->setObjectName(QStringLiteral("paintGene"));
  gene_->setEditable(true);
  gene_->setInsertPolicy(QComboBox::NoInsert);
  form->addRow(tr("Gene"), gene_);
  operation_ = new QComboBox(body);
  operation_->setObjectName(QStringLiteral("paintOperation"));
  operation_->addItems({tr("Knock out"), tr("Scale by"), tr("Set to"), tr("Add")});
  form->addRow(tr("Operation"), operation_);
  value_ = new QDoubleSpinBox(body);
  value_->setRange(0, 1e6);
  value_->setDecimals(2);
  value_->setValue(2);
  value_->setEnabled(false);
  form->addRow(tr("Value"), value_);
  radius_ = new QDoubleSpinBox(body);
  radius_->setObjectName(QStringLiteral("brushRadius"));
  radius_->setRange(1, 2000);
  radius_->setValue(40);
  radius_->setSuffix(QStringLiteral(" µm"));
  form->addRow(tr("Brush radius"), radius_);
  soft_ = new QCheckBox(tr("Soft edge"), body);
  form->addRow(QString(), soft_);
  layout->addLayout(form);
  structure_ = new QLabel(tr("No structure selected"), body);
  structure_->setWordWrap(true);
  layout->addWidget(structure_);
  applyStructure_ = new QPushButton(tr("Apply to selected structure"), body);
  applyStructure_->setObjectName(QStringLiteral("applyToStructure"));
  applyStructure_->setEnabled(false);
  brush_ = new QPushButton(tr("Brush on the section (B)"), body);
  brush_->setObjectName(QStringLiteral("brushTool"));
  brush_->setCheckable(true);
  brush_->setShortcut(QKeySequence(Qt::Key_B));
  brush_->setToolTip(
      tr("Drag on the section in the 3D view to paint; camera moves are off "
         "while the brush is on"));
  layout->addWidget(applyStructure_);
  layout->addWidget(brush_);
  layout->addWidget(new QLabel(tr("History"), body));
  history_ = new QListWidget(body);
  history_->setObjectName(QStringLiteral("paintHistory"));
  history_->setToolTip(tr("Click a step to go back (or forward) to it"));
  layout->addWidget(history_);
  setWidget(body);

  connect(operation_, &QComboBox::currentIndexChanged, this,
          [this](int index) { value_->setEnabled(index != 0); });
  connect(applyStructure_, &QPushButton::clicked, this, [this] {
    try {
      model_.paintSelectedStructure(gene(), operation());
    } catch (const std::exception& e) {
      model_.report(StudioMessage::Kind::Error, "Edit rejected", e.what());
    }
  });
  connect(brush_, &QPushButton::toggled, this, &PaintDock::brushToggled);
  connect(history_, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { model_.goToHistory(std::size_t(history_->row(item))); });
  model_.subscribe([this](StudioChange change) { changed(change); });
  showGenes();
  showStructure();
  showHistory();
}

void PaintDock::changed(StudioChange change) {
  if (change == StudioChange::Model) showGenes();
  if (change == StudioChange::Selection) showStructure();
  if (change == StudioChange::Undo || change == StudioChange::Condition) showHistory();
}

void PaintDock::showGenes() {
  gene_->clear();
  if (const auto* model = model_.state().workspace.model())
    for (const auto& g : model->genes()) gene_->addItem(QString::fromStdString(g));
}

void PaintDock::showStructure() {
  const auto id = model_.state().selection;
  structure_->setText(
      id ? tr("Selected: %1")
               .arg(QString::fromStdString(model_.atlas().ontology().byId(*id).acronym))
         : tr("No structure selected"));
  applyStructure_->setEnabled(id.has_value());
}

// Row 0 is the measured condition, row k the state after k commands; undone rows are grey.
void PaintDock::showHistory() {
  const auto texts = model_.historyTexts();
  const auto position = model_.historyPosition();
  history_->clear();
  history_->addItem(tr("Measured condition"));
  for (const auto& t : texts) history_->addItem(QString::fromStdString(t));
  for (int row = int(position) + 1; row < history_->count(); ++row)
    history_->item(row)->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
  history_->setCurrentRow(int(position));
}

std::string PaintDock::gene() const {
  return gene_->currentText().trimmed().toStdString();
}

bool PaintDock::setGene(const QString& gene) {
  const int index = gene_->findText(gene);
  if (index < 0) return false;
  gene_->setCurrentIndex(index);
  return true;
}

PaintOperation PaintDock::operation() const {
  PaintOperation op;
  switch (operation_->currentIndex()) {
    case 1:
      op = ScaleValue{value_->value()};
      break;
    case 2:
      op = SetValue{value_->value()};
      break;
    case 3:
      op = AddValue{value_->value()};
      break;
    default:
      op = KnockOut{};
      break;
  }
  validate(op);
  return op;
}

void PaintDock::setOperation(int index, double value) {
  operation_->setCurrentIndex(index);
  value_->setValue(value);
}

double PaintDock::brushRadiusUm() const {
  return radius_->value();
}

bool PaintDock::softBrush() const {
  return soft_->isChecked();
}

bool PaintDock::brushActive() const {
  return brush_->isChecked();
}

void PaintDock::setBrushActive(bool on) {
  brush_->setChecked(on);
}

}  // namespace teramind::ui
