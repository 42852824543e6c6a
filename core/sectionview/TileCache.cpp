#include "sectionview/TileCache.h"

#include <algorithm>

namespace teramind {

namespace {

std::size_t bytesOf(const std::shared_ptr<const TilePixels>& pixels) {
  return pixels ? pixels->size() * sizeof(float) : 0;
}

}  // namespace

TileCache::TileCache(std::size_t capBytes) : cap_(capBytes) {}

std::shared_ptr<const TilePixels> TileCache::find(const TileKey& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  uses_.splice(uses_.begin(), uses_, it->second.use);
  return it->second.pixels;
}

bool TileCache::contains(const TileKey& key) const {
  std::lock_guard lock(mutex_);
  return entries_.count(key) != 0;
}

void TileCache::insert(const TileKey& key, std::shared_ptr<const TilePixels> pixels) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    bytes_ -= bytesOf(it->second.pixels);
    uses_.erase(it->second.use);
    entries_.erase(it);
  }
  const std::size_t size = bytesOf(pixels);
  if (!pixels || size > cap_) return;  // kept, it would push out everything and still not fit
  // Room first, so the bytes held are never above the cap, not even for a moment.
  evictDownTo(cap_ - size);
  uses_.push_front(key);
  entries_.emplace(key, Entry{std::move(pixels), uses_.begin()});
  bytes_ += size;
  peak_ = std::max(peak_, bytes_);
}

void TileCache::eraseIf(const std::function<bool(const TileKey&)>& predicate) {
  std::lock_guard lock(mutex_);
  for (auto use = uses_.begin(); use != uses_.end();) {
    if (!predicate(*use)) {
      ++use;
      continue;
    }
    auto entry = entries_.find(*use);
    bytes_ -= bytesOf(entry->second.pixels);
    entries_.erase(entry);
    use = uses_.erase(use);
  }
}

void TileCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  uses_.clear();
  bytes_ = 0;
}

void TileCache::setCap(std::size_t capBytes) {
  std::lock_guard lock(mutex_);
  cap_ = capBytes;
  evictDownTo(cap_);
}

void TileCache::evictDownTo(std::size_t limit) {
  while (bytes_ > limit && !uses_.empty()) {
    auto last = entries_.find(uses_.back());
    bytes_ -= bytesOf(last->second.pixels);
    entries_.erase(last);
    uses_.pop_back();
  }
}

std::size_t TileCache::cap() const {
  std::lock_guard lock(mutex_);
  return cap_;
}

std::size_t TileCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t TileCache::peakBytes() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

std::size_t TileCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace teramind
