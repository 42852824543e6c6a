#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "sectionview/PyramidSource.h"
#include "sectionview/SectionCamera.h"

namespace teramind {

struct GeneratedTiles;

// A running job's output as the section view reads it: the output store's tiles, with the
// tiles the job has finished but not yet written laid over them from memory (level 0 pixel for
// pixel, coarser levels as block means, as the store's pyramid will hold them). A job writes
// its tiles at checkpoints a minute apart; the studio hears of each as it finishes, and the
// view shows it then, at full resolution and zoomed out. Tiles are kept as the store's bytes, the
// oldest dropped past `capBytes` (by then the job has written them). Thread-safe: the view's owner
// adds tiles while the loader's workers read.
class GeneratedTileSource : public PyramidSource {
 public:
  explicit GeneratedTileSource(std::shared_ptr<const PyramidSource> store,
                               std::size_t capBytes = std::size_t(128) << 20);

  const PyramidInfo& info() const override { return store_->info(); }
  TilePixels readTile(int level, int channel, int plane, std::int64_t row,
                      std::int64_t col) const override;

  // Lays the finished tile `key` (first plane, tile row, tile column) of `tiles` over the
  // store; returns where it lies in section µm. Store planes count from the lowest first plane
  // added (a job's planes are consecutive).
  RectUm add(const GeneratedTiles& tiles, const std::array<int, 3>& key);
  // Where tile `key` of `tiles` lies in section µm.
  static RectUm tileRect(const GeneratedTiles& tiles, const std::array<int, 3>& key);
  // Forgets every tile (the job ended: the store holds them all).
  void clear();
  std::size_t bytes() const;

 private:
  struct Tile {
    std::array<int, 3> key{};
    RectUm rect;
    double pixelUm = 1;
    int tilePixels = 0, stains = 0, sections = 0;
    std::vector<std::uint8_t> values;  // [stain][section][y][x], as the store keeps them
  };
  std::shared_ptr<const PyramidSource> store_;
  std::size_t cap_;
  mutable std::mutex mutex_;
  // Oldest first; shared so that a read copies the pointers under the lock and averages
  // outside it (add() on the GUI thread never waits on a coarse tile's means).
  std::deque<std::shared_ptr<const Tile>> tiles_;
  std::size_t bytes_ = 0;
  int basePlane_ = -1;
};

}  // namespace teramind
