#include "studio/GeneratedTileSource.h"

#include <algorithm>
#include <cmath>

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
  // As OmeZarrTileSink writes them: [−1, 1] to bytes.
  std::transform(found->second.begin(), found->second.end(), tile.values.begin(), [](float v) {
    return static_cast<std::uint8_t>(std::lround(std::clamp((v + 1.0f) * 127.5f, 0.0f, 255.0f)));
  });
  const RectUm rect = tile.rect;
  std::lock_guard lock(mutex_);
  basePlane_ = basePlane_ < 0 ? key[0] : std::min(basePlane_, key[0]);
  for (auto it = tiles_.begin(); it != tiles_.end(); ++it)
    if (it->key == key) {
      bytes_ -= it->values.size();
      tiles_.erase(it);
      break;
    }
  bytes_ += tile.values.size();
  tiles_.push_back(std::move(tile));
  while (bytes_ > cap_ && tiles_.size() > 1) {
    bytes_ -= tiles_.front().values.size();
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
  if (level != 0) return pixels;
  const PyramidInfo& info = store_->info();
  const std::int64_t side = info.tile;
  if (info.levels.empty() || pixels.size() != std::size_t(side * side)) return pixels;
  const double pixelUm = info.levels[0].pixelUm;
  const RectUm here = tileRectUm(info, 0, row, col);
  std::lock_guard lock(mutex_);
  for (const Tile& tile : tiles_) {
    if (tile.values.empty() || !tile.rect.intersects(here)) continue;
    const int section = plane + basePlane_ - tile.key[0];
    if (section < 0 || section >= tile.sections || channel < 0 || channel >= tile.stains) continue;
    const std::size_t t = std::size_t(tile.tilePixels);
    const std::uint8_t* core =
        tile.values.data() +
        (std::size_t(channel) * std::size_t(tile.sections) + std::size_t(section)) * t * t;
    // The pixels of this store tile whose centres fall in the finished tile.
    for (std::int64_t y = 0; y < side; ++y) {
      const double yUm = here.y0 + (double(y) + 0.5) * pixelUm;
      const auto j = std::int64_t(std::floor((yUm - tile.rect.y0) / tile.pixelUm));
      if (j < 0 || j >= std::int64_t(t)) continue;
      for (std::int64_t x = 0; x < side; ++x) {
        const double xUm = here.x0 + (double(x) + 0.5) * pixelUm;
        const auto i = std::int64_t(std::floor((xUm - tile.rect.x0) / tile.pixelUm));
        if (i < 0 || i >= std::int64_t(t)) continue;
        pixels[std::size_t(y * side + x)] = float(core[std::size_t(j) * t + std::size_t(i)]);
      }
    }
  }
  return pixels;
}

}  // namespace teramind
