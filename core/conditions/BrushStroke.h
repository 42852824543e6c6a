#pragma once

#include <cstdint>
#include <vector>

#include "conditions/SelectedBin.h"

namespace teramind {

// One dab centre of a stroke, in the section's own µm and a plane index.
struct BrushCentre {
  double xUm = 0, yUm = 0;
  std::int32_t plane = 0;
  bool operator==(const BrushCentre& o) const {
    return xUm == o.xUm && yUm == o.yUm && plane == o.plane;
  }
};

// A brush stroke: the region swept by a disk or sphere moving along a polyline of centres.
// A Disk stays in its plane (all centres must share one); a Sphere reaches the planes within
// the radius, using the grid's plane spacing. A bin is inside when its centre is; with a Soft
// edge its weight falls smoothly from 1 at hardness·radius to 0 at the radius.
struct BrushStroke {
  enum class Shape { Disk, Sphere };
  enum class Edge { Hard, Soft };

  std::vector<BrushCentre> centres;
  double radiusUm = 1.0;
  Shape shape = Shape::Disk;
  Edge edge = Edge::Hard;
  double hardness = 0.5;  // only for Soft: the fraction of the radius painted at full weight

  // Throws std::invalid_argument: no centres, non-finite values, radius ≤ 0, hardness outside
  // [0, 1], a Disk whose centres are on different planes, or a plane index < 0.
  void validate() const;
  // Weight of a bin whose centre is `distanceUm` from the stroke's path; 0 outside.
  double weightAt(double distanceUm) const;
  // The bins the stroke covers (outside-grid bins dropped), max weight where dabs overlap.
  std::vector<SelectedBin> select(const BinGrid& grid) const;

  bool operator==(const BrushStroke& o) const {
    return centres == o.centres && radiusUm == o.radiusUm && shape == o.shape && edge == o.edge &&
           hardness == o.hardness;
  }
};

}  // namespace teramind
