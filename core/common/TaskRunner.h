#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace teramind {

// How the engine runs background work for a front end: `work` on a worker thread, then `done`
// on the owner's thread (a GUI's event loop, a test's loop) with what `work` threw, if
// anything. `post` hands anything to the owner's thread from any thread. The studio model does
// all its background work — preparing a condition, attention, generation — through one of these.
class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  virtual void run(std::function<void()> work, std::function<void(std::exception_ptr)> done) = 0;
  virtual void post(std::function<void()> function) = 0;
};

// A thread per task; what is handed to the owner waits in a queue until the owner calls
// deliver() (or, in a subclass, is woken by wake()). Destruction waits for every task.
class ThreadTaskRunner : public TaskRunner {
 public:
  ThreadTaskRunner() = default;
  ~ThreadTaskRunner() override;
  ThreadTaskRunner(const ThreadTaskRunner&) = delete;
  ThreadTaskRunner& operator=(const ThreadTaskRunner&) = delete;

  void run(std::function<void()> work, std::function<void(std::exception_ptr)> done) override;
  void post(std::function<void()> function) override;

  // Runs what is queued for the owner, oldest first; returns how many ran.
  int deliver();
  // Tasks whose `done` has not run yet.
  int pending() const;
  // Waits for every task's thread (their `done` stays queued). Subclasses whose wake() uses
  // their own members call this first in their destructor.
  void joinAll();
  // Delivers until no task is pending or `timeout` passes; false on timeout. For tests and
  // scripted runs on the owner's thread.
  bool waitForIdle(std::chrono::milliseconds timeout);

 protected:
  // Called (on any thread) after something is queued for the owner.
  virtual void wake() {}

 private:
  void reapFinishedThreads();

  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> finished_;
  int pending_ = 0;
};

}  // namespace teramind
