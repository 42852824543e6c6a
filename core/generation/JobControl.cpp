#include "generation/JobControl.h"

namespace teramind {

void JobControl::cancel() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
  }
  changed_.notify_all();
}

void JobControl::pause() {
  std::lock_guard<std::mutex> lock(mutex_);
  paused_ = true;
}

void JobControl::resume() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    paused_ = false;
  }
  changed_.notify_all();
}

bool JobControl::cancelled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cancelled_;
}

bool JobControl::paused() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return paused_;
}

bool JobControl::waitWhilePaused() const {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return !paused_ || cancelled_; });
  return cancelled_;
}

}  // namespace teramind
