#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "analysis/HeatmapImage.h"

namespace teramind::ui {

// A gene × gene matrix drawn as a viridis heatmap in a given gene order (clustered), with gene
// names on both axes and a colour bar. Hovering shows the pair and value; a click picks a pair.
class AttentionHeatmap : public QWidget {
  Q_OBJECT

 public:
  explicit AttentionHeatmap(QWidget* parent = nullptr);

  // `values` is genes × genes, [query][key]; `order` the display order of gene indices.
  void setMatrix(const QStringList& genes, const std::vector<double>& values,
                 const std::vector<std::size_t>& order);
  void clear();
  int size() const { return static_cast<int>(order_.size()); }
  // The (query, key) gene indices under a widget position, or (-1, -1).
  std::pair<int, int> pairAt(const QPoint& position) const;
  // The centre of a displayed cell (row, column of the display order), for tests and tooltips.
  QPoint cellCentre(int row, int col) const;
  QString describe(int query, int key) const;  // "Slc17a7 → Gfap: 0.0187 (uniform 0.0156)"

 Q_SIGNALS:
  void pairClicked(int query, int key);
  void pairHovered(const QString& text);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QRectF matrixRect() const;

  QStringList genes_;
  std::vector<double> values_;
  std::vector<std::size_t> order_;
  HeatmapRange range_;
};

}  // namespace teramind::ui
