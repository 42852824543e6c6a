#include "volume/AffineTransform.h"

#include <cmath>
#include <stdexcept>

namespace teramind {
namespace {

// Solves the 4×4 system M·x = b by Gaussian elimination with partial pivoting.
std::array<double, 4> solve4(std::array<std::array<double, 4>, 4> m, std::array<double, 4> b) {
  for (int col = 0; col < 4; ++col) {
    int pivot = col;
    for (int r = col + 1; r < 4; ++r)
      if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
    if (std::abs(m[pivot][col]) < 1e-12)
      throw std::invalid_argument("the points do not determine an affine transform (coplanar?)");
    std::swap(m[col], m[pivot]);
    std::swap(b[col], b[pivot]);
    for (int r = col + 1; r < 4; ++r) {
      const double f = m[r][col] / m[col][col];
      for (int c = col; c < 4; ++c) m[r][c] -= f * m[col][c];
      b[r] -= f * b[col];
    }
  }
  std::array<double, 4> x{};
  for (int r = 3; r >= 0; --r) {
    double s = b[r];
    for (int c = r + 1; c < 4; ++c) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}

}  // namespace

AffineTransform::AffineTransform() : linear_(identityMatrix()), translation_{0, 0, 0} {}

AffineTransform::AffineTransform(const Mat3& linear, const Vec3& translation)
    : linear_(linear), translation_(translation) {}

AffineTransform AffineTransform::translation(const Vec3& offset) {
  return AffineTransform(identityMatrix(), offset);
}

AffineTransform AffineTransform::fit(const std::vector<Vec3>& from, const std::vector<Vec3>& to) {
  if (from.size() != to.size()) throw std::invalid_argument("affine fit: point counts differ");
  if (from.size() < 4) throw std::invalid_argument("affine fit: needs at least 4 point pairs");
  // Centre both sets first: keeps the normal equations well conditioned for µm-scale offsets.
  Vec3 cf{0, 0, 0}, ct{0, 0, 0};
  for (std::size_t i = 0; i < from.size(); ++i)
    for (int a = 0; a < 3; ++a) cf[a] += from[i][a], ct[a] += to[i][a];
  for (int a = 0; a < 3; ++a) cf[a] /= double(from.size()), ct[a] /= double(from.size());
  std::array<std::array<double, 4>, 4> normal{};
  std::array<std::array<double, 4>, 3> rhs{};
  for (std::size_t i = 0; i < from.size(); ++i) {
    const std::array<double, 4> h{from[i][0] - cf[0], from[i][1] - cf[1], from[i][2] - cf[2], 1};
    for (int r = 0; r < 4; ++r) {
      for (int c = 0; c < 4; ++c) normal[r][c] += h[r] * h[c];
      for (int a = 0; a < 3; ++a) rhs[a][r] += h[r] * (to[i][a] - ct[a]);
    }
  }
  Mat3 linear{};
  Vec3 t{};
  for (int a = 0; a < 3; ++a) {
    const auto row = solve4(normal, rhs[a]);
    for (int c = 0; c < 3; ++c) linear[a][c] = row[c];
    t[a] = row[3] + ct[a];
    for (int c = 0; c < 3; ++c) t[a] -= row[c] * cf[c];
  }
  return AffineTransform(linear, t);
}

Vec3 AffineTransform::apply(const Vec3& p) const {
  Vec3 out{};
  for (int r = 0; r < 3; ++r)
    out[r] = linear_[r][0] * p[0] + linear_[r][1] * p[1] + linear_[r][2] * p[2] + translation_[r];
  return out;
}

AffineTransform AffineTransform::then(const AffineTransform& next) const {
  Mat3 linear{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < 3; ++k) linear[r][c] += next.linear_[r][k] * linear_[k][c];
  return AffineTransform(linear, next.apply(translation_));
}

AffineTransform AffineTransform::inverse() const {
  // Relative to the column lengths, so µm → m (1e-6 scales) is not mistaken for singular.
  double scale = 1;
  for (int c = 0; c < 3; ++c)
    scale *= std::sqrt(linear_[0][c] * linear_[0][c] + linear_[1][c] * linear_[1][c] +
                       linear_[2][c] * linear_[2][c]);
  if (!(std::abs(determinant(linear_)) > 1e-12 * scale))
    throw std::invalid_argument("affine transform is singular");
  AffineTransform result(teramind::inverse(linear_), {0, 0, 0});
  const Vec3 t = result.apply(translation_);
  result.translation_ = {-t[0], -t[1], -t[2]};
  return result;
}

std::array<double, 12> AffineTransform::toRowMajor() const {
  std::array<double, 12> v{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) v[r * 4 + c] = linear_[r][c];
    v[r * 4 + 3] = translation_[r];
  }
  return v;
}

AffineTransform AffineTransform::fromRowMajor(const std::array<double, 12>& v) {
  Mat3 linear{};
  Vec3 t{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) linear[r][c] = v[r * 4 + c];
    t[r] = v[r * 4 + 3];
  }
  return AffineTransform(linear, t);
}

bool AffineTransform::approximatelyEquals(const AffineTransform& other, double tolerance) const {
  const auto a = toRowMajor(), b = other.toRowMajor();
  for (int i = 0; i < 12; ++i)
    if (std::abs(a[i] - b[i]) > tolerance) return false;
  return true;
}

}  // namespace teramind
