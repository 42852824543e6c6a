#include "generation/GenerationJob.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

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

namespace {

std::filesystem::path previousOf(const std::filesystem::path& checkpoint) {
  return checkpoint.string() + ".previous";
}

struct Checkpoint {
  std::filesystem::path file;
  SafetensorsContent content;
  int front = -1;
  std::string meta(const std::string& key) const {
    auto it = content.metadata.find(key);
    if (it == content.metadata.end())
      throw FileError(file, fmt::format("not a generation checkpoint (no '{}')", key));
    return it->second;
  }
};

std::optional<Checkpoint> readCheckpoint(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  Checkpoint c{file, readSafetensors(file), -1};
  c.front = std::stoi(c.meta("front"));
  return c;
}

}  // namespace

std::int64_t GenerationJob::resumeFromCheckpoint() {
  if (options_.checkpoint.empty()) return 0;
  // The newest checkpoint, or the one before it where this process was killed between the
  // two (or, with several processes, where another one was).
  auto current = readCheckpoint(options_.checkpoint);
  auto previous = readCheckpoint(previousOf(options_.checkpoint));
  const int mine = current ? current->front : (previous ? previous->front : -1);
  const int agreed = options_.minimumOverProcesses ? options_.minimumOverProcesses(mine) : mine;
  std::optional<Checkpoint> chosen;
  if (current && current->front == agreed)
    chosen = std::move(current);
  else if (previous && previous->front == agreed)
    chosen = std::move(previous);
  else if (agreed >= 0 || mine >= 0)
    throw FileError(
        options_.checkpoint,
        fmt::format("no checkpoint of front {} that every process has (this one has {} "
                    "and {}); remove the output to start afresh",
                    agreed, current ? current->front : -1, previous ? previous->front : -1));
  if (!chosen) return 0;
  const auto& c = *chosen;
  if (c.meta("fingerprint") != options_.fingerprint)
    throw FileError(c.file, fmt::format("belongs to another job:\n  it has  {}\n  this is {}\n"
                                        "(remove the output to start afresh)",
                                        c.meta("fingerprint"), options_.fingerprint));
  try {
    scheduler_.restore(c.content);
  } catch (const std::exception& e) {
    throw FileError(c.file, e.what());
  }
  tilesWritten_ = std::stoll(c.meta("tiles_written"));
  complete_ = c.meta("complete") == "yes";
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
  if (std::filesystem::exists(options_.checkpoint))
    std::filesystem::rename(options_.checkpoint, previousOf(options_.checkpoint));
  writeSafetensors(options_.checkpoint, content);
}

GenerationJob::Outcome GenerationJob::run(
    const JobControl& control, const ProgressCallback& progress,
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
