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
  // `planes`: width × height values each, NaN where there is nothing. Contrast limits start at
  // the finite values' range (valueMax their largest). Throws std::invalid_argument for no
  // planes, a plane of another size, or a pixel size that is not finite and positive.
  RasterSource(std::string name, std::string channel, std::int64_t width, std::int64_t height,
               double pixelUm, double originXUm, double originYUm,
               std::vector<std::vector<float>> planes, int tile = 256);
  // Before the source is shared: what the values are (a stain read as 8-bit: 255, [0, 255]) and
  // the spacing of its planes.
  void setValueRange(double valueMax, double contrastMin, double contrastMax);
  void setPlaneUm(double planeUm) { info_.planeUm = planeUm; }

  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int level, int channel, int plane, std::int64_t row,
                      std::int64_t col) const override;

 private:
  PyramidInfo info_;
  std::vector<std::vector<std::vector<float>>> levels_;  // [level][plane][y·w + x]
};

}  // namespace teramind
