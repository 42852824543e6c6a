#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "sectionview/PyramidSource.h"

namespace teramind {

// Tiles read for the section view, least recently used dropped first so that the bytes held
// never pass the cap (a setting; tiles are float, tile² × 4 bytes each). Thread-safe: the
// loader's workers insert, the view finds.
class TileCache {
 public:
  explicit TileCache(std::size_t capBytes);

  // The tile, marked as just used; null when not cached.
  std::shared_ptr<const TilePixels> find(const TileKey& key);
  // Whether it is cached, without marking it used.
  bool contains(const TileKey& key) const;
  // Adds (or replaces) a tile, then drops the least recently used until within the cap. A tile
  // larger than the cap is not kept.
  void insert(const TileKey& key, std::shared_ptr<const TilePixels> pixels);
  // Drops every tile the predicate selects (a source closed, a live job's tile rewritten).
  void eraseIf(const std::function<bool(const TileKey&)>& predicate);
  void clear();

  void setCap(std::size_t capBytes);  // drops tiles until within the new cap
  std::size_t cap() const;
  std::size_t bytes() const;
  std::size_t peakBytes() const;  // the most ever held: never above the cap (setCap lowers
                                  // the cap, not an earlier peak)
  std::size_t size() const;       // tiles held

 private:
  struct Entry {
    std::shared_ptr<const TilePixels> pixels;
    std::list<TileKey>::iterator use;
  };
  void evictDownTo(std::size_t limit);  // least recently used first; with mutex_ held

  mutable std::mutex mutex_;
  std::size_t cap_, bytes_ = 0, peak_ = 0;
  std::list<TileKey> uses_;  // most recent first
  std::unordered_map<TileKey, Entry, TileKeyHash> entries_;
};

}  // namespace teramind
