#include "ScreenshotDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace teramind::ui {

ScreenshotDialog::ScreenshotDialog(QSize viewSize, QSize windowSize, QWidget* parent)
    : QDialog(parent), viewSize_(viewSize), windowSize_(windowSize) {
  setWindowTitle(tr("Save Screenshot"));
  auto* form = new QFormLayout(this);
  auto* fileRow = new QHBoxLayout;
  file_ = new QLineEdit(QStringLiteral("teramind.png"), this);
  auto* browse = new QPushButton(tr("…"), this);
  fileRow->addWidget(file_, 1);
  fileRow->addWidget(browse);
  form->addRow(tr("File"), fileRow);
  what_ = new QComboBox(this);
  what_->addItems({tr("3D view"), tr("Whole window")});
  form->addRow(tr("Capture"), what_);
  scale_ = new QSpinBox(this);
  scale_->setRange(1, 4);
  scale_->setValue(2);
  scale_->setSuffix(QStringLiteral("×"));
  form->addRow(tr("Scale"), scale_);
  transparent_ = new QCheckBox(tr("Transparent background"), this);
  form->addRow(QString(), transparent_);
  size_ = new QLabel(this);
  form->addRow(tr("Image size"), size_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
  form->addRow(buttons);

  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save screenshot"), file_->text(),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty()) file_->setText(path);
  });
  connect(what_, &QComboBox::currentIndexChanged, this, &ScreenshotDialog::updateSize);
  connect(scale_, &QSpinBox::valueChanged, this, &ScreenshotDialog::updateSize);
  updateSize();
}

ScreenshotRequest ScreenshotDialog::request() const {
  ScreenshotRequest r;
  r.file = file_->text();
  r.wholeWindow = what_->currentIndex() == 1;
  r.scale = r.wholeWindow ? 1 : scale_->value();
  r.transparent = !r.wholeWindow && transparent_->isChecked();
  return r;
}

void ScreenshotDialog::setRequest(const ScreenshotRequest& r) {
  file_->setText(r.file);
  what_->setCurrentIndex(r.wholeWindow ? 1 : 0);
  scale_->setValue(r.scale);
  transparent_->setChecked(r.transparent);
  updateSize();
}

void ScreenshotDialog::updateSize() {
  const bool window = what_->currentIndex() == 1;
  // The window is captured as shown; only the 3D view is re-rendered larger or see-through.
  scale_->setEnabled(!window);
  transparent_->setEnabled(!window);
  const QSize s = window ? windowSize_ : viewSize_ * scale_->value();
  size_->setText(tr("%1 × %2 px").arg(s.width()).arg(s.height()));
}

}  // namespace teramind::ui
