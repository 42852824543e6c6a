#pragma once

#include <QString>
#include <QWidget>

#include "sectionview/SectionCompositor.h"

class QPushButton;

namespace teramind {
class SectionViewModel;
}

namespace teramind::ui {

// The section explorer's view: paints the SectionViewModel's render() (from its tile cache
// only, so the GUI thread never waits on a file) and turns the mouse and keys into the model's
// gestures as napari and Neuroglancer have them: the wheel zooms at the cursor, a left drag
// pans (in Swipe mode a drag that starts on the swipe line moves the line), ',' and '.' step
// planes, Home fits, '+' and '-' zoom. Repaints when the model's camera, tiles, layers, plane
// or comparison change; the cursor's readout goes out as readoutChanged. While the model is busy
// its text is shown in the middle, with a Cancel button under it when the work can be stopped
// (a pyramid being built, an export: SectionViewModel::cancelBusy).
class SectionView : public QWidget {
  Q_OBJECT

 public:
  explicit SectionView(SectionViewModel& model, QWidget* parent = nullptr);
  ~SectionView() override;

  SectionViewModel& model() const { return model_; }
  QString readoutText() const { return readout_; }
  // "level 2 · 14 tiles loading" while the view waits for tiles; "" when complete.
  QString loadingText() const;
  // How close (px) to the swipe line a drag must start to move it.
  static constexpr int kSwipeGrabPixels = 6;

 Q_SIGNALS:
  void readoutChanged(const QString& text);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  void showReadout(const QPointF& at);
  // Where the busy text is drawn (its dark box), for the text and the Cancel button under it.
  QRect busyBox() const;
  void placeCancelButton();
  // Whether screen x is within grabbing distance of the swipe line (Swipe mode only).
  bool onSwipeLine(double x) const;
  // Pans, or moves the swipe line, to the drag's new position.
  void dragTo(const QPointF& at);

  SectionViewModel& model_;
  int subscription_ = -1;
  RgbaImage frame_;  // the pixels the painted QImage refers to
  QString readout_;
  QPointF lastDrag_;
  bool dragging_ = false;
  bool movingSwipe_ = false;
  QPushButton* cancel_ = nullptr;  // under the busy text
};

}  // namespace teramind::ui
