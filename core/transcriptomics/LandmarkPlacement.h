#pragma once

#include <string>
#include <vector>

#include "volume/AffineTransform.h"

namespace teramind {

// One pair of matching points: a place on the section (its own µm frame, on the plane z = 0)
// and the same place in the atlas (CCFv3 µm: AP, DV, LR).
struct Landmark {
  std::string name;
  double sectionXUm = 0, sectionYUm = 0;
  Vec3 atlasUm{0, 0, 0};
};

// A section placed from landmarks: the affine map and how well each pair agrees with it.
struct LandmarkFit {
  AffineTransform sectionToAtlas;
  std::vector<double> residualUm;  // per landmark: |placed section point − atlas point|
  double rmsUm = 0;
  double maxUm = 0;
};

// Fits section → atlas by least squares over at least 3 pairs whose section points are not on
// one line. A section is a plane, so the pairs fix only the in-plane columns (x, y) and the
// translation; the third column (section z, i.e. plane × spacing, in µm) is completed as the
// unit normal x̂ × ŷ of the placed plane: planes stack at their own µm spacing (the instrument's
// focus steps, not stretched by in-plane tissue shrinkage) and the map is right-handed
// (det > 0). A section mounted mirrored shows as an in-plane reflection, which the pairs carry.
// With exactly 3 pairs the fit is exact and every residual is 0: a 4th pair is the first check.
// Throws std::invalid_argument naming the problem: fewer than 3 pairs, a value not finite,
// section points on a line (or all one point), atlas points that put the section on a line.
LandmarkFit fitLandmarks(const std::vector<Landmark>& landmarks);

}  // namespace teramind
