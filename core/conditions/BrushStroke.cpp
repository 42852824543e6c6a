#include "conditions/BrushStroke.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "conditions/BinRange.h"

namespace teramind {
namespace {

struct Point3 {
  double x, y, z;
};

// Distance from q to the segment [a, b]: the stroke is the union of dabs placed continuously
// along each segment, so sparse mouse samples still paint a gap-free line.
double distanceToSegment(const Point3& q, const Point3& a, const Point3& b) {
  const double dx = b.x - a.x, dy = b.y - a.y, dz = b.z - a.z;
  const double length2 = dx * dx + dy * dy + dz * dz;
  double t = 0;
  if (length2 > 0)
    t = std::clamp(((q.x - a.x) * dx + (q.y - a.y) * dy + (q.z - a.z) * dz) / length2, 0.0, 1.0);
  const double ex = q.x - (a.x + t * dx), ey = q.y - (a.y + t * dy), ez = q.z - (a.z + t * dz);
  return std::sqrt(ex * ex + ey * ey + ez * ez);
}

}  // namespace

void BrushStroke::validate() const {
  if (centres.empty()) throw std::invalid_argument("brush stroke has no centres");
  if (!std::isfinite(radiusUm) || radiusUm <= 0)
    throw std::invalid_argument("brush radius must be finite and > 0");
  if (!std::isfinite(hardness) || hardness < 0 || hardness > 1)
    throw std::invalid_argument("brush hardness must be in [0, 1]");
  for (const auto& c : centres) {
    if (!std::isfinite(c.xUm) || !std::isfinite(c.yUm))
      throw std::invalid_argument("brush centre is not finite");
    if (c.plane < 0) throw std::invalid_argument("brush centre has a negative plane index");
    if (shape == Shape::Disk && c.plane != centres.front().plane)
      throw std::invalid_argument("a disk brush stroke must stay on one plane");
  }
}

double BrushStroke::weightAt(double distanceUm) const {
  if (!(distanceUm <= radiusUm)) return 0.0;
  const double inner = hardness * radiusUm;
  if (edge == Edge::Hard || distanceUm <= inner) return 1.0;
  // Smoothstep: continuous slope at both ends, so the soft rim shows no ring.
  const double t = (distanceUm - inner) / (radiusUm - inner);
  return std::clamp(1.0 - t * t * (3.0 - 2.0 * t), 0.0, 1.0);
}

std::vector<SelectedBin> BrushStroke::select(const BinGrid& grid) const {
  validate();
  const bool sphere = shape == Shape::Sphere;
  auto point = [&](const BrushCentre& c) {
    return Point3{c.xUm, c.yUm, sphere ? c.plane * grid.planeSpacingUm : 0.0};
  };
  std::unordered_map<std::uint64_t, double> weights;
  // Segment i joins centres i and i+1; a single centre is a segment of length 0.
  const std::size_t segments = centres.size() == 1 ? 1 : centres.size() - 1;
  for (std::size_t s = 0; s < segments; ++s) {
    const BrushCentre& ca = centres[s];
    const BrushCentre& cb = centres[std::min(s + 1, centres.size() - 1)];
    const Point3 a = point(ca), b = point(cb);
    const BinRange xs =
        candidateColumns(grid, std::min(a.x, b.x) - radiusUm, std::max(a.x, b.x) + radiusUm);
    const BinRange ys =
        candidateRows(grid, std::min(a.y, b.y) - radiusUm, std::max(a.y, b.y) + radiusUm);
    BinRange planes{ca.plane, ca.plane};
    if (sphere)
      planes = candidatePlanes(grid, std::min(a.z, b.z) - radiusUm, std::max(a.z, b.z) + radiusUm);
    // A disk on a plane the grid lacks selects nothing (and must not run the loop to INT_MAX).
    planes.first = std::max(planes.first, 0);
    planes.last = std::min(planes.last, grid.planes - 1);
    for (std::int64_t p = planes.first; p <= planes.last; ++p)
      for (std::int64_t y = ys.first; y <= ys.last; ++y)
        for (std::int64_t x = xs.first; x <= xs.last; ++x) {
          const BinIndex bin{std::int32_t(x), std::int32_t(y), std::int32_t(p)};
          if (!grid.contains(bin)) continue;
          const Vec3 c = grid.binCentreUm(bin);
          const double w = weightAt(distanceToSegment({c[0], c[1], sphere ? c[2] : 0.0}, a, b));
          if (w <= 0) continue;
          double& best = weights[BinnedCondition::key(bin)];
          best = std::max(best, w);
        }
  }
  return sortedSelection(weights);
}

}  // namespace teramind
