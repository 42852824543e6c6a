#include "analysis/PathwayMapImage.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>

#include "analysis/Colormap.h"

namespace teramind {

RgbImage pathwayMapImage(const std::vector<float>& values, int width, int height, double high) {
  if (width <= 0 || height <= 0 || values.size() != std::size_t(width) * std::size_t(height))
    throw std::invalid_argument("pathwayMapImage: the values are not width x height");
  const int scale = std::max(1, 256 / std::max(1, std::min(width, height))), gap = 6, bar = 12;
  const int W = width * scale + gap + bar, H = height * scale;
  RgbImage image(W, H, 255);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < width * scale; ++x)
      image.set(
          x, y,
          viridis(
              high > 0
                  ? values[std::size_t(y / scale) * std::size_t(width) + std::size_t(x / scale)] /
                        high
                  : 0));
  for (int y = 0; y < H; ++y)
    for (int x = width * scale + gap; x < W; ++x)
      image.set(x, y, viridis(1.0 - double(y) / std::max(1, H - 1)));
  return image;
}

}  // namespace teramind
