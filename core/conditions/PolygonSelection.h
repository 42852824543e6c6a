#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "conditions/SelectedBin.h"

namespace teramind {

// A closed polygon (lasso, drawn region) on one plane, in the section's own µm. A bin is inside
// by the even-odd rule applied to its centre, so concave and self-crossing outlines work;
// every inside bin gets weight 1.
struct PolygonSelection {
  std::vector<std::array<double, 2>> verticesUm;  // x, y; closed implicitly
  std::int32_t plane = 0;

  // Throws std::invalid_argument: fewer than 3 vertices, a non-finite vertex, plane < 0.
  void validate() const;
  // "x,y x,y …" (µm), as typed on a command line; validated. Throws std::invalid_argument
  // naming the vertex that is not X,Y.
  static PolygonSelection fromText(const std::string& vertices, std::int32_t plane = 0);
  // The even-odd test on one point, the same rule select() applies row by row.
  bool contains(double xUm, double yUm) const;
  std::vector<SelectedBin> select(const BinGrid& grid) const;

  bool operator==(const PolygonSelection& o) const {
    return verticesUm == o.verticesUm && plane == o.plane;
  }
};

}  // namespace teramind
