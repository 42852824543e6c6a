#pragma once

#include <QDialog>
#include <QString>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace teramind {
class SectionViewModel;
}

namespace teramind::ui {

// File → Export Section View…: the region now shown, at a pixel size the user picks (µm, any
// size: the export is rendered off screen strip by strip), with the scale bar and colour bars,
// as PNG. Shows the picture's size in pixels as the pixel size changes.
class SectionExportDialog : public QDialog {
  Q_OBJECT

 public:
  explicit SectionExportDialog(const SectionViewModel& model, QWidget* parent = nullptr);

  double pixelUm() const;
  QString file() const;
  // "2048 × 1400 px" for the region shown at the pixel size set.
  QString sizeText() const;

 private:
  const SectionViewModel& model_;
  QDoubleSpinBox* pixelUm_ = nullptr;
  QLineEdit* file_ = nullptr;
  QLabel* size_ = nullptr;
};

}  // namespace teramind::ui
