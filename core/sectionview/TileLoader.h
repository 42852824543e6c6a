#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "sectionview/PyramidSource.h"
#include "sectionview/TileCache.h"

namespace teramind {

// Reads the tiles the section view asks for on its own worker threads into a TileCache. The
// caller (the GUI thread) never waits: request() only replaces the queue, and `arrived` is
// called on a worker after each tile lands (the view posts a repaint to its own thread).
// A request replaces the previous one: tiles that left the screen before a worker took them
// are never read.
class TileLoader {
 public:
  using Arrived = std::function<void()>;
  // Told (on a worker) of a source's first tile that failed: the source id and the error,
  // naming the tile and what the source said (a FileError names the file).
  using Failed = std::function<void(int source, const std::string& error)>;
  TileLoader(TileCache& cache, int threads = 2, Arrived arrived = {});
  ~TileLoader();  // stops the workers after the tiles they are reading
  TileLoader(const TileLoader&) = delete;
  TileLoader& operator=(const TileLoader&) = delete;

  void setArrived(Arrived arrived);
  void setFailed(Failed failed);
  void addSource(int id, std::shared_ptr<const PyramidSource> source);
  void removeSource(int id);  // its queued tiles are dropped, its cached tiles erased

  // The tiles wanted now, most wanted first; those cached or being read are skipped.
  void request(const std::vector<TileKey>& keys);
  // Reads a tile on the caller's thread (an export, a script): from the cache, else the source.
  // Null for a source that is not registered; throws what the source throws.
  std::shared_ptr<const TilePixels> readNow(const TileKey& key);

  // A tile that failed is not read again (render() asks every frame: no hot loop on a damaged
  // file) until its source is removed or this is called (a live job rewrote it, a retry).
  void forgetFailures();
  // Drops the tiles the predicate selects (a live job rewrote them): cached ones are erased,
  // failed ones forgotten, and a read of one already under way is not cached when it ends (it
  // may hold the old bytes); the view asks for it again. All under the loader's lock, so no
  // worker slips an old tile in after the erase.
  void invalidate(const std::function<bool(const TileKey&)>& predicate);

  // Tiles read from sources since construction (cache hits are not counted), and failures.
  std::uint64_t tilesRead() const { return read_.load(); }
  std::uint64_t tilesFailed() const { return failed_.load(); }
  std::string lastError() const;
  // Takes the tiles that failed (and are not read again) out of `keys`; returns how many: a
  // view's "loading" count leaves them out.
  std::size_t removeFailed(std::vector<TileKey>& keys) const;
  // Nothing queued and no worker reading.
  bool idle() const;
  // For tests and scripted renders: waits until idle or the timeout passes; false on timeout.
  bool waitIdle(std::chrono::milliseconds timeout) const;

 private:
  void work();
  std::shared_ptr<const PyramidSource> sourceOf(int id) const;  // with mutex_ held

  TileCache& cache_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<TileKey> queue_;
  std::unordered_set<TileKey, TileKeyHash> inFlight_;
  std::unordered_set<TileKey, TileKeyHash> failedKeys_;
  std::unordered_set<TileKey, TileKeyHash> staleKeys_;  // in flight, invalidated meanwhile
  std::uint64_t invalidations_ = 0;                     // for readNow's reads
  std::map<int, std::shared_ptr<const PyramidSource>> sources_;
  Arrived arrived_;
  Failed onFailed_;
  std::unordered_set<int> sourcesFailed_;  // told already (until the source is removed)
  std::string lastError_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> read_{0}, failed_{0};
  std::vector<std::thread> workers_;
};

}  // namespace teramind
