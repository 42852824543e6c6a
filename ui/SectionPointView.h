#pragma once

#include <QImage>
#include <QPointF>
#include <QWidget>
#include <optional>
#include <vector>

#include "volume/Image3D.h"

namespace teramind::ui {

// The section as a flat picture in its own µm (the stain or the molecule density, see
// studio/SectionOverview.h), scaled to fit, with named points drawn on it. A left click
// says where, in section µm; the view keeps no state but what it is given to draw.
class SectionPointView : public QWidget {
  Q_OBJECT

 public:
  explicit SectionPointView(QWidget* parent = nullptr);

  void setImage(const Image3D<std::uint8_t>& image);
  // Points in section µm, each labelled with its name (the pair's, as the table shows it: a
  // deletion renumbers nothing); `pending` drawn apart (a half pair), `highlighted` larger.
  void setPoints(std::vector<QPointF> pointsUm, std::vector<QString> names,
                 std::optional<QPointF> pendingUm, int highlighted);
  const std::vector<QString>& names() const { return names_; }
  // Widget pixel ↔ section µm through the image's frame (nullopt off the image).
  std::optional<QPointF> micronsAt(const QPointF& pixel) const;
  QPointF pixelOf(const QPointF& um) const;

  QSize sizeHint() const override { return {420, 380}; }

 Q_SIGNALS:
  void clicked(double xUm, double yUm);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QRectF imageRect() const;  // where the picture is drawn, aspect kept

  QImage image_;
  double originXUm_ = 0, originYUm_ = 0, pixelXUm_ = 1, pixelYUm_ = 1;
  std::vector<QPointF> points_;
  std::vector<QString> names_;
  std::optional<QPointF> pending_;
  int highlighted_ = -1;
};

}  // namespace teramind::ui
