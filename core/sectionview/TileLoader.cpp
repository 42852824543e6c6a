#include "sectionview/TileLoader.h"

#include <algorithm>
#include <exception>

namespace teramind {

namespace {

std::string describe(const TileKey& key) {
  return "tile (level " + std::to_string(key.level) + ", channel " + std::to_string(key.channel) +
         ", plane " + std::to_string(key.plane) + ", row " + std::to_string(key.row) + ", column " +
         std::to_string(key.col) + ") of source " + std::to_string(key.source);
}

}  // namespace

TileLoader::TileLoader(TileCache& cache, int threads, Arrived arrived)
    : cache_(cache), arrived_(std::move(arrived)) {
  const int count = std::max(1, threads);
  workers_.reserve(std::size_t(count));
  for (int i = 0; i < count; ++i) workers_.emplace_back([this] { work(); });
}

TileLoader::~TileLoader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void TileLoader::setArrived(Arrived arrived) {
  std::lock_guard lock(mutex_);
  arrived_ = std::move(arrived);
}

void TileLoader::setFailed(Failed failed) {
  std::lock_guard lock(mutex_);
  onFailed_ = std::move(failed);
}

void TileLoader::addSource(int id, std::shared_ptr<const PyramidSource> source) {
  std::lock_guard lock(mutex_);
  sources_[id] = std::move(source);
}

void TileLoader::removeSource(int id) {
  {
    std::lock_guard lock(mutex_);
    sources_.erase(id);
    sourcesFailed_.erase(id);
    auto ofSource = [id](const TileKey& key) { return key.source == id; };
    queue_.erase(std::remove_if(queue_.begin(), queue_.end(), ofSource), queue_.end());
    for (auto it = failedKeys_.begin(); it != failedKeys_.end();)
      it = ofSource(*it) ? failedKeys_.erase(it) : std::next(it);
  }
  // A tile of it being read now is not cached: the worker finds the source gone.
  cache_.eraseIf([id](const TileKey& key) { return key.source == id; });
  changed_.notify_all();
}

std::shared_ptr<const PyramidSource> TileLoader::sourceOf(int id) const {
  auto it = sources_.find(id);
  return it == sources_.end() ? nullptr : it->second;
}

void TileLoader::request(const std::vector<TileKey>& keys) {
  {
    std::lock_guard lock(mutex_);
    queue_.clear();
    std::unordered_set<TileKey, TileKeyHash> queued;
    for (const TileKey& key : keys) {
      if (!sources_.count(key.source) || inFlight_.count(key) || failedKeys_.count(key) ||
          cache_.contains(key) || !queued.insert(key).second)
        continue;
      queue_.push_back(key);
    }
  }
  changed_.notify_all();
}

std::shared_ptr<const TilePixels> TileLoader::readNow(const TileKey& key) {
  std::shared_ptr<const PyramidSource> source;
  std::uint64_t invalidations = 0;
  {
    std::lock_guard lock(mutex_);
    source = sourceOf(key.source);
    invalidations = invalidations_;
  }
  if (!source) return nullptr;
  if (auto cached = cache_.find(key)) return cached;
  auto pixels = std::make_shared<const TilePixels>(
      source->readTile(key.level, key.channel, key.plane, key.row, key.col));
  ++read_;
  // Returned to the caller either way; cached only when nothing was invalidated meanwhile.
  std::lock_guard lock(mutex_);
  if (invalidations == invalidations_ && sourceOf(key.source) == source) cache_.insert(key, pixels);
  return pixels;
}

void TileLoader::forgetFailures() {
  std::lock_guard lock(mutex_);
  failedKeys_.clear();
}

void TileLoader::invalidate(const std::function<bool(const TileKey&)>& predicate) {
  {
    std::lock_guard lock(mutex_);
    ++invalidations_;
    cache_.eraseIf(predicate);
    for (const TileKey& key : inFlight_)
      if (predicate(key)) staleKeys_.insert(key);
    for (auto it = failedKeys_.begin(); it != failedKeys_.end();)
      it = predicate(*it) ? failedKeys_.erase(it) : std::next(it);
  }
  changed_.notify_all();
}

std::size_t TileLoader::removeFailed(std::vector<TileKey>& keys) const {
  std::lock_guard lock(mutex_);
  if (failedKeys_.empty()) return 0;
  const auto end = std::remove_if(
      keys.begin(), keys.end(), [this](const TileKey& key) { return failedKeys_.count(key) > 0; });
  const auto removed = std::size_t(keys.end() - end);
  keys.erase(end, keys.end());
  return removed;
}

std::string TileLoader::lastError() const {
  std::lock_guard lock(mutex_);
  return lastError_;
}

bool TileLoader::idle() const {
  std::lock_guard lock(mutex_);
  return queue_.empty() && inFlight_.empty();
}

bool TileLoader::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return queue_.empty() && inFlight_.empty(); });
}

void TileLoader::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const TileKey key = queue_.front();
    queue_.pop_front();
    const auto source = sourceOf(key.source);
    if (!source || cache_.contains(key) || !inFlight_.insert(key).second) {
      changed_.notify_all();  // the queue may just have emptied: idle waiters
      continue;
    }

    // The read, the slow part, without the lock: the GUI thread's request() never waits on it.
    lock.unlock();
    std::shared_ptr<const TilePixels> pixels;
    std::string error;
    try {
      pixels = std::make_shared<const TilePixels>(
          source->readTile(key.level, key.channel, key.plane, key.row, key.col));
    } catch (const std::exception& e) {
      error = describe(key) + ": " + e.what();
    } catch (...) {
      error = describe(key) + ": unknown error";
    }
    lock.lock();

    // Invalidated while read: the bytes may be the old ones; dropped, and announced so that
    // the view asks for the tile again.
    const bool stale = staleKeys_.erase(key) > 0;
    bool landed = false;
    if (stale) {
      // Neither read nor failed: the tile is read again when asked.
    } else if (!error.empty()) {
      ++failed_;
      lastError_ = error;
      failedKeys_.insert(key);
      if (onFailed_ && sourcesFailed_.insert(key.source).second) {
        const Failed failed = onFailed_;
        lock.unlock();
        failed(key.source, error);
        lock.lock();
      }
    } else {
      ++read_;
      // Inserted under the lock, so removeSource cannot slip between the check and the insert.
      if (sourceOf(key.source) == source) {
        cache_.insert(key, std::move(pixels));
        landed = true;
      }
    }
    if ((landed || stale) && arrived_) {
      const Arrived arrived = arrived_;
      lock.unlock();
      arrived();
      lock.lock();
    }
    // In flight until told: idle() then means every tile read has been announced too.
    inFlight_.erase(key);
    changed_.notify_all();
  }
}

}  // namespace teramind
