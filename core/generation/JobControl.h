#pragma once

#include <condition_variable>
#include <mutex>

namespace teramind {

// Cancel and pause for a running job, set from any thread (the GUI, a signal handler's
// thread); the job asks between units of work.
class JobControl {
 public:
  void cancel();
  void pause();
  void resume();
  bool cancelled() const;
  bool paused() const;
  // Blocks while paused; returns true when the job should stop.
  bool waitWhilePaused() const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool cancelled_ = false, paused_ = false;
};

}  // namespace teramind
