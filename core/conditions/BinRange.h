#pragma once

#include <cstdint>

#include "transcriptomics/BinnedCondition.h"

namespace teramind {

// An inclusive run of bin indices along one grid axis; empty when last < first.
struct BinRange {
  std::int32_t first = 0, last = -1;
  bool empty() const { return last < first; }
};

// The bins along x, y or the plane axis whose centres may lie in [loUm, hiUm], clamped to the
// grid. One bin of slack on each side absorbs rounding; callers test the centres exactly, so
// selections only ever enumerate a shape's bounding box, never the whole grid.
BinRange candidateColumns(const BinGrid& grid, double loUm, double hiUm);
BinRange candidateRows(const BinGrid& grid, double loUm, double hiUm);
// With planeSpacingUm ≤ 0 every plane sits at z = 0, so every plane is a candidate when 0 is.
BinRange candidatePlanes(const BinGrid& grid, double loUm, double hiUm);

}  // namespace teramind
