#include "volume/PhysicalFrame.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace teramind {
namespace {

Vec3 multiply(const Mat3& m, const Vec3& v) {
  Vec3 r{};
  for (int i = 0; i < 3; ++i) r[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
  return r;
}

}  // namespace

Mat3 identityMatrix() {
  return {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
}

double determinant(const Mat3& m) {
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
         m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
         m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

Mat3 inverse(const Mat3& m) {
  const double det = determinant(m);
  if (!(std::abs(det) >= 1e-300) || !std::isfinite(det))
    throw std::invalid_argument("matrix is singular or not finite");
  Mat3 r{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int a = (j + 1) % 3, b = (j + 2) % 3, c = (i + 1) % 3, d = (i + 2) % 3;
      r[i][j] = (m[a][c] * m[b][d] - m[a][d] * m[b][c]) / det;
    }
  return r;
}

PhysicalFrame::PhysicalFrame() : PhysicalFrame({0, 0, 0}, {1, 1, 1}) {}

PhysicalFrame::PhysicalFrame(const Vec3& origin, const Vec3& spacing, const Mat3& direction)
    : origin_(origin), spacing_(spacing), direction_(direction) {
  for (int axis = 0; axis < 3; ++axis)
    if (!(spacing[axis] > 0) || !std::isfinite(spacing[axis]))
      throw std::invalid_argument("voxel spacing must be positive and finite (axis " +
                                  std::to_string(axis) + " is " + std::to_string(spacing[axis]) +
                                  ")");
  if (!(std::abs(determinant(direction)) >= 1e-6))
    throw std::invalid_argument("frame direction matrix is singular or not finite");
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) indexToPhysical_[i][j] = direction[i][j] * spacing[j];
  physicalToIndex_ = inverse(indexToPhysical_);
}

Vec3 PhysicalFrame::indexToPhysical(const Vec3& index) const {
  Vec3 p = multiply(indexToPhysical_, index);
  for (int i = 0; i < 3; ++i) p[i] += origin_[i];
  return p;
}

Vec3 PhysicalFrame::physicalToIndex(const Vec3& point) const {
  return multiply(physicalToIndex_,
                  {point[0] - origin_[0], point[1] - origin_[1], point[2] - origin_[2]});
}

std::optional<Index3> PhysicalFrame::physicalToVoxel(const Vec3& point, const Size3& dims) const {
  const Vec3 index = physicalToIndex(point);
  Index3 voxel{};
  for (int axis = 0; axis < 3; ++axis) {
    const double rounded = std::floor(index[axis] + 0.5);
    if (!(rounded >= 0) || rounded >= static_cast<double>(dims[axis])) return std::nullopt;
    voxel[axis] = static_cast<std::int64_t>(rounded);
  }
  return voxel;
}

PhysicalFrame PhysicalFrame::shifted(const Index3& offset) const {
  return {indexToPhysical({static_cast<double>(offset[0]), static_cast<double>(offset[1]),
                           static_cast<double>(offset[2])}),
          spacing_, direction_};
}

bool PhysicalFrame::approximatelyEquals(const PhysicalFrame& other, double tolerance) const {
  for (int i = 0; i < 3; ++i) {
    if (std::abs(origin_[i] - other.origin_[i]) > tolerance * (1 + std::abs(origin_[i])))
      return false;
    if (std::abs(spacing_[i] - other.spacing_[i]) > tolerance * spacing_[i]) return false;
    for (int j = 0; j < 3; ++j)
      if (std::abs(direction_[i][j] - other.direction_[i][j]) > tolerance) return false;
  }
  return true;
}

}  // namespace teramind
