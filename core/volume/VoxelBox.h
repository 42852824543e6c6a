#pragma once

#include <limits>
#include <stdexcept>
#include <string>

#include "volume/PhysicalFrame.h"

namespace teramind {

// A box of voxels: `begin` inclusive, `size` voxels along each axis.
struct VoxelBox {
  Index3 begin{0, 0, 0};
  Size3 size{0, 0, 0};

  Index3 end() const { return {begin[0] + size[0], begin[1] + size[1], begin[2] + size[2]}; }
  std::int64_t voxelCount() const { return size[0] * size[1] * size[2]; }
  bool empty() const { return size[0] <= 0 || size[1] <= 0 || size[2] <= 0; }
  bool contains(const Index3& i) const {
    for (int a = 0; a < 3; ++a)
      if (i[a] < begin[a] || i[a] >= begin[a] + size[a]) return false;
    return true;
  }
  bool fitsInside(const Size3& dims) const {
    for (int a = 0; a < 3; ++a)
      if (begin[a] < 0 || size[a] < 0 || begin[a] + size[a] > dims[a]) return false;
    return true;
  }
  bool operator==(const VoxelBox& o) const { return begin == o.begin && size == o.size; }
};

// Voxels × channels of a grid, refusing negative sizes and products that would overflow or
// exceed 2^42 values (a corrupt header must not turn into a tiny allocation).
inline std::int64_t checkedVoxelCount(const Size3& dims, std::size_t channels = 1) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 42;
  std::int64_t total = static_cast<std::int64_t>(channels);
  for (auto d : dims) {
    if (d < 0) throw std::invalid_argument("negative image dimension " + std::to_string(d));
    if (d != 0 && total > kLimit / d)
      throw std::invalid_argument("image dimensions " + std::to_string(dims[0]) + "x" +
                                  std::to_string(dims[1]) + "x" + std::to_string(dims[2]) +
                                  " are too large");
    total *= d;
  }
  return total;
}

}  // namespace teramind
