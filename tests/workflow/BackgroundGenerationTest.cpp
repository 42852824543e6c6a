#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "model/PairedSection.h"
#include "workflow/BackgroundGeneration.h"

namespace teramind {
namespace {

using namespace std::chrono_literals;

// A stand-in job: `tiles` tiles, each one "step" long, honouring cancel and pause between them.
BackgroundGeneration::Job fakeJob(int tiles, std::atomic<int>* stepped = nullptr,
                                  std::chrono::milliseconds perTile = 0ms) {
  return [=](const JobControl& control, const RegionGenerationEvents& events) {
    for (int t = 0; t < tiles; ++t) {
      if (control.waitWhilePaused()) return GenerationJob::Outcome::Cancelled;
      std::this_thread::sleep_for(perTile);
      if (stepped) ++*stepped;
      events.tileFinished(2, TileIndex{t / 3, t % 3}, std::vector<float>(4, float(t)));
      GenerationProgress p;
      p.tilesFinished = t + 1;
      p.tilesTotal = tiles;
      p.tileStepsDone = t + 1;
      p.tileStepsTotal = tiles;
      events.progress(2, p);
    }
    return GenerationJob::Outcome::Finished;
  };
}

TEST(BackgroundGeneration, DeliversEveryTileInOrderAndFinishes) {
  ThreadTaskRunner runner;  // outlives the job
  BackgroundGeneration job(runner);
  EXPECT_EQ(job.state(), JobState::Idle);
  job.start(fakeJob(9));
  ASSERT_TRUE(job.waitUntilDone(10s));
  EXPECT_EQ(job.state(), JobState::Finished);
  const auto tiles = job.takeTiles();
  ASSERT_EQ(tiles.size(), 9u);
  for (int t = 0; t < 9; ++t) {
    EXPECT_EQ(tiles[std::size_t(t)].tile, (TileIndex{t / 3, t % 3}));
    EXPECT_EQ(tiles[std::size_t(t)].core[0], float(t));
    EXPECT_EQ(tiles[std::size_t(t)].firstPlane, 2);
  }
  EXPECT_TRUE(job.takeTiles().empty()) << "taken tiles are not handed out twice";
  EXPECT_EQ(job.progress().tilesFinished, 9);
  EXPECT_DOUBLE_EQ(job.progress().fraction(), 1.0);
  EXPECT_EQ(job.currentFirstPlane(), 2);
}

TEST(BackgroundGeneration, CancelStopsTheJobAndAnotherCanStart) {
  ThreadTaskRunner runner;  // outlives the job
  BackgroundGeneration job(runner);
  std::atomic<int> stepped{0};
  job.start(fakeJob(100000, &stepped, 1ms));
  while (stepped < 3) std::this_thread::sleep_for(1ms);
  EXPECT_THROW(job.start(fakeJob(1)), std::logic_error);
  job.cancel();
  ASSERT_TRUE(job.waitUntilDone(10s));
  EXPECT_EQ(job.state(), JobState::Cancelled);
  EXPECT_LT(stepped.load(), 100000);
  job.start(fakeJob(2));
  ASSERT_TRUE(job.waitUntilDone(10s));
  EXPECT_EQ(job.state(), JobState::Finished);
  EXPECT_EQ(job.takeTiles().size(), 2u) << "a new job starts with an empty mailbox";
}

TEST(BackgroundGeneration, PauseHoldsTheJobUntilResumed) {
  ThreadTaskRunner runner;  // outlives the job
  BackgroundGeneration job(runner);
  std::atomic<int> stepped{0};
  job.start(fakeJob(1000, &stepped, 1ms));
  while (stepped < 2) std::this_thread::sleep_for(1ms);
  job.pause();
  EXPECT_EQ(job.state(), JobState::Paused);
  std::this_thread::sleep_for(20ms);  // a tile in flight may still finish
  const int held = stepped;
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(stepped.load(), held);
  job.resume();
  ASSERT_TRUE(job.waitUntilDone(20s));
  EXPECT_EQ(stepped.load(), 1000);
  EXPECT_EQ(job.state(), JobState::Finished);
}

TEST(BackgroundGeneration, AFailingJobReportsItsError) {
  ThreadTaskRunner runner;  // outlives the job
  BackgroundGeneration job(runner);
  job.start([](const JobControl&, const RegionGenerationEvents&) -> GenerationJob::Outcome {
    throw std::runtime_error("out.zarr: exists and is not a generation job's output");
  });
  ASSERT_TRUE(job.waitUntilDone(10s));
  EXPECT_EQ(job.state(), JobState::Failed);
  EXPECT_EQ(job.error(), "out.zarr: exists and is not a generation job's output");
  EXPECT_STREQ(jobStateName(job.state()), "failed");
}

TEST(BackgroundGeneration, DestroyingARunningJobCancelsIt) {
  std::atomic<int> stepped{0};
  {
    ThreadTaskRunner runner;
    BackgroundGeneration job(runner);
    job.start(fakeJob(1000000, &stepped, 1ms));
    while (stepped < 1) std::this_thread::sleep_for(1ms);
  }
  EXPECT_LT(stepped.load(), 1000000);
}

TEST(PairedSection, ReplaceCountsTakesAPaintedCondition) {
  PairedSection section;
  section.grid.width = 3;
  section.grid.height = 2;
  section.grid.planes = 2;
  section.genes = {"A", "B"};
  section.counts.assign(2 * 2 * 2 * 3, 1.0f);
  BinnedCondition painted(section.grid, {"A", "B"});
  painted.set(1, {2, 1, 1}, 7.0f);
  replaceCounts(section, painted);
  EXPECT_EQ(section.count(1, 1, 1, 2), 7.0f);
  EXPECT_EQ(section.count(0, 0, 0, 0), 0.0f);
  BinnedCondition otherGenes(section.grid, {"B", "A"});
  EXPECT_THROW(replaceCounts(section, otherGenes), std::invalid_argument);
}

}  // namespace
}  // namespace teramind
