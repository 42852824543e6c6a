#include "sectionview/PyramidSource.h"

#include <algorithm>
#include <limits>

namespace teramind {

namespace {

// Tiles needed to cover `pixels` (the last one partial): 0 for an empty or missing level.
std::int64_t tilesAcross(std::int64_t pixels, int tile) {
  if (pixels <= 0 || tile <= 0) return 0;
  return (pixels + tile - 1) / tile;
}

}  // namespace

std::int64_t PyramidInfo::tileRows(int level) const {
  if (level < 0 || level >= int(levels.size())) return 0;
  return tilesAcross(levels[std::size_t(level)].height, tile);
}

std::int64_t PyramidInfo::tileCols(int level) const {
  if (level < 0 || level >= int(levels.size())) return 0;
  return tilesAcross(levels[std::size_t(level)].width, tile);
}

TileWindow tileWindow(const PyramidInfo& info, int level, int channel, int plane, std::int64_t row,
                      std::int64_t col) {
  if (level < 0 || level >= int(info.levels.size()) || channel < 0 ||
      channel >= int(info.channels.size()) || plane < 0 || plane >= info.planes || row < 0 ||
      col < 0 || info.tile <= 0)
    return {};
  const PyramidLevel& l = info.levels[std::size_t(level)];
  const std::int64_t x0 = col * info.tile, y0 = row * info.tile;
  if (x0 >= l.width || y0 >= l.height) return {};
  return {x0, y0, std::min<std::int64_t>(info.tile, l.width - x0),
          std::min<std::int64_t>(info.tile, l.height - y0)};
}

TilePixels emptyTile(const PyramidInfo& info) {
  return TilePixels(std::size_t(info.tile) * std::size_t(info.tile),
                    std::numeric_limits<float>::quiet_NaN());
}

}  // namespace teramind
