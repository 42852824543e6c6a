#pragma once

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

}  // namespace teramind
