#include "AttentionHeatmap.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

#include "analysis/Colormap.h"
#include "analysis/HeatmapImage.h"

namespace teramind::ui {
namespace {

constexpr int kLabelSpace = 64, kBarWidth = 14, kBarGap = 8, kBarLabels = 52;

QColor colourOf(const std::array<std::uint8_t, 3>& c) {
  return QColor(c[0], c[1], c[2]);
}

}  // namespace

AttentionHeatmap::AttentionHeatmap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(240, 240);
  setObjectName(QStringLiteral("attentionHeatmap"));
}

void AttentionHeatmap::setMatrix(const QStringList& genes, const std::vector<double>& values,
                                 const std::vector<std::size_t>& order) {
  genes_ = genes;
  values_ = values;
  order_ = order;
  range_ = heatmapRange(values_, std::size_t(genes_.size()), order_);
  update();
}

void AttentionHeatmap::clear() {
  setMatrix({}, {}, {});
}

QRectF AttentionHeatmap::matrixRect() const {
  const double side =
      std::max(1.0, std::min(double(width() - kLabelSpace - kBarGap - kBarWidth - kBarLabels),
                             double(height() - kLabelSpace - 4)));
  return {double(kLabelSpace), double(kLabelSpace), side, side};
}

QPoint AttentionHeatmap::cellCentre(int row, int col) const {
  const QRectF m = matrixRect();
  const double cell = m.width() / std::max(1, size());
  return QPointF(m.left() + (col + 0.5) * cell, m.top() + (row + 0.5) * cell).toPoint();
}

std::pair<int, int> AttentionHeatmap::pairAt(const QPoint& position) const {
  const QRectF m = matrixRect();
  if (order_.empty() || !m.contains(position)) return {-1, -1};
  const double cell = m.width() / size();
  const int row = std::clamp(int((position.y() - m.top()) / cell), 0, size() - 1);
  const int col = std::clamp(int((position.x() - m.left()) / cell), 0, size() - 1);
  return {int(order_[std::size_t(row)]), int(order_[std::size_t(col)])};
}

QString AttentionHeatmap::describe(int query, int key) const {
  const std::size_t n = std::size_t(genes_.size());
  return tr("%1 → %2: %3 (uniform %4)")
      .arg(genes_[query], genes_[key])
      .arg(values_[std::size_t(query) * n + std::size_t(key)], 0, 'f', 5)
      .arg(1.0 / double(n), 0, 'f', 5);
}

void AttentionHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  if (order_.empty()) {
    p.drawText(rect(), Qt::AlignCenter, tr("Compute attention to see the gene × gene matrix"));
    return;
  }
  const QRectF m = matrixRect();
  const int n = size();
  const double cell = m.width() / n;
  const std::size_t G = std::size_t(genes_.size());
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      const double v = values_[order_[std::size_t(r)] * G + order_[std::size_t(c)]];
      p.fillRect(QRectF(m.left() + c * cell, m.top() + r * cell, cell + 0.5, cell + 0.5),
                 colourOf(heatmapColour(v, range_)));
    }
  // Gene names where they fit: rows on the left, columns above (rotated).
  QFont font = p.font();
  font.setPointSizeF(std::clamp(cell * 0.7, 4.0, 9.0));
  p.setFont(font);
  p.setPen(palette().windowText().color());
  if (cell >= 5) {
    for (int i = 0; i < n; ++i) {
      const QString name = genes_[int(order_[std::size_t(i)])];
      p.drawText(QRectF(0, m.top() + i * cell, kLabelSpace - 3, cell),
                 Qt::AlignRight | Qt::AlignVCenter, name);
      p.save();
      p.translate(m.left() + (i + 0.5) * cell, kLabelSpace - 3);
      p.rotate(-90);
      p.drawText(QRectF(0, -cell / 2, kLabelSpace - 3, cell), Qt::AlignLeft | Qt::AlignVCenter,
                 name);
      p.restore();
    }
  }
  // Colour bar with its range.
  const QRectF bar(m.right() + kBarGap, m.top(), kBarWidth, m.height());
  for (int y = 0; y < int(bar.height()); ++y)
    p.fillRect(QRectF(bar.left(), bar.bottom() - y - 1, bar.width(), 1),
               colourOf(viridis(double(y) / std::max(1.0, bar.height() - 1))));
  p.drawText(QPointF(bar.right() + 3, bar.top() + 10), QString::number(range_.high, 'f', 4));
  p.drawText(QPointF(bar.right() + 3, bar.bottom()), QString::number(range_.low, 'f', 4));
}

void AttentionHeatmap::mouseMoveEvent(QMouseEvent* event) {
  const auto [q, k] = pairAt(event->position().toPoint());
  if (q < 0) {
    QToolTip::hideText();
    return;
  }
  const QString text = describe(q, k);
  QToolTip::showText(event->globalPosition().toPoint(), text, this);
  Q_EMIT pairHovered(text);
}

void AttentionHeatmap::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  const auto [q, k] = pairAt(event->position().toPoint());
  if (q >= 0) Q_EMIT pairClicked(q, k);
}

}  // namespace teramind::ui
