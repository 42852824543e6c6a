#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace teramind::ui {

// What File → Save Screenshot writes: the 3D view re-rendered at 1–4× its size (optionally
// with a transparent background), or the whole window as it is on screen.
struct ScreenshotRequest {
  QString file;
  bool wholeWindow = false;
  int scale = 2;
  bool transparent = false;
};

class ScreenshotDialog : public QDialog {
  Q_OBJECT

 public:
  ScreenshotDialog(QSize viewSize, QSize windowSize, QWidget* parent = nullptr);
  ScreenshotRequest request() const;
  void setRequest(const ScreenshotRequest& request);

 private:
  void updateSize();

  QSize viewSize_, windowSize_;
  QLineEdit* file_ = nullptr;
  QComboBox* what_ = nullptr;
  QSpinBox* scale_ = nullptr;
  QCheckBox* transparent_ = nullptr;
  QLabel* size_ = nullptr;
};

}  // namespace teramind::ui
