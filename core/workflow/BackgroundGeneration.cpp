#include "workflow/BackgroundGeneration.h"

#include <stdexcept>

namespace teramind {

const char* jobStateName(JobState state) {
  switch (state) {
    case JobState::Idle:
      return "idle";
    case JobState::Running:
      return "running";
    case JobState::Paused:
      return "paused";
    case JobState::Cancelling:
      return "cancelling";
    case JobState::Finished:
      return "finished";
    case JobState::Cancelled:
      return "cancelled";
    case JobState::Failed:
      return "failed";
  }
  return "unknown";
}

BackgroundGeneration::~BackgroundGeneration() {
  cancel();
  waitForWorker();
}

void BackgroundGeneration::waitForWorker() {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return !workerBusy_; });
}

void BackgroundGeneration::start(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (state_ == JobState::Running || state_ == JobState::Paused || state_ == JobState::Cancelling)
      throw std::logic_error("a generation job is already running");
  }
  waitForWorker();  // the previous, ended job's last notification
  std::lock_guard guard(mutex_);
  state_ = JobState::Running;
  progress_ = {};
  firstPlane_ = 0;
  error_.clear();
  tiles_.clear();
  control_ = std::make_unique<JobControl>();
  workerBusy_ = true;
  runner_.run(
      [this, job = std::move(job), control = control_.get(), listener = listener_] {
        const auto told = [&listener] {
          if (listener) listener();
        };
        RegionGenerationEvents events;
        events.progress = [this, &told](int z0, const GenerationProgress& p) {
          {
            std::lock_guard lock(mutex_);
            progress_ = p;
            firstPlane_ = z0;
          }
          told();
        };
        events.tileFinished = [this, &told](int z0, TileIndex tile,
                                            const std::vector<float>& core) {
          {
            std::lock_guard lock(mutex_);
            tiles_.push_back({z0, tile, core});
          }
          told();
        };
        JobState end = JobState::Finished;
        std::string error;
        try {
          if (job(*control, events) == GenerationJob::Outcome::Cancelled) end = JobState::Cancelled;
        } catch (const std::exception& e) {
          end = JobState::Failed;
          error = e.what();
        } catch (...) {
          end = JobState::Failed;
          error = "unknown error";
        }
        {
          std::lock_guard lock(mutex_);
          state_ = end;
          error_ = std::move(error);
        }
        told();
        // Last: once this is seen the object may go; nothing of it is touched after the unlock.
        std::lock_guard lock(mutex_);
        workerBusy_ = false;
        done_.notify_all();
      },
      {});
}

void BackgroundGeneration::cancel() {
  std::lock_guard lock(mutex_);
  if (!control_ || !(state_ == JobState::Running || state_ == JobState::Paused)) return;
  control_->cancel();
  state_ = JobState::Cancelling;
}

void BackgroundGeneration::pause() {
  std::lock_guard lock(mutex_);
  if (!control_ || state_ != JobState::Running) return;
  control_->pause();
  state_ = JobState::Paused;
}

void BackgroundGeneration::resume() {
  std::lock_guard lock(mutex_);
  if (!control_ || state_ != JobState::Paused) return;
  control_->resume();
  state_ = JobState::Running;
}

JobState BackgroundGeneration::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool BackgroundGeneration::active() const {
  const auto s = state();
  return s == JobState::Running || s == JobState::Paused || s == JobState::Cancelling;
}

GenerationProgress BackgroundGeneration::progress() const {
  std::lock_guard lock(mutex_);
  return progress_;
}

int BackgroundGeneration::currentFirstPlane() const {
  std::lock_guard lock(mutex_);
  return firstPlane_;
}

std::string BackgroundGeneration::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

std::vector<GeneratedTile> BackgroundGeneration::takeTiles() {
  std::lock_guard lock(mutex_);
  std::vector<GeneratedTile> out;
  out.swap(tiles_);
  return out;
}

bool BackgroundGeneration::waitUntilDone(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return done_.wait_for(lock, timeout, [this] {
    return state_ == JobState::Idle || state_ == JobState::Finished ||
           state_ == JobState::Cancelled || state_ == JobState::Failed;
  });
}

}  // namespace teramind
