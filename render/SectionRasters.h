#pragma once

#include <vector>

#include "SectionRaster.h"
#include "transcriptomics/BinnedCondition.h"
#include "volume/Image3D.h"

namespace teramind::render {

// How generated morphology is shown: one stain in grey, or DAPI blue over PolyT green.
enum class StainDisplay { Dapi, PolyT, Composite };

// Where a generated tile lies: its corner and pixel size in section µm, its plane's depth.
struct TilePlacement {
  double xUm = 0, yUm = 0, pixelUm = 1, zUm = 0;
};

// One output section of a generated tile's core ([stain][section][y][x] in [−1, 1], the
// engine's layout) as an opaque raster.
SectionRaster generatedTileRaster(const std::vector<float>& core, int tilePixels, int stains,
                                  int sections, int section, StainDisplay display,
                                  const TilePlacement& placement);

// Per-bin values ([y][x] over `grid`) in viridis from 0 to `maxValue`; bins ≤ 0 are clear so the
// tissue shows through, the rest `opacity` opaque.
SectionRaster binValueRaster(const std::vector<float>& values, const BinGrid& grid, double zUm,
                             double maxValue, double opacity = 0.8);

// A grey stain image (section µm, its first plane) as an opaque raster over its outer edges,
// box-averaged by a whole factor to at most `maxSide` px a side.
SectionRaster stainRaster(const Image3D<std::uint8_t>& stain, int maxSide = 1024);

}  // namespace teramind::render
