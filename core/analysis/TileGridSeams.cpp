#include "analysis/TileGridSeams.h"

#include <map>

namespace teramind {

void meterTiledPlane(const TiledPlane& plane, const std::vector<SeamMeter*>& meters) {
  // The row above: only its existing tiles; the tile on the left, when it exists.
  std::map<std::int64_t, std::vector<float>> above, here;
  std::int64_t row = -1, leftCol = -1;
  std::vector<float> left;
  for (const auto& [r, q] : plane.tiles) {
    if (r != row) {
      above = r == row + 1 ? std::move(here) : decltype(above){};
      here.clear();
      row = r;
      left.clear();
    }
    auto tile = plane.read(r, q);
    const auto up = above.find(q);
    const bool touchesLeft = !left.empty() && leftCol == q - 1;
    for (auto* m : meters) {
      m->addTile(tile);
      if (touchesLeft) m->addHorizontalBorder(left, tile);
      if (up != above.end()) m->addVerticalBorder(up->second, tile);
    }
    here[q] = tile;
    left = std::move(tile);
    leftCol = q;
  }
}

}  // namespace teramind
