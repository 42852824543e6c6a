#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "analysis/RgbImage.h"

namespace teramind {

// The colour scale of a gene × gene heatmap: viridis from the smallest to the largest value
// shown. The CLI's heatmap.png and the studio's attention dock both colour cells with it.
struct HeatmapRange {
  double low = 0, high = 0;
};

// The smallest and largest of `matrix` (genes × genes, [query][key]) over the pairs of `order`
// (both 0 when `order` is empty).
HeatmapRange heatmapRange(const std::vector<double>& matrix, std::size_t genes,
                          const std::vector<std::size_t>& order);

// The colour of `value`: viridis at its place in [low, high]; the middle when low == high.
std::array<std::uint8_t, 3> heatmapColour(double value, const HeatmapRange& range);

// The matrix drawn in `order` (rows: query genes, columns: key genes), square cells of
// max(2, 512 / n) px for n = order.size() genes, then an 8 px white gap and a 16 px colour
// bar (top: high, bottom: low). `matrix` is genes × genes, [query][key].
RgbImage heatmapImage(const std::vector<double>& matrix, std::size_t genes,
                      const std::vector<std::size_t>& order, const HeatmapRange& range);

}  // namespace teramind
