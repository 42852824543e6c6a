#include "common/TaskRunner.h"

#include <algorithm>

namespace teramind {

ThreadTaskRunner::~ThreadTaskRunner() {
  joinAll();
}

void ThreadTaskRunner::joinAll() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

void ThreadTaskRunner::run(std::function<void()> work,
                           std::function<void(std::exception_ptr)> done) {
  reapFinishedThreads();
  std::lock_guard lock(mutex_);
  ++pending_;
  threads_.emplace_back([this, work = std::move(work), done = std::move(done)]() mutable {
    std::exception_ptr error;
    try {
      if (work) work();
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard inner(mutex_);
      queue_.push_back([this, done = std::move(done), error] {
        {
          std::lock_guard last(mutex_);
          --pending_;
        }
        if (done) done(error);
      });
      finished_.push_back(std::this_thread::get_id());
      queued_.notify_all();
    }
    wake();
  });
}

void ThreadTaskRunner::post(std::function<void()> function) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(function));
    queued_.notify_all();
  }
  wake();
}

int ThreadTaskRunner::deliver() {
  std::deque<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    ready.swap(queue_);
  }
  for (auto& f : ready) f();
  reapFinishedThreads();
  return int(ready.size());
}

int ThreadTaskRunner::pending() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

bool ThreadTaskRunner::waitForIdle(std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    deliver();
    std::unique_lock lock(mutex_);
    if (pending_ == 0 && queue_.empty()) return true;
    if (!queued_.wait_until(lock, end, [this] { return !queue_.empty(); })) return false;
  }
}

// Threads that have handed over their result only need joining; joining them early keeps a
// long session from collecting thousands of ended threads.
void ThreadTaskRunner::reapFinishedThreads() {
  std::vector<std::thread> ended;
  {
    std::lock_guard lock(mutex_);
    for (const auto id : finished_) {
      if (id == std::this_thread::get_id()) continue;  // a task starting another
      const auto it = std::find_if(threads_.begin(), threads_.end(),
                                   [id](const std::thread& t) { return t.get_id() == id; });
      if (it != threads_.end()) {
        ended.push_back(std::move(*it));
        threads_.erase(it);
      }
    }
    finished_.clear();
  }
  for (auto& t : ended) t.join();
}

}  // namespace teramind
