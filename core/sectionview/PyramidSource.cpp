#include "sectionview/PyramidSource.h"

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

}  // namespace teramind
