#include "transcriptomics/LandmarkPlacement.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>
#include <utility>

#include <fmt/core.h>

namespace teramind {
namespace {

Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

double norm(const Vec3& v) {
  return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

double dot(const Vec3& a, const Vec3& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

// The singular values of the 3×2 [ax ay]: square roots of the eigenvalues of its 2×2 Gram
// matrix, largest first.
std::pair<double, double> singularValues(const Vec3& ax, const Vec3& ay) {
  const double a = dot(ax, ax), b = dot(ax, ay), c = dot(ay, ay);
  const double mean = (a + c) / 2;
  const double spread = std::sqrt(std::max(0.0, (a - c) * (a - c) / 4 + b * b));
  return {std::sqrt(mean + spread), std::sqrt(std::max(0.0, mean - spread))};
}

void warnAboutScale(LandmarkFit& fit) {
  const auto say = [&](double scale) {
    fit.warnings.push_back(
        fmt::format("the fit scales the section by {:.3g}×: are the pairs matched?", scale));
  };
  if (fit.scaleMax > kPlausibleScaleMax) say(fit.scaleMax);
  if (fit.scaleMin < kPlausibleScaleMin) say(fit.scaleMin);
}

void warnAboutExtent(const std::vector<Landmark>& landmarks, const SectionExtentUm& e,
                     LandmarkFit& fit) {
  const double mx = kLandmarkExtentMargin * (e.xMax - e.xMin);
  const double my = kLandmarkExtentMargin * (e.yMax - e.yMin);
  for (const Landmark& l : landmarks)
    if (l.sectionXUm < e.xMin - mx || l.sectionXUm > e.xMax + mx || l.sectionYUm < e.yMin - my ||
        l.sectionYUm > e.yMax + my)
      fit.warnings.push_back(fmt::format(
          "landmark '{}' at ({:.1f}, {:.1f}) um lies outside the section (x {:.1f}..{:.1f}, "
          "y {:.1f}..{:.1f} um)",
          l.name, l.sectionXUm, l.sectionYUm, e.xMin, e.xMax, e.yMin, e.yMax));
}

}  // namespace

LandmarkFit fitLandmarks(const std::vector<Landmark>& landmarks,
                         const std::optional<SectionExtentUm>& sectionExtent) {
  const std::size_t n = landmarks.size();
  if (n < 3)
    throw std::invalid_argument("placing a section needs at least 3 landmark pairs, there " +
                                std::string(n == 1 ? "is " : "are ") + std::to_string(n));
  for (const Landmark& l : landmarks)
    if (!std::isfinite(l.sectionXUm) || !std::isfinite(l.sectionYUm) ||
        !std::isfinite(l.atlasUm[0]) || !std::isfinite(l.atlasUm[1]) ||
        !std::isfinite(l.atlasUm[2]))
      throw std::invalid_argument("landmark '" + l.name + "' has a coordinate that is not finite");

  // Centred sums keep the 2×2 normal equations well conditioned at slide-scale offsets.
  double cx = 0, cy = 0;
  Vec3 ct{0, 0, 0};
  for (const Landmark& l : landmarks) {
    cx += l.sectionXUm, cy += l.sectionYUm;
    for (int a = 0; a < 3; ++a) ct[a] += l.atlasUm[a];
  }
  cx /= double(n), cy /= double(n);
  for (double& c : ct) c /= double(n);
  double sxx = 0, sxy = 0, syy = 0;
  Vec3 rx{0, 0, 0}, ry{0, 0, 0};
  for (const Landmark& l : landmarks) {
    const double dx = l.sectionXUm - cx, dy = l.sectionYUm - cy;
    sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
    for (int a = 0; a < 3; ++a) {
      rx[a] += dx * (l.atlasUm[a] - ct[a]);
      ry[a] += dy * (l.atlasUm[a] - ct[a]);
    }
  }
  const double det = sxx * syy - sxy * sxy;
  const double trace = sxx + syy;
  // Relative to the spread, so the test does not depend on the unit: the smaller principal
  // spread below ~1e-5 of the larger is a line as far as a fit can tell.
  if (!(trace > 0) || !(det > 1e-10 * trace * trace))
    throw std::invalid_argument(
        "the landmarks' section points lie on one line (or on one point): a plane needs 3 "
        "points that are not in a row");
  Vec3 ax{}, ay{}, t{};
  for (int a = 0; a < 3; ++a) {
    ax[a] = (syy * rx[a] - sxy * ry[a]) / det;
    ay[a] = (sxx * ry[a] - sxy * rx[a]) / det;
  }
  const Vec3 normal = cross(ax, ay);
  const double area = norm(normal);
  // Also a column near zero, at any angle: saved, it rounds to 0 and would not load again.
  const auto [scaleMax, scaleMin] = singularValues(ax, ay);
  if (!(area > 1e-6 * norm(ax) * norm(ay)) || !(area > 0) || !(scaleMin >= 1e-6 * scaleMax))
    throw std::invalid_argument(
        "the landmarks' atlas points lie on one line (or on one point): they would flatten the "
        "section onto a line");
  for (int a = 0; a < 3; ++a) t[a] = ct[a] - ax[a] * cx - ay[a] * cy;
  Mat3 linear{};
  for (int a = 0; a < 3; ++a) {
    linear[a][0] = ax[a];
    linear[a][1] = ay[a];
    linear[a][2] = normal[a] / area;
  }
  LandmarkFit fit;
  fit.sectionToAtlas = AffineTransform(linear, t);
  double sumSquares = 0;
  for (const Landmark& l : landmarks) {
    const Vec3 placed = fit.sectionToAtlas.apply({l.sectionXUm, l.sectionYUm, 0});
    const double r =
        norm({placed[0] - l.atlasUm[0], placed[1] - l.atlasUm[1], placed[2] - l.atlasUm[2]});
    fit.residualUm.push_back(r);
    sumSquares += r * r;
    fit.maxUm = std::max(fit.maxUm, r);
  }
  fit.rmsUm = std::sqrt(sumSquares / double(n));
  fit.scaleMax = scaleMax;
  fit.scaleMin = scaleMin;
  warnAboutScale(fit);
  if (sectionExtent) warnAboutExtent(landmarks, *sectionExtent, fit);
  return fit;
}

}  // namespace teramind
