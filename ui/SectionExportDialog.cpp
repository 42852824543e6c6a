#include "SectionExportDialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <cstdint>

#include "studio/SectionViewModel.h"

namespace teramind::ui {

SectionExportDialog::SectionExportDialog(const SectionViewModel& model, QWidget* parent)
    : QDialog(parent), model_(model) {
  setObjectName(QStringLiteral("section-export-dialog"));
  setWindowTitle(tr("Export Section View"));
  auto* form = new QFormLayout(this);
  const RectUm region = model_.camera().visibleUm();
  form->addRow(tr("Region"), new QLabel(tr("the view now shown: %1 × %2 µm")
                                            .arg(region.width(), 0, 'f', 1)
                                            .arg(region.height(), 0, 'f', 1),
                                        this));
  pixelUm_ = new QDoubleSpinBox(this);
  pixelUm_->setDecimals(4);
  pixelUm_->setRange(0.001, 1000);
  pixelUm_->setSuffix(tr(" µm"));
  pixelUm_->setValue(model_.camera().umPerPixel);
  form->addRow(tr("Pixel size"), pixelUm_);
  size_ = new QLabel(this);
  size_->setObjectName(QStringLiteral("section-export-size"));
  form->addRow(tr("Picture"), size_);
  file_ = new QLineEdit(QDir(QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                            .filePath(QStringLiteral("section.png")),
                        this);
  auto* browse = new QPushButton(tr("Browse…"), this);
  auto* fileRow = new QHBoxLayout;
  fileRow->addWidget(file_, 1);
  fileRow->addWidget(browse);
  form->addRow(tr("File"), fileRow);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
  form->addRow(buttons);

  const auto update = [this] {
    const bool tooLarge = sizeText().isEmpty();
    size_->setText(tooLarge ? tr("too large (more than %1 px a side)").arg(kMaxExportSide)
                            : sizeText());
  };
  connect(pixelUm_, &QDoubleSpinBox::valueChanged, this, update);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the section view"),
                                                      file_->text(), tr("PNG images (*.png)"));
    if (!path.isEmpty()) file_->setText(path);
  });
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  update();
}

double SectionExportDialog::pixelUm() const {
  return pixelUm_->value();
}

QString SectionExportDialog::file() const {
  return file_->text().trimmed();
}

QString SectionExportDialog::sizeText() const {
  const RectUm region = model_.camera().visibleUm();
  // Rounded as the export rounds, so the size shown is the size written.
  const std::int64_t w = exportPictureSide(region.width(), pixelUm()),
                     h = exportPictureSide(region.height(), pixelUm());
  if (w > kMaxExportSide || h > kMaxExportSide) return {};
  return tr("%1 × %2 px").arg(qint64(w)).arg(qint64(h));
}

}  // namespace teramind::ui
