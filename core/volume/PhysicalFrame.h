#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace teramind {

using Vec3 = std::array<double, 3>;
using Mat3 = std::array<std::array<double, 3>, 3>;  // row-major: Mat3[row][column]
using Index3 = std::array<std::int64_t, 3>;
using Size3 = std::array<std::int64_t, 3>;

Mat3 identityMatrix();
double determinant(const Mat3& m);
// Throws std::invalid_argument for a singular or non-finite matrix.
Mat3 inverse(const Mat3& m);

// Where a voxel grid sits in physical space (µm): physical = origin + direction · (spacing ⊙
// index). Column j of `direction` is the physical unit vector of grid axis j.
class PhysicalFrame {
 public:
  PhysicalFrame();
  PhysicalFrame(const Vec3& origin, const Vec3& spacing, const Mat3& direction = identityMatrix());

  const Vec3& origin() const { return origin_; }
  const Vec3& spacing() const { return spacing_; }
  const Mat3& direction() const { return direction_; }

  // Continuous index (voxel centres at integers) to physical point and back.
  Vec3 indexToPhysical(const Vec3& index) const;
  Vec3 physicalToIndex(const Vec3& point) const;
  // The voxel whose centre is nearest to `point`, if it lies inside a grid of `dims`.
  std::optional<Index3> physicalToVoxel(const Vec3& point, const Size3& dims) const;

  // The frame of a sub-grid whose voxel (0,0,0) is voxel `offset` of this one.
  PhysicalFrame shifted(const Index3& offset) const;

  bool approximatelyEquals(const PhysicalFrame& other, double tolerance = 1e-6) const;

 private:
  Vec3 origin_;
  Vec3 spacing_;
  Mat3 direction_;
  Mat3 indexToPhysical_;  // direction · diag(spacing)
  Mat3 physicalToIndex_;  // its inverse
};

}  // namespace teramind
