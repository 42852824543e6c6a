#include "TransferFunctionEditor.h"

#include <QColorDialog>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace teramind::ui {
namespace {

constexpr double kPointRadius = 5;
constexpr double kBarHeight = 14;

QColor toQColor(const std::array<double, 3>& rgb) {
  return QColor::fromRgbF(float(rgb[0]), float(rgb[1]), float(rgb[2]));
}

}  // namespace

TransferFunctionEditor::TransferFunctionEditor(QWidget* parent) : QWidget(parent) {
  setMinimumSize(200, 110);
  setMouseTracking(false);
  setToolTip(
      tr("Drag a point to change opacity; double-click to add a point, right-click to "
         "remove one; click a colour marker to change its colour"));
}

void TransferFunctionEditor::setTransferFunction(const TransferFunction& tf) {
  tf_ = tf;
  dragging_ = -1;
  update();
}

void TransferFunctionEditor::setHistogram(std::vector<double> counts) {
  histogram_ = std::move(counts);
  update();
}

QRectF TransferFunctionEditor::curveArea() const {
  return QRectF(kPointRadius, kPointRadius, width() - 2 * kPointRadius,
                height() - 2 * kPointRadius - kBarHeight - 4);
}

QRectF TransferFunctionEditor::colourBar() const {
  const QRectF area = curveArea();
  return QRectF(area.left(), height() - kBarHeight - 1, area.width(), kBarHeight);
}

double TransferFunctionEditor::valueAt(double x) const {
  const QRectF area = curveArea();
  return std::clamp((x - area.left()) / area.width(), 0.0, 1.0);
}

double TransferFunctionEditor::opacityAt(double y) const {
  const QRectF area = curveArea();
  const double s = std::clamp((area.bottom() - y) / area.height(), 0.0, 1.0);
  return s * s;
}

QPoint TransferFunctionEditor::opacityPointPosition(int index) const {
  const auto& p = tf_.opacityPoints().at(std::size_t(index));
  const QRectF area = curveArea();
  return QPointF(area.left() + p.value * area.width(),
                 area.bottom() - std::sqrt(p.opacity) * area.height())
      .toPoint();
}

int TransferFunctionEditor::opacityPointNear(const QPointF& at) const {
  for (int i = 0; i < int(tf_.opacityPoints().size()); ++i)
    if (QLineF(at, opacityPointPosition(i)).length() <= kPointRadius + 3) return i;
  return -1;
}

int TransferFunctionEditor::colourPointNear(const QPointF& at) const {
  const QRectF bar = colourBar();
  if (at.y() < bar.top() - 3) return -1;
  for (int i = 0; i < int(tf_.colourPoints().size()); ++i) {
    const double x = bar.left() + tf_.colourPoints()[std::size_t(i)].value * bar.width();
    if (std::abs(at.x() - x) <= kPointRadius + 2) return i;
  }
  return -1;
}

void TransferFunctionEditor::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), palette().base());
  const QRectF area = curveArea();
  if (!histogram_.empty()) {
    const double top = std::log1p(*std::max_element(histogram_.begin(), histogram_.end()));
    const double w = area.width() / double(histogram_.size());
    for (std::size_t i = 0; i < histogram_.size(); ++i) {
      const double h = top > 0 ? std::log1p(histogram_[i]) / top * area.height() : 0;
      p.fillRect(QRectF(area.left() + double(i) * w, area.bottom() - h, w, h),
                 palette().mid().color().lighter(130));
    }
  }
  p.setPen(QPen(palette().mid().color(), 1));
  p.drawRect(area);

  QPainterPath curve;
  for (int i = 0; i < int(tf_.opacityPoints().size()); ++i) {
    const QPointF at = opacityPointPosition(i);
    if (i == 0)
      curve.moveTo(at);
    else
      curve.lineTo(at);
  }
  p.setPen(QPen(palette().text().color(), 1.5));
  p.drawPath(curve);
  for (int i = 0; i < int(tf_.opacityPoints().size()); ++i) {
    const auto& point = tf_.opacityPoints()[std::size_t(i)];
    p.setBrush(toQColor(tf_.colourAt(point.value)));
    p.setPen(QPen(i == dragging_ ? palette().highlight().color() : palette().text().color(), 1.5));
    p.drawEllipse(QPointF(opacityPointPosition(i)), kPointRadius, kPointRadius);
  }

  const QRectF bar = colourBar();
  QLinearGradient gradient(bar.topLeft(), bar.topRight());
  for (const auto& c : tf_.colourPoints()) gradient.setColorAt(c.value, toQColor(c.rgb));
  p.fillRect(bar, gradient);
  p.setPen(QPen(palette().text().color(), 1));
  for (const auto& c : tf_.colourPoints()) {
    const double x = bar.left() + c.value * bar.width();
    p.drawLine(QPointF(x, bar.top() - 3), QPointF(x, bar.bottom()));
  }
}

void TransferFunctionEditor::mousePressEvent(QMouseEvent* event) {
  const QPointF at = event->position();
  if (const int c = colourPointNear(at); c >= 0 && event->button() == Qt::LeftButton) {
    const QColor picked = QColorDialog::getColor(toQColor(tf_.colourPoints()[std::size_t(c)].rgb),
                                                 this, tr("Colour at this value"));
    if (picked.isValid()) {
      tf_.setColour(c, {picked.redF(), picked.greenF(), picked.blueF()});
      update();
      Q_EMIT changed(tf_);
    }
    return;
  }
  const int i = opacityPointNear(at);
  if (event->button() == Qt::RightButton && i >= 0) {
    if (tf_.removeOpacityPoint(i)) {
      update();
      Q_EMIT changed(tf_);
    }
    return;
  }
  if (event->button() == Qt::LeftButton) dragging_ = i;
  update();
}

void TransferFunctionEditor::mouseMoveEvent(QMouseEvent* event) {
  if (dragging_ < 0) return;
  tf_.moveOpacityPoint(dragging_, valueAt(event->position().x()), opacityAt(event->position().y()));
  update();
  Q_EMIT changed(tf_);
}

void TransferFunctionEditor::mouseReleaseEvent(QMouseEvent*) {
  dragging_ = -1;
  update();
}

void TransferFunctionEditor::mouseDoubleClickEvent(QMouseEvent* event) {
  const QPointF at = event->position();
  if (!curveArea().contains(at) || opacityPointNear(at) >= 0) return;
  tf_.addOpacityPoint(valueAt(at.x()), opacityAt(at.y()));
  update();
  Q_EMIT changed(tf_);
}

}  // namespace teramind::ui
