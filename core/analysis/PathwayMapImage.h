#pragma once

#include <vector>

#include "analysis/RgbImage.h"

namespace teramind {

// A pathway map (or any non-negative map of bins) as an image: viridis from 0 to `high`, bins
// scaled up by max(1, 256 / min(width, height)) px, then a 6 px white gap and a 12 px colour
// bar (top: high, bottom: 0). `values` is [y][x], width × height.
RgbImage pathwayMapImage(const std::vector<float>& values, int width, int height, double high);

}  // namespace teramind
