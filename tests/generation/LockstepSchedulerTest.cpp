// The wavefront scheduler against a direct whole-region lock-step, its memory band,
// snapshots and cancellation, and the job's checkpoints.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <thread>

#include "FakeTileDenoiser.h"
#include "common/FileError.h"
#include "generation/ColumnDecomposition.h"
#include "generation/GenerationJob.h"
#include "generation/LockstepScheduler.h"

namespace teramind {
namespace {

using test::FakeTileDenoiser;
using Tiles = std::map<TileIndex, std::vector<float>>;

// Every tile at every step held at once: the definition the scheduler must match.
Tiles directLockstep(const TileGrid& grid, FakeTileDenoiser& d, bool naive = false,
                     float absentFill = 0.0f) {
  const auto s = d.shape();
  const int T = s.corePixels, h = s.haloPixels, W = s.paddedPixels();
  Tiles state;
  for (int r = 0; r < grid.rows(); ++r)
    for (int c = 0; c < grid.cols(); ++c)
      if (grid.active(r, c)) {
        auto& v = state[grid.global(r, c)];
        v.resize(s.coreValues());
        d.initialState(grid.global(r, c), v.data());
      }
  for (int k = 1; k <= d.steps(); ++k) {
    Tiles next;
    for (const auto& [tile, core] : state) {
      std::vector<float> padded(s.paddedValues(), absentFill);
      for (int ch = 0; ch < s.channels; ++ch)
        for (int py = 0; py < W; ++py)
          for (int px = 0; px < W; ++px) {
            const int y = py - h, x = px - h;
            const int dy = y < 0 ? -1 : (y >= T ? 1 : 0), dx = x < 0 ? -1 : (x >= T ? 1 : 0);
            if (naive && (dy || dx)) continue;
            auto it = state.find({tile.row + dy, tile.col + dx});
            if (it == state.end()) continue;
            padded[(std::size_t(ch) * W + py) * W + px] =
                it->second[(std::size_t(ch) * T + (y - dy * T)) * T + (x - dx * T)];
          }
      next[tile].resize(s.coreValues());
      d.step({{tile, k, padded.data(), next[tile].data()}});
    }
    state = std::move(next);
  }
  return state;
}

Tiles runScheduler(const TileGrid& grid, FakeTileDenoiser& d, LockstepOptions o = {},
                   std::size_t* peakBytes = nullptr) {
  LockstepScheduler scheduler(grid, d, o);
  Tiles out;
  LockstepScheduler::FrontCallbacks cb;
  cb.tileFinished = [&](TileIndex t, const std::vector<float>& core) {
    EXPECT_FALSE(out.count(t)) << "tile finished twice";
    out[t] = core;
  };
  while (!scheduler.finished()) {
    EXPECT_TRUE(scheduler.runFront(cb));
    if (peakBytes) *peakBytes = std::max(*peakBytes, scheduler.residentBytes());
  }
  EXPECT_EQ(scheduler.tileStepsDone(), scheduler.tileStepsTotal());
  return out;
}

TileGrid gridWithHoles(int rows, int cols) {
  TileGrid grid(4, -8, 12, cols * 4, rows * 4);  // tile rows from 3, columns from −2
  grid.setActive(1, 1, false);
  grid.setActive(rows - 1, 0, false);
  return grid;
}

TEST(TileGrid, CoversTheRegionWithGloballyAlignedTiles) {
  TileGrid g(8, -3, 5, 20, 4);  // bins x −3…16, y 5…8
  EXPECT_EQ(g.firstCol(), -1);
  EXPECT_EQ(g.cols(), 4);
  EXPECT_EQ(g.firstRow(), 0);
  EXPECT_EQ(g.rows(), 2);
  EXPECT_EQ(g.activeCount(), 8);
  EXPECT_TRUE(g.contains({1, 1}));
  EXPECT_FALSE(g.contains({2, 1}));
  EXPECT_THROW(TileGrid(8, 0, 0, 0, 4), std::invalid_argument);
}

TEST(LockstepScheduler, WavefrontEqualsWholeRegionLockstepBitForBit) {
  const auto grid = gridWithHoles(7, 5);
  FakeTileDenoiser d(2, 8, 3, 4);
  const auto expected = directLockstep(grid, d);
  ASSERT_EQ(expected.size(), 33u);
  EXPECT_EQ(runScheduler(grid, d), expected);
  FakeTileDenoiser batched(2, 8, 3, 4, 3);
  EXPECT_EQ(runScheduler(grid, batched, {false, 3}), expected) << "batches and threads";
  // The halo really matters: independent tiles differ.
  EXPECT_NE(directLockstep(grid, d, true), expected);
}

TEST(LockstepScheduler, NaiveTilesAreIndependent) {
  const auto grid = gridWithHoles(4, 4);
  FakeTileDenoiser d(1, 6, 2, 3);
  const auto naive = runScheduler(grid, d, {true, 2});
  EXPECT_EQ(naive, directLockstep(grid, d, true));
  TileGrid single(4, 4 * naive.begin()->first.col, 4 * naive.begin()->first.row, 4, 4);
  EXPECT_EQ(runScheduler(single, d, {true, 1}).begin()->second, naive.begin()->second);
}

// The official inference pads with −1 where a neighbour is absent (off the grid or a skipped
// tile); the scheduler's fill value does that, and nothing else changes.
TEST(LockstepScheduler, AbsentNeighboursReadTheFillValue) {
  const auto grid = gridWithHoles(4, 5);
  FakeTileDenoiser d(2, 8, 3, 3);
  LockstepOptions o;
  o.absentFill = -1.0f;
  o.workers = 3;
  const auto filled = runScheduler(grid, d, o);
  EXPECT_EQ(filled, directLockstep(grid, d, false, -1.0f));
  EXPECT_NE(filled, directLockstep(grid, d));
  EXPECT_EQ(runScheduler(grid, d), directLockstep(grid, d)) << "the default fill is 0";
}

TEST(LockstepScheduler, MemoryIsABandOfRowsNotTheRegion) {
  FakeTileDenoiser d(2, 8, 3, 5);
  std::size_t shortPeak = 0, tallPeak = 0;
  runScheduler(TileGrid(4, 0, 0, 12, 4 * 20), d, {}, &shortPeak);
  runScheduler(TileGrid(4, 0, 0, 12, 4 * 400), d, {}, &tallPeak);
  EXPECT_EQ(shortPeak, tallPeak);
  // 2 · steps + 2 rows of two versions at most.
  EXPECT_LE(tallPeak, std::size_t(2 * 5 + 2) * 2 * 3 * d.shape().coreValues() * sizeof(float));
}

TEST(LockstepScheduler, SnapshotAndCancelledFrontsResumeBitForBit) {
  const auto grid = gridWithHoles(6, 4);
  FakeTileDenoiser d(2, 8, 3, 4);
  const auto expected = runScheduler(grid, d);
  for (int stopAt : {1, 5, 9, 13}) {
    Tiles out;
    LockstepScheduler::FrontCallbacks cb;
    cb.tileFinished = [&](TileIndex t, const std::vector<float>& core) { out[t] = core; };
    LockstepScheduler first(grid, d, {});
    for (int f = 0; f < stopAt; ++f) first.runFront(cb);
    // A front cancelled half-way leaves a state that is still valid to snapshot.
    int asked = 0;
    auto cancelling = cb;
    cancelling.cancelled = [&] { return ++asked > 2; };
    const bool ran = first.runFront(cancelling);
    if (!ran) {
      EXPECT_EQ(first.nextFront(), stopAt);
    }
    LockstepScheduler second(grid, d, {});
    second.restore(first.snapshot());
    while (!second.finished()) second.runFront(cb);
    EXPECT_EQ(out, expected) << "stopped at front " << stopAt;
  }
  LockstepScheduler other(gridWithHoles(5, 4), d, {});
  LockstepScheduler mine(grid, d, {});
  EXPECT_THROW(mine.restore(other.snapshot()), std::runtime_error);
}

struct CollectingSink : GeneratedTileSink {
  Tiles tiles;
  int writes = 0, flushes = 0;
  void writeTile(TileIndex t, const std::vector<float>& core) override {
    EXPECT_FALSE(tiles.count(t)) << "tile written twice: " << t.row << "," << t.col;
    tiles[t] = core;
    ++writes;
  }
  void flush() override { ++flushes; }
};

// Options of a job that checkpoints after every front into a fresh file `name`.
GenerationJobOptions checkpointEveryFront(const std::string& name, const std::string& fingerprint) {
  GenerationJobOptions o;
  o.checkpoint = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "generation" / name;
  std::filesystem::create_directories(o.checkpoint.parent_path());
  std::filesystem::remove(o.checkpoint);
  std::filesystem::remove(o.checkpoint.string() + ".previous");
  o.fingerprint = fingerprint;
  o.checkpointSeconds = 0;
  return o;
}

TEST(GenerationJob, CancelledJobResumesFromItsCheckpointWithoutRewritingTiles) {
  const auto grid = gridWithHoles(6, 4);
  FakeTileDenoiser d(2, 8, 3, 4);
  const auto expected = runScheduler(grid, d);
  auto o = checkpointEveryFront("job.checkpoint", "fake 6x4");
  const auto checkpoint = o.checkpoint;

  CollectingSink sink;
  JobControl control;
  int live = 0;
  std::vector<GenerationProgress> seen;
  {
    GenerationJob job(grid, d, sink, o);
    EXPECT_EQ(job.resumeFromCheckpoint(), 0);
    const auto outcome = job.run(
        control, [&](const GenerationProgress& p) { seen.push_back(p); },
        [&](TileIndex, const std::vector<float>&) {
          if (++live == 9) control.cancel();
        });
    EXPECT_EQ(outcome, GenerationJob::Outcome::Cancelled);
  }
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().tileStepsTotal, 22 * 4);
  EXPECT_GT(seen.back().etaSeconds, 0);
  const auto writtenBefore = sink.tiles.size();
  EXPECT_GE(writtenBefore, 9u);

