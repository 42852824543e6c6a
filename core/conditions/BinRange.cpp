#include "conditions/BinRange.h"

#include <algorithm>
#include <cmath>

namespace teramind {
namespace {

// Index i has its centre at origin + (i + ½)·step. Clamping happens in double so that a huge or
// infinite extent never reaches the int conversion.
BinRange centredIn(double origin, double step, std::int32_t count, double loUm, double hiUm) {
  if (!(loUm <= hiUm) || count <= 0) return {};
  const double lo = std::max(0.0, std::floor((loUm - origin) / step - 0.5) - 1.0);
  const double hi = std::min(double(count - 1), std::ceil((hiUm - origin) / step - 0.5) + 1.0);
  if (!(lo <= hi)) return {};
  return {std::int32_t(lo), std::int32_t(hi)};
}

}  // namespace

BinRange candidateColumns(const BinGrid& grid, double loUm, double hiUm) {
  return centredIn(grid.originXUm, grid.binUm, grid.width, loUm, hiUm);
}

BinRange candidateRows(const BinGrid& grid, double loUm, double hiUm) {
  return centredIn(grid.originYUm, grid.binUm, grid.height, loUm, hiUm);
}

BinRange candidatePlanes(const BinGrid& grid, double loUm, double hiUm) {
  if (!(grid.planeSpacingUm > 0)) {
    if (loUm <= 0 && 0 <= hiUm) return {0, grid.planes - 1};
    return {};
  }
  // Plane p sits at p·spacing (no half-bin shift): shift by half a spacing to reuse centredIn.
  return centredIn(-0.5 * grid.planeSpacingUm, grid.planeSpacingUm, grid.planes, loUm, hiUm);
}

}  // namespace teramind
