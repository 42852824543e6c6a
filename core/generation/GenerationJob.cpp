#include "generation/GenerationJob.h"

#include <atomic>
#include <chrono>
#include <mutex>

#include <fmt/core.h>

#include "common/FileError.h"
#include "io/SafetensorsFile.h"

namespace teramind {

GenerationJob::GenerationJob(const TileGrid& grid, TileDenoiser& denoiser, GeneratedTileSink& sink,
                             GenerationJobOptions options)
    : grid_(grid),
      sink_(sink),
      options_(std::move(options)),
      scheduler_(grid, denoiser, options_.lockstep) {}

std::int64_t GenerationJob::resumeFromCheckpoint() {
  const auto& file = options_.checkpoint;
  if (file.empty() || !std::filesystem::exists(file)) return 0;
  auto content = readSafetensors(file);
  auto meta = [&](const std::string& key) {
    auto it = content.metadata.find(key);
    if (it == content.metadata.end())
      throw FileError(file, fmt::format("not a generation checkpoint (no '{}')", key));
    return it->second;
  };
  if (meta("fingerprint") != options_.fingerprint)
    throw FileError(file, fmt::format("belongs to another job:\n  it has  {}\n  this is {}\n"
                                      "(remove the output to start afresh)",
                                      meta("fingerprint"), options_.fingerprint));
  try {
    scheduler_.restore(content);
  } catch (const std::exception& e) {
    throw FileError(file, e.what());
  }
  tilesWritten_ = std::stoll(meta("tiles_written"));
  complete_ = meta("complete") == "yes";
  return tilesWritten_;
}

void GenerationJob::writeCheckpoint(bool complete) {
  for (const auto& [tile, core] : unwritten_) sink_.writeTile(tile, core);
  tilesWritten_ += static_cast<std::int64_t>(unwritten_.size());
  unwritten_.clear();
  sink_.flush();
  if (options_.checkpoint.empty()) return;
  auto content = scheduler_.snapshot();
  content.metadata["fingerprint"] = options_.fingerprint;
  content.metadata["tiles_written"] = std::to_string(tilesWritten_);
  content.metadata["complete"] = complete ? "yes" : "no";
  writeSafetensors(options_.checkpoint, content);
}

GenerationJob::Outcome GenerationJob::run(const JobControl& control,
                                          const ProgressCallback& progress,
                                          const LockstepScheduler::TileFinished& liveTile,
                                          const std::function<void(TileIndex, int, const std::vector<float>&)>& preview) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto lastCheckpoint = start;
  const std::int64_t stepsAtStart = scheduler_.tileStepsDone();
  std::atomic<std::int64_t> stepsDone{stepsAtStart};
  std::int64_t tilesFinished = tilesWritten_;
  std::mutex progressMutex;
  auto report = [&] {
    if (!progress) return;
    std::lock_guard<std::mutex> lock(progressMutex);
    GenerationProgress p;
    p.tileStepsDone = stepsDone;
    p.tileStepsTotal = scheduler_.tileStepsTotal();
    p.tilesFinished = tilesFinished;
    p.tilesTotal = scheduler_.tileStepsTotal() / scheduler_.steps();
    p.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    const auto doneHere = p.tileStepsDone - stepsAtStart;
    if (doneHere > 0 && p.elapsedSeconds > 0)
      p.etaSeconds =
          double(p.tileStepsTotal - p.tileStepsDone) * p.elapsedSeconds / double(doneHere);
    progress(p);
  };

  const bool collective = static_cast<bool>(options_.anyProcess);
  auto any = [&](bool mine) { return collective ? options_.anyProcess(mine) : mine; };
  LockstepScheduler::FrontCallbacks callbacks = frontCallbacks_;
  // Processes that exchange halos after each front must all finish it: they pause inside a
  // front but cancel only between fronts.
  callbacks.cancelled = [&] { return control.waitWhilePaused() && !collective; };
  callbacks.preview = preview;
  callbacks.stepped = [&](std::size_t n) {
    stepsDone += static_cast<std::int64_t>(n);
    report();
  };
  callbacks.tileFinished = [&](TileIndex tile, const std::vector<float>& core) {
    ++tilesFinished;
    if (liveTile) liveTile(tile, core);
    unwritten_.emplace_back(tile, core);
  };

  report();
  while (!scheduler_.finished()) {
    const bool ran = scheduler_.runFront(callbacks);
    if (any(!ran || control.cancelled())) {
      writeCheckpoint(false);
      return Outcome::Cancelled;
    }
    const auto now = Clock::now();
    if (any(std::chrono::duration<double>(now - lastCheckpoint).count() >=
            options_.checkpointSeconds)) {
      writeCheckpoint(false);
      lastCheckpoint = now;
    }
  }
  if (!complete_ || !unwritten_.empty()) writeCheckpoint(true);
  complete_ = true;
  report();
  return Outcome::Finished;
}

}  // namespace teramind
