#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "generation/JobControl.h"
#include "generation/LockstepScheduler.h"

namespace teramind {

struct GenerationProgress {
  std::int64_t tileStepsDone = 0, tileStepsTotal = 0;
  std::int64_t tilesFinished = 0, tilesTotal = 0;
  double elapsedSeconds = 0;  // this run
  double etaSeconds = -1;     // −1 until a rate is known
  double fraction() const {
    return tileStepsTotal ? double(tileStepsDone) / double(tileStepsTotal) : 1.0;
  }
};

// Where finished tiles go (an OME-Zarr store, an image in memory …).
class GeneratedTileSink {
 public:
  virtual ~GeneratedTileSink() = default;
  virtual void writeTile(TileIndex tile, const std::vector<float>& core) = 0;
  // Makes what was written durable: a checkpoint then names those tiles as done.
  virtual void flush() {}
};

struct GenerationJobOptions {
  LockstepOptions lockstep;
  // The resume manifest: the lock-step band and the count of tiles in the sink. Empty: the
  // job cannot be resumed.
  std::filesystem::path checkpoint;
  // Everything that makes the output what it is (model, condition, seed, steps, region …):
  // a checkpoint with another fingerprint is refused rather than mixed in.
  std::string fingerprint;
  double checkpointSeconds = 60;
  // Several processes share the grid (domain decomposition): this returns whether any of them
  // says yes, so they checkpoint and cancel on the same front. Empty: one process, which may
  // also cancel in the middle of a front.
  std::function<bool(bool)> anyProcess;
  // The smallest of the processes' values: they resume from a checkpoint all of them have.
  std::function<int(int)> minimumOverProcesses;
};

// Runs a region through the lock-step scheduler: live tiles to the caller at once, tiles to
// the sink in batches that a checkpoint then records, so a job killed at any moment resumes
// from its last checkpoint without redoing a tile already in the sink and ends bit-identical
// to an uninterrupted run.
class GenerationJob {
 public:
  GenerationJob(const TileGrid& grid, TileDenoiser& denoiser, GeneratedTileSink& sink,
                GenerationJobOptions options);

  enum class Outcome { Finished, Cancelled };
  using ProgressCallback = std::function<void(const GenerationProgress&)>;

  // Restores the checkpoint when one exists (throws when it belongs to another job), falling
  // back to the one before it (kept as CHECKPOINT.previous) where a kill came between the two.
  // Returns the tiles it records as already written.
  std::int64_t resumeFromCheckpoint();
  // `liveTile` gets each finished tile at once; `preview` (optional, costs a copy per step)
  // each step's x₀ prediction of each tile, for a view that fills in while the job runs.
  Outcome run(const JobControl& control, const ProgressCallback& progress = {},
              const LockstepScheduler::TileFinished& liveTile = {},
              const std::function<void(TileIndex, int, const std::vector<float>&)>& preview = {});
  // Called after every front (halo exchange between processes).
  void setExchange(std::function<void(int front)> exchange) {
    frontCallbacks_.exchange = std::move(exchange);
  }
  // Hands over each tile's attention capture at DDIM step `step` (1 … steps).
  void setAttentionCapture(int step,
                           std::function<void(TileIndex, const std::vector<float>&)> capture) {
    frontCallbacks_.attentionStep = step;
    frontCallbacks_.attention = std::move(capture);
  }
  LockstepScheduler& scheduler() { return scheduler_; }

 private:
  void writeCheckpoint(bool complete);

  TileGrid grid_;
  GeneratedTileSink& sink_;
  GenerationJobOptions options_;
  LockstepScheduler scheduler_;
  std::int64_t tilesWritten_ = 0;
  bool complete_ = false;
  std::vector<std::pair<TileIndex, std::vector<float>>> unwritten_;
  LockstepScheduler::FrontCallbacks frontCallbacks_;
};

}  // namespace teramind
