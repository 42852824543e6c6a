#pragma once

#include <optional>
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

// The section's own extent (µm), to tell landmarks clicked off the tissue.
struct SectionExtentUm {
  double xMin = 0, xMax = 0, yMin = 0, yMax = 0;
};

// A section placed from landmarks: the affine map and how well each pair agrees with it.
struct LandmarkFit {
  AffineTransform sectionToAtlas;
  std::vector<double> residualUm;  // per landmark: |placed section point − atlas point|
  double rmsUm = 0;
  double maxUm = 0;
  // How much the fit stretches the section in its plane: the singular values of the in-plane
  // part (the 3×2 of the x and y columns), largest first. Tissue shrinks or swells by tens of
  // per cent, not by 10×.
  double scaleMax = 1, scaleMin = 1;
  // A fit that is possible but likely wrong, in words (a scale outside [0.5, 2], section points
  // well outside the section). Saving is still allowed: the user decides.
  std::vector<std::string> warnings;
};

// In-plane scales outside this range, and section points this far (a fraction of the section's
// size) outside its extent, give a warning.
constexpr double kPlausibleScaleMin = 0.5, kPlausibleScaleMax = 2.0;
constexpr double kLandmarkExtentMargin = 0.1;

// Fits section → atlas by least squares over at least 3 pairs whose section points are not on
// one line. A section is a plane, so the pairs fix only the in-plane columns (x, y) and the
// translation; the third column (section z, i.e. plane × spacing, in µm) is completed as the
// unit normal x̂ × ŷ of the placed plane: planes stack at their own µm spacing (the instrument's
// focus steps, not stretched by in-plane tissue shrinkage) and the map is right-handed
// (det > 0). A section mounted mirrored shows as an in-plane reflection, which the pairs carry.
// With exactly 3 pairs the fit is exact and every residual is 0: a 4th pair is the first check.
// Throws std::invalid_argument naming the problem: fewer than 3 pairs, a value not finite,
// section points on a line (or all one point), atlas points that put the section on a line.
// With the section's extent, section points more than kLandmarkExtentMargin outside it warn.
LandmarkFit fitLandmarks(const std::vector<Landmark>& landmarks,
                         const std::optional<SectionExtentUm>& sectionExtent = std::nullopt);

}  // namespace teramind
