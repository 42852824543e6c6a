#pragma once

#include <cstdint>
#include <vector>

namespace teramind::render {

// An RGBA image lying on a rectangle of a section, in the section's own µm: row 0 at yUm,
// column 0 at xUm. What the scene draws for stains, generated tiles and overlays.
struct SectionRaster {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;  // [y][x][4]
  double xUm = 0, yUm = 0, widthUm = 0, heightUm = 0, zUm = 0;
};

}  // namespace teramind::render
