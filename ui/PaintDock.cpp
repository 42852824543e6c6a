#include "PaintDock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QUndoView>
#include <QVBoxLayout>

namespace teramind::ui {

PaintDock::PaintDock(QUndoStack* history, QWidget* parent)
    : QDockWidget(tr("Paint condition"), parent) {
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
  auto* undoView = new QUndoView(history, body);
  undoView->setEmptyLabel(tr("Measured condition"));
  layout->addWidget(undoView);
  setWidget(body);

  connect(operation_, &QComboBox::currentIndexChanged, this,
          [this](int index) { value_->setEnabled(index != 0); });
  connect(applyStructure_, &QPushButton::clicked, this, &PaintDock::applyToStructureRequested);
  connect(brush_, &QPushButton::toggled, this, &PaintDock::brushToggled);
}

void PaintDock::setGenes(const std::vector<std::string>& genes) {
  gene_->clear();
  for (const auto& g : genes) gene_->addItem(QString::fromStdString(g));
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

void PaintDock::setStructureName(const QString& name) {
  structure_->setText(name.isEmpty() ? tr("No structure selected") : tr("Selected: %1").arg(name));
  applyStructure_->setEnabled(!name.isEmpty());
}

}  // namespace teramind::ui
