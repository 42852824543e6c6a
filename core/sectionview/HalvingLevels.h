#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sectionview/PyramidSource.h"

namespace teramind {

// The levels of a 2 × 2 pyramid over a width × height px image of `pixelUm` px: each level half
// the last (rounded up), until one tile × tile px tile holds it. The sources computed from data
// (molecule counts, atlas labels, rasters) share it.
inline std::vector<PyramidLevel> halvingLevels(std::int64_t width, std::int64_t height,
                                               double pixelUm, int tile) {
  std::vector<PyramidLevel> levels{
      {std::max<std::int64_t>(width, 1), std::max<std::int64_t>(height, 1), pixelUm}};
  // 62 halvings reduce any 64-bit size to 1 px: the loop always ends.
  while ((levels.back().width > tile || levels.back().height > tile) && levels.size() < 64) {
    const auto& last = levels.back();
    levels.push_back({(last.width + 1) / 2, (last.height + 1) / 2, last.pixelUm * 2});
  }
  return levels;
}

}  // namespace teramind
