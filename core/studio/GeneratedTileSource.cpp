#include "studio/GeneratedTileSource.h"

#include <algorithm>
#include <cmath>

#include "generation/OmeZarrTileSink.h"
#include "studio/StudioState.h"

namespace teramind {

GeneratedTileSource::GeneratedTileSource(std::shared_ptr<const PyramidSource> store,
                                         std::size_t capBytes)
    : store_(std::move(store)), cap_(capBytes) {}

RectUm GeneratedTileSource::tileRect(const GeneratedTiles& tiles, const std::array<int, 3>& key) {
  const double side = double(tiles.tilePixels) * tiles.pixelUm;
  RectUm rect;
  rect.x0 = tiles.grid.originXUm + double(key[2]) * side;
  rect.y0 = tiles.grid.originYUm + double(key[1]) * side;
  rect.x1 = rect.x0 + side;
  rect.y1 = rect.y0 + side;
  return rect;
}

RectUm GeneratedTileSource::add(const GeneratedTiles& tiles, const std::array<int, 3>& key) {
  Tile tile;
  tile.key = key;
  tile.pixelUm = tiles.pixelUm;
  tile.tilePixels = tiles.tilePixels;
  tile.stains = tiles.stains;
  tile.sections = tiles.sections;
  tile.rect = tileRect(tiles, key);
  const auto found = tiles.cores.find(key);
  const std::size_t expected =
      std::size_t(std::max(0, tiles.stains)) * std::size_t(std::max(0, tiles.sections)) *
      std::size_t(std::max(0, tiles.tilePixels)) * std::size_t(std::max(0, tiles.tilePixels));
  if (found == tiles.cores.end() || expected == 0 || found->second.size() != expected)
    return tile.rect;  // nothing to lay over (a tile over the view budget): the store shows it
  tile.values.resize(expected);
  // The bytes the store will hold for them.
  std::transform(found->second.begin(), found->second.end(), tile.values.begin(),
                 &OmeZarrTileSink::toByte);
  const RectUm rect = tile.rect;
  std::lock_guard lock(mutex_);
  basePlane_ = basePlane_ < 0 ? key[0] : std::min(basePlane_, key[0]);
  for (auto it = tiles_.begin(); it != tiles_.end(); ++it)
    if ((*it)->key == key) {
      bytes_ -= (*it)->values.size();
      tiles_.erase(it);
      break;
    }
  bytes_ += tile.values.size();
  tiles_.push_back(std::make_shared<const Tile>(std::move(tile)));
  while (bytes_ > cap_ && tiles_.size() > 1) {
    bytes_ -= tiles_.front()->values.size();
    tiles_.pop_front();
  }
  return rect;
}

void GeneratedTileSource::clear() {
  std::lock_guard lock(mutex_);
  tiles_.clear();
  bytes_ = 0;
  basePlane_ = -1;
}

std::size_t GeneratedTileSource::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

TilePixels GeneratedTileSource::readTile(int level, int channel, int plane, std::int64_t row,
                                         std::int64_t col) const {
  TilePixels pixels = store_->readTile(level, channel, plane, row, col);
  const PyramidInfo& info = store_->info();
  const std::int64_t side = info.tile;
  if (level < 0 || level >= int(info.levels.size()) || pixels.size() != std::size_t(side * side))
    return pixels;
  const double pixelUm = info.levels[std::size_t(level)].pixelUm;
  const RectUm here = tileRectUm(info, level, row, col);
  // The part of a finished tile under a pixel: whole tile pixels, a hair's rounding allowed.
  constexpr double kEps = 1e-6;
  const auto first = [](double offset, double size) {
    return std::int64_t(std::floor(offset / size + kEps));
  };
  const auto last = [](double offset, double size) {  // one past
    return std::int64_t(std::ceil(offset / size - kEps));
  };
  // The finished tiles over this one, taken under the lock; their means computed outside it.
  std::vector<std::shared_ptr<const Tile>> over;
  int basePlane = -1;
  {
    std::lock_guard lock(mutex_);
    basePlane = basePlane_;
    for (const auto& tile : tiles_)
      if (!tile->values.empty() && tile->rect.intersects(here)) over.push_back(tile);
  }
  for (const auto& shared : over) {
    const Tile& tile = *shared;
    const int section = plane + basePlane - tile.key[0];
    if (section < 0 || section >= tile.sections || channel < 0 || channel >= tile.stains) continue;
    const std::int64_t t = tile.tilePixels;
    const std::uint8_t* core =
        tile.values.data() +
        (std::size_t(channel) * std::size_t(tile.sections) + std::size_t(section)) *
            std::size_t(t) * std::size_t(t);
    // Each pixel of this tile over the finished tile: the mean of the tile's pixels under it
    // (at level 0 the one pixel; coarser, the block the store's pyramid will average).
    const std::int64_t x0 = std::max<std::int64_t>(0, first(tile.rect.x0 - here.x0, pixelUm)),
                       x1 = std::min<std::int64_t>(side, last(tile.rect.x1 - here.x0, pixelUm)),
                       y0 = std::max<std::int64_t>(0, first(tile.rect.y0 - here.y0, pixelUm)),
                       y1 = std::min<std::int64_t>(side, last(tile.rect.y1 - here.y0, pixelUm));
    for (std::int64_t y = y0; y < y1; ++y) {
      const double top = here.y0 + double(y) * pixelUm - tile.rect.y0;
      const std::int64_t j0 = std::clamp<std::int64_t>(first(top, tile.pixelUm), 0, t),
                         j1 = std::clamp<std::int64_t>(last(top + pixelUm, tile.pixelUm), 0, t);
      for (std::int64_t x = x0; x < x1; ++x) {
        const double left = here.x0 + double(x) * pixelUm - tile.rect.x0;
        const std::int64_t i0 = std::clamp<std::int64_t>(first(left, tile.pixelUm), 0, t),
                           i1 = std::clamp<std::int64_t>(last(left + pixelUm, tile.pixelUm), 0, t);
        if (i0 >= i1 || j0 >= j1) continue;
        double sum = 0;
        for (std::int64_t j = j0; j < j1; ++j)
          for (std::int64_t i = i0; i < i1; ++i) sum += core[std::size_t(j * t + i)];
        pixels[std::size_t(y * side + x)] = float(sum / double((i1 - i0) * (j1 - j0)));
      }
    }
  }
  return pixels;
}

}  // namespace teramind