  GenerationJob resumed(grid, d, sink, o);
  EXPECT_EQ(resumed.resumeFromCheckpoint(), static_cast<std::int64_t>(writtenBefore));
  JobControl fresh;
  EXPECT_EQ(resumed.run(fresh), GenerationJob::Outcome::Finished);
  EXPECT_EQ(sink.tiles, expected);

  o.fingerprint = "another job";
  GenerationJob other(grid, d, sink, o);
  EXPECT_THROW(other.resumeFromCheckpoint(), std::exception);
}

TEST(GenerationJob, PausedJobWaitsAndCancelEndsThePause) {
  const auto grid = gridWithHoles(3, 3);
  FakeTileDenoiser d(1, 4, 2, 2);
  CollectingSink sink;
  JobControl control;
  control.pause();
  GenerationJob job(grid, d, sink, {});
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(d.calls.load(), 0) << "a paused job must not step";
    control.cancel();
  });
  EXPECT_EQ(job.run(control), GenerationJob::Outcome::Cancelled);
  canceller.join();
}

// Strips exchanging their edge columns after every front reproduce the whole grid exactly.
TEST(ColumnDecomposition, StripsWithGhostExchangeEqualTheWholeGrid) {
  const auto whole = gridWithHoles(5, 7);
  FakeTileDenoiser d(2, 8, 3, 4);
  const auto expected = runScheduler(whole, d);
  for (int parts : {2, 3, 7}) {
    std::vector<ColumnStrip> strips;
    std::vector<std::unique_ptr<LockstepScheduler>> schedulers;
    for (int p = 0; p < parts; ++p) {
      strips.push_back(columnStrip(whole, parts, p, {}));
      schedulers.push_back(
          std::make_unique<LockstepScheduler>(strips.back().grid, d, strips.back().options));
    }
    Tiles out;
    std::vector<LockstepScheduler::FrontCallbacks> callbacks{std::size_t(parts)};
    for (auto& cb : callbacks)
      cb.tileFinished = [&](TileIndex t, const std::vector<float>& core) {
        EXPECT_FALSE(out.count(t)) << "finished by two strips";
        out[t] = core;
      };
    auto copyColumn = [&](int from, int fromCol, int to, int toCol, int front) {
      for (auto [r, k] : schedulers[std::size_t(from)]->rowsStepped(front)) {
        const float* src = schedulers[std::size_t(from)]->tileState(r, fromCol, k);
        std::copy(src, src + d.shape().coreValues(),
                  schedulers[std::size_t(to)]->tileState(r, toCol, k));
      }
    };
    while (!schedulers[0]->finished()) {
      for (int p = 0; p < parts; ++p)
        schedulers[std::size_t(p)]->runFront(callbacks[std::size_t(p)]);
      const int front = schedulers[0]->nextFront() - 1;
      for (int p = 0; p + 1 < parts; ++p) {
        const auto& left = strips[std::size_t(p)];
        copyColumn(p, left.lastOwnedColumn(), p + 1, 0, front);
        copyColumn(p + 1, strips[std::size_t(p + 1)].firstOwnedColumn(), p, left.grid.cols() - 1,
                   front);
      }
    }
    EXPECT_EQ(out, expected) << parts << " strips";
  }
  EXPECT_THROW(columnStrip(whole, 8, 0, {}), std::invalid_argument);
}

