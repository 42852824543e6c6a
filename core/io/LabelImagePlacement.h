#pragma once

#include <string>

namespace teramind {

// Where a label image lies in section µm: pixel corner (column, row) at
// ((originXPx + column) × pixelUm, (originYPx + height − row) × pixelUm) when rows run against
// y (CosMx), else ((originXPx + column) × pixelUm, (originYPx + row) × pixelUm).
struct LabelImagePlacement {
  double originXPx = 0, originYPx = 0;
  double pixelUm = 1;
  bool rowsAgainstY = true;
  // Outline ids are idPrefix + label ("12_" + "345" for FOV 12); a label in several pieces
  // gives "12_345/0", "12_345/1", … (the SpatialData multipolygon convention).
  std::string idPrefix;
};

}  // namespace teramind
