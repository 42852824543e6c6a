#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "analysis/SeamMetric.h"

namespace teramind {

// One plane cut on a grid of tile × tile tiles, given tile by tile, so a whole section never
// has to be in memory: the tiles that exist (row, col), sorted row-major, and how to read one
// (tile × tile values, row-major). The same walk measures a generated output's chunks and the
// real stains cut on the same grid, so the two ratios compare like with like.
struct TiledPlane {
  std::vector<std::pair<std::int64_t, std::int64_t>> tiles;
  std::function<std::vector<float>(std::int64_t row, std::int64_t col)> read;
};

// Adds to every meter each tile's interior, and its borders with the tile on its left and the
// one above where those exist; absent tiles count as nothing, not as zeros. Memory: two rows
// of tiles.
void meterTiledPlane(const TiledPlane& plane, const std::vector<SeamMeter*>& meters);

}  // namespace teramind