TEST(GenerationJob, PreviewsArriveForEveryTileAndStepWithoutChangingTheResult) {
  const auto grid = gridWithHoles(4, 3);
  FakeTileDenoiser d(1, 6, 2, 3);
  const auto expected = runScheduler(grid, d);
  struct NullSink : GeneratedTileSink {
    void writeTile(TileIndex, const std::vector<float>&) override {}
  } sink;
  GenerationJobOptions options;
  options.lockstep.workers = 2;
  GenerationJob job(grid, d, sink, options);
  std::map<std::pair<TileIndex, int>, std::vector<float>> previews;
  Tiles live;
  JobControl control;
  job.run(
      control, {}, [&](TileIndex t, const std::vector<float>& core) { live[t] = core; },
      [&](TileIndex t, int step, const std::vector<float>& x0) {
        previews[{t, step}] = x0;
      });
  EXPECT_EQ(live, expected);
  EXPECT_EQ(previews.size(), expected.size() * 3);
  for (const auto& [tile, core] : expected) {
    const auto& last = previews.at({tile, 3});
    for (std::size_t i = 0; i < core.size(); ++i) EXPECT_EQ(last[i], -core[i]);
  }
}

// A kill between keeping the old checkpoint aside and writing the new one leaves only the old.
TEST(GenerationJob, ResumesFromThePreviousCheckpointWhenTheNewestIsMissing) {
  const auto grid = gridWithHoles(5, 3);
  FakeTileDenoiser d(1, 6, 2, 3);
  const auto expected = runScheduler(grid, d);
  auto o = checkpointEveryFront("previous.checkpoint", "fake 5x3");
  const auto checkpoint = o.checkpoint;
  struct Sink : GeneratedTileSink {
    Tiles tiles;
    void writeTile(TileIndex t, const std::vector<float>& core) override { tiles[t] = core; }
  } sink;
  JobControl control;
  int live = 0;
  GenerationJob first(grid, d, sink, o);
  first.run(control, {}, [&](TileIndex, const std::vector<float>&) {
    if (++live == 5) control.cancel();
  });
  ASSERT_TRUE(std::filesystem::exists(checkpoint.string() + ".previous"));
  std::filesystem::remove(checkpoint);
  GenerationJob resumed(grid, d, sink, o);
  EXPECT_GT(resumed.resumeFromCheckpoint(), 0);
  JobControl fresh;
  EXPECT_EQ(resumed.run(fresh), GenerationJob::Outcome::Finished);
  EXPECT_EQ(sink.tiles, expected);
  // Processes that cannot agree on a front are refused.
  o.minimumOverProcesses = [](int) { return 1; };
  GenerationJob disagreeing(grid, d, sink, o);
  EXPECT_THROW(disagreeing.resumeFromCheckpoint(), FileError);
}

}  // namespace
}  // namespace teramind
