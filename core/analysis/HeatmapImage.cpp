#include "analysis/HeatmapImage.h"

#include <algorithm>
#include <stdexcept>

#include "analysis/Colormap.h"

namespace teramind {

HeatmapRange heatmapRange(const std::vector<double>& matrix, std::size_t genes,
                          const std::vector<std::size_t>& order) {
  HeatmapRange range;
  if (order.empty()) return range;
  range.low = range.high = matrix.at(order[0] * genes + order[0]);
  for (auto q : order)
    for (auto k : order) {
      const double v = matrix.at(q * genes + k);
      range.low = std::min(range.low, v);
      range.high = std::max(range.high, v);
    }
  return range;
}

std::array<std::uint8_t, 3> heatmapColour(double value, const HeatmapRange& range) {
  const double lo = range.low, hi = range.high;
  return viridis(hi > lo ? (value - lo) / (hi - lo) : 0.5);
}

RgbImage heatmapImage(const std::vector<double>& matrix, std::size_t genes,
                      const std::vector<std::size_t>& order, const HeatmapRange& range) {
  if (order.empty()) throw std::invalid_argument("heatmapImage: no genes to draw");
  if (matrix.size() != genes * genes)
    throw std::invalid_argument("heatmapImage: the matrix is not genes x genes");
  for (auto g : order)
    if (g >= genes) throw std::invalid_argument("heatmapImage: a gene index past the matrix");
  const int n = static_cast<int>(order.size());
  const int cell = std::max(2, 512 / n), side = cell * n;
  const int gap = 8, bar = 16, W = side + gap + bar, H = side;
  const double lo = range.low, hi = range.high;
  RgbImage image(W, H, 255);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      image.set(
          x, y,
          heatmapColour(matrix[order[std::size_t(y / cell)] * genes + order[std::size_t(x / cell)]],
                        range));
  for (int y = 0; y < H; ++y)
    for (int x = side + gap; x < W; ++x)
      image.set(x, y, heatmapColour(hi - (hi - lo) * y / std::max(1, H - 1), range));
  return image;
}

}  // namespace teramind
