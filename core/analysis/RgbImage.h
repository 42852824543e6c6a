#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace teramind {

// An 8-bit RGB raster in memory, row-major, three bytes a pixel: what the analysis draws, for
// a front end to encode (the CLI as PNG) or show.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // [y][x][r, g, b]

  RgbImage() = default;
  RgbImage(int w, int h, std::uint8_t fill)
      : width(w), height(h), pixels(std::size_t(w) * std::size_t(h) * 3, fill) {}

  void set(int x, int y, const std::array<std::uint8_t, 3>& rgb) {
    const std::size_t i = (std::size_t(y) * std::size_t(width) + std::size_t(x)) * 3;
    for (std::size_t c = 0; c < 3; ++c) pixels[i + c] = rgb[c];
  }
  std::array<std::uint8_t, 3> at(int x, int y) const {
    const std::size_t i = (std::size_t(y) * std::size_t(width) + std::size_t(x)) * 3;
    return {pixels[i], pixels[i + 1], pixels[i + 2]};
  }
};

}  // namespace teramind
