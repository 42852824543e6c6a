#include "generation/TileGrid.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/core.h>

namespace teramind {
namespace {
int floorDiv(int a, int b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
}  // namespace

TileGrid::TileGrid(int tileBins, int bx0, int by0, int widthBins, int heightBins)
    : tileBins_(tileBins) {
  if (tileBins <= 0) throw std::invalid_argument("tiles need at least one bin");
  if (widthBins <= 0 || heightBins <= 0)
    throw std::invalid_argument(
        fmt::format("the region ({} × {} bins) is empty", widthBins, heightBins));
  firstCol_ = floorDiv(bx0, tileBins);
  firstRow_ = floorDiv(by0, tileBins);
  cols_ = floorDiv(bx0 + widthBins - 1, tileBins) - firstCol_ + 1;
  rows_ = floorDiv(by0 + heightBins - 1, tileBins) - firstRow_ + 1;
  active_.assign(std::size_t(rows_) * std::size_t(cols_), 1);
}

std::int64_t TileGrid::activeCount() const {
  return std::count(active_.begin(), active_.end(), std::uint8_t(1));
}

}  // namespace teramind
