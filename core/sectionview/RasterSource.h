#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sectionview/PyramidSource.h"

namespace teramind {

// An image held in memory as a pyramid source: one float channel per plane at `pixelUm`, its
// pixel (0, 0)'s outer corner at (originXUm, originYUm); coarser levels are 2 × 2 means (NaN
// pixels ignored) made once, until one tile holds the image. For images computed by the studio:
// attention pathway maps on the bin grid.
class RasterSource : public PyramidSource {
 public:
  // `planes`: width × height values each, NaN where there is nothing.
  RasterSource(std::string name, std::string channel, std::int64_t width, std::int64_t height,
               double pixelUm, double originXUm, double originYUm,
               std::vector<std::vector<float>> planes, int tile = 256);
  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int level, int channel, int plane, std::int64_t row,
                      std::int64_t col) const override;

 private:
  PyramidInfo info_;
  std::vector<std::vector<std::vector<float>>> levels_;  // [level][plane][y·w + x]
};

}  // namespace teramind
