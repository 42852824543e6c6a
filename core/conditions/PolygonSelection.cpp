#include "conditions/PolygonSelection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "conditions/BinRange.h"

namespace teramind {
namespace {

// Where the horizontal line y crosses the polygon's edges. Half-open in y (an edge counts when
// exactly one end is above y), so a vertex on the line is counted once and the count is even.
std::vector<double> crossings(const std::vector<std::array<double, 2>>& v, double y) {
  std::vector<double> xs;
  for (std::size_t i = 0, j = v.size() - 1; i < v.size(); j = i++) {
    const auto& a = v[j];
    const auto& b = v[i];
    if ((a[1] > y) == (b[1] > y)) continue;
    // Interpolate with t in [0, 1] first: products of far-away coordinates would overflow.
    const double t = (y - a[1]) / (b[1] - a[1]);
    xs.push_back(a[0] * (1 - t) + b[0] * t);
  }
  std::sort(xs.begin(), xs.end());
  return xs;
}

}  // namespace

void PolygonSelection::validate() const {
  if (verticesUm.size() < 3) throw std::invalid_argument("a polygon needs at least 3 vertices");
  for (const auto& v : verticesUm)
    if (!std::isfinite(v[0]) || !std::isfinite(v[1]))
      throw std::invalid_argument("polygon vertex is not finite");
  if (plane < 0) throw std::invalid_argument("polygon has a negative plane index");
}

bool PolygonSelection::contains(double xUm, double yUm) const {
  // Inside when an odd number of crossings lie strictly right of the point.
  const auto xs = crossings(verticesUm, yUm);
  const auto right = xs.end() - std::upper_bound(xs.begin(), xs.end(), xUm);
  return right % 2 == 1;
}

std::vector<SelectedBin> PolygonSelection::select(const BinGrid& grid) const {
  validate();
  std::vector<SelectedBin> out;
  if (plane >= grid.planes) return out;
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const auto& v : verticesUm) {
    xlo = std::min(xlo, v[0]), xhi = std::max(xhi, v[0]);
    ylo = std::min(ylo, v[1]), yhi = std::max(yhi, v[1]);
  }
  const BinRange xs = candidateColumns(grid, xlo, xhi);
  const BinRange ys = candidateRows(grid, ylo, yhi);
  if (xs.empty()) return out;
  // Scanline fill: per row, sort the crossings once and take the spans between pairs, instead
  // of testing every bin against every edge.
  for (std::int32_t y = ys.first; y <= ys.last; ++y) {
    const double yc = grid.binCentreUm({0, y, plane})[1];
    const auto cross = crossings(verticesUm, yc);
    for (std::size_t k = 0; k + 1 < cross.size(); k += 2) {
      // Odd count of crossings right of x ⇔ x in [cross[k], cross[k+1]) for even k.
      const BinRange span = candidateColumns(grid, cross[k], cross[k + 1]);
      for (std::int32_t x = std::max(span.first, xs.first); x <= std::min(span.last, xs.last);
           ++x) {
        const double xc = grid.binCentreUm({x, y, plane})[0];
        if (xc >= cross[k] && xc < cross[k + 1]) out.push_back({{x, y, plane}, 1.0});
      }
    }
  }
  return out;
}

PolygonSelection PolygonSelection::fromText(const std::string& vertices, std::int32_t plane) {
  PolygonSelection polygon;
  polygon.plane = plane;
  std::istringstream in(vertices);
  std::string vertex;
  while (in >> vertex) {
    double x = 0, y = 0;
    char comma = 0;
    std::istringstream v(vertex);
    if (!(v >> x >> comma >> y) || comma != ',' || !(v >> std::ws).eof())
      throw std::invalid_argument("'" + vertex + "' is not X,Y (µm on the section)");
    polygon.verticesUm.push_back({x, y});
  }
  polygon.validate();
  return polygon;
}

}  // namespace teramind
