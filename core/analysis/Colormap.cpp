#include "analysis/Colormap.h"

#include <algorithm>
#include <cmath>

namespace teramind {

std::array<std::uint8_t, 3> viridis(double t) {
  static const double anchors[9][3] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},
                                       {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
                                       {92, 200, 99},  {170, 220, 50}, {253, 231, 37}};
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * 8;
  const int i = std::min(7, static_cast<int>(t));
  const double f = t - i;
  std::array<std::uint8_t, 3> rgb{};
  for (int c = 0; c < 3; ++c)
    rgb[std::size_t(c)] = static_cast<std::uint8_t>(
        std::lround(anchors[i][c] + f * (anchors[i + 1][c] - anchors[i][c])));
  return rgb;
}

}  // namespace teramind
