#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/TaskRunner.h"
#include "generation/GenerationJob.h"
#include "workflow/RegionGeneration.h"

namespace teramind {

// Where a background job is. Idle until started; Running → Finished, Cancelled (resumable) or
// Failed (with a message).
enum class JobState { Idle, Running, Paused, Cancelling, Finished, Cancelled, Failed };
const char* jobStateName(JobState state);

struct GeneratedTile {
  int firstPlane = 0;
  TileIndex tile;           // global tile index
  std::vector<float> core;  // [stain][section][y][x] in [−1, 1]
};

// A generation job on a TaskRunner's worker, for a front end that must stay responsive: the
// job reports into a mailbox — state, the latest progress, finished tiles — that the front end
// reads when it likes; the listener (called on the worker) only says that something is new, so
// the front end can post a read to its own thread. Cancel and pause come from any thread.
class BackgroundGeneration {
 public:
  using Job =
      std::function<GenerationJob::Outcome(const JobControl&, const RegionGenerationEvents&)>;

  explicit BackgroundGeneration(TaskRunner& runner) : runner_(runner) {}
  ~BackgroundGeneration();  // cancels a running job and waits for it
  BackgroundGeneration(const BackgroundGeneration&) = delete;
  BackgroundGeneration& operator=(const BackgroundGeneration&) = delete;

  // Called on the worker after each progress, tile and the end; set it before start().
  void setListener(std::function<void()> listener) { listener_ = std::move(listener); }
  // Runs `job` on the runner; std::logic_error while another is running.
  void start(Job job);
  void cancel();
  void pause();
  void resume();

  JobState state() const;
  bool active() const;  // running, paused or cancelling
  GenerationProgress progress() const;
  int currentFirstPlane() const;
  std::string error() const;
  // Finished tiles since the last call, oldest first.
  std::vector<GeneratedTile> takeTiles();
  // Waits until the job has ended; false on timeout.
  bool waitUntilDone(std::chrono::milliseconds timeout);

 private:
  void waitForWorker();

  TaskRunner& runner_;
  std::function<void()> listener_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  JobState state_ = JobState::Idle;
  GenerationProgress progress_;
  int firstPlane_ = 0;
  std::string error_;
  std::vector<GeneratedTile> tiles_;
  std::unique_ptr<JobControl> control_;
  bool workerBusy_ = false;  // the worker still touches this object
};

}  // namespace teramind
