#pragma once

#include <array>
#include <vector>

#include "volume/PhysicalFrame.h"

namespace teramind {

// A 3D affine map in µm: y = A·x + t. Places a section's own coordinates into atlas space.
class AffineTransform {
 public:
  AffineTransform();  // identity
  AffineTransform(const Mat3& linear, const Vec3& translation);

  static AffineTransform translation(const Vec3& offset);
  // Least-squares fit of `to ≈ A·from + t` over point pairs (at least 4, not coplanar).
  // Throws std::invalid_argument when the points do not determine an affine map.
  static AffineTransform fit(const std::vector<Vec3>& from, const std::vector<Vec3>& to);

  Vec3 apply(const Vec3& point) const;
  AffineTransform then(const AffineTransform& next) const;  // next ∘ this
  AffineTransform inverse() const;                          // throws if singular

  const Mat3& linear() const { return linear_; }
  const Vec3& offset() const { return translation_; }

  // Row-major 3×4 [A | t], the layout of placement files.
  std::array<double, 12> toRowMajor() const;
  static AffineTransform fromRowMajor(const std::array<double, 12>& values);

  bool approximatelyEquals(const AffineTransform& other, double tolerance = 1e-9) const;

 private:
  Mat3 linear_;
  Vec3 translation_;
};

}  // namespace teramind
