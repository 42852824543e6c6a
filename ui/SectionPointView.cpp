#include "SectionPointView.h"

#include <QMouseEvent>
#include <QPainter>

namespace teramind::ui {

SectionPointView::SectionPointView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(200, 160);
  setCursor(Qt::CrossCursor);
}

void SectionPointView::setImage(const Image3D<std::uint8_t>& image) {
  const int w = int(image.dims()[0]), h = int(image.dims()[1]);
  image_ = QImage(w, h, QImage::Format_Grayscale8);
  for (int r = 0; r < h; ++r)
    std::copy_n(image.voxels().data() + std::size_t(r) * std::size_t(w), w, image_.scanLine(r));
  const auto& f = image.frame();
  // The frame's origin is the first pixel's centre: its corner is half a pixel before.
  pixelXUm_ = f.spacing()[0];
  pixelYUm_ = f.spacing()[1];
  originXUm_ = f.origin()[0] - pixelXUm_ / 2;
  originYUm_ = f.origin()[1] - pixelYUm_ / 2;
  update();
}

void SectionPointView::setPoints(std::vector<QPointF> pointsUm, std::vector<QString> names,
                                 std::optional<QPointF> pendingUm, int highlighted) {
  points_ = std::move(pointsUm);
  names_ = std::move(names);
  pending_ = pendingUm;
  highlighted_ = highlighted;
  update();
}

QRectF SectionPointView::imageRect() const {
  if (image_.isNull()) return {};
  const QSizeF fitted = QSizeF(image_.size()).scaled(QSizeF(size()), Qt::KeepAspectRatio);
  return {(width() - fitted.width()) / 2, (height() - fitted.height()) / 2, fitted.width(),
          fitted.height()};
}

std::optional<QPointF> SectionPointView::micronsAt(const QPointF& pixel) const {
  const QRectF r = imageRect();
  if (r.isEmpty() || !r.contains(pixel)) return std::nullopt;
  const double scale = r.width() / image_.width();  // widget px per image px
  return QPointF(originXUm_ + (pixel.x() - r.left()) / scale * pixelXUm_,
                 originYUm_ + (pixel.y() - r.top()) / scale * pixelYUm_);
}

QPointF SectionPointView::pixelOf(const QPointF& um) const {
  const QRectF r = imageRect();
  const double scale = image_.isNull() ? 1.0 : r.width() / image_.width();
  return {r.left() + (um.x() - originXUm_) / pixelXUm_ * scale,
          r.top() + (um.y() - originYUm_) / pixelYUm_ * scale};
}

void SectionPointView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::black);
  if (image_.isNull()) return;
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  p.drawImage(imageRect(), image_);
  p.setRenderHint(QPainter::Antialiasing);
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const QPointF at = pixelOf(points_[i]);
    const bool hot = int(i) == highlighted_;
    p.setPen(QPen(hot ? QColor(255, 220, 0) : QColor(0, 220, 255), hot ? 3 : 2));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(at, hot ? 7 : 5, hot ? 7 : 5);
    p.drawText(at + QPointF(8, -6), i < names_.size() ? names_[i] : QString::number(i + 1));
  }
  if (pending_) {
    const QPointF at = pixelOf(*pending_);
    p.setPen(QPen(QColor(255, 80, 80), 2));
    p.drawLine(at - QPointF(7, 0), at + QPointF(7, 0));
    p.drawLine(at - QPointF(0, 7), at + QPointF(0, 7));
  }
}

void SectionPointView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  if (const auto um = micronsAt(event->position())) Q_EMIT clicked(um->x(), um->y());
}

}  // namespace teramind::ui
