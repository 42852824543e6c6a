#pragma once

#include <QWidget>
#include <vector>

#include "volume/TransferFunction.h"

namespace teramind::ui {

// Draws a transfer function over the volume's value histogram and edits it through the core
// model: drag an opacity point, double-click to add one, right-click to remove one; the colour
// bar below shows the colours and a click on a colour marker picks its colour. Opacity is drawn
// on a square-root scale so the faint opacities tissue needs stay visible and draggable.
class TransferFunctionEditor : public QWidget {
  Q_OBJECT

 public:
  explicit TransferFunctionEditor(QWidget* parent = nullptr);

  void setTransferFunction(const TransferFunction& tf);
  const TransferFunction& transferFunction() const { return tf_; }
  // Counts per value bin (the first bin at value 0), drawn log-scaled behind the curve.
  void setHistogram(std::vector<double> counts);

  // Where opacity point `index` is drawn, in widget pixels.
  QPoint opacityPointPosition(int index) const;
  QSize sizeHint() const override { return {280, 150}; }

 Q_SIGNALS:
  void changed(const TransferFunction& tf);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  QRectF curveArea() const;
  QRectF colourBar() const;
  double valueAt(double x) const;
  double opacityAt(double y) const;
  int opacityPointNear(const QPointF& at) const;
  int colourPointNear(const QPointF& at) const;

  TransferFunction tf_ = TransferFunction::tissue();
  std::vector<double> histogram_;
  int dragging_ = -1;
};

}  // namespace teramind::ui
