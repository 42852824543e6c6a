#include "sectionview/TileLoader.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/FileError.h"

using namespace teramind;
using namespace std::chrono_literals;

namespace {

// Closed until the test opens it: a source's reads wait on it, so a test knows no read has
// finished (C++17 has no std::latch).
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  void pass() const {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [this] { return open_; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable opened_;
  bool open_ = false;
};

// A 1024 × 1024 px source of 4 × 4 tiles of 256 px whose reads are counted, take 5 ms, wait
// on a gate when given one, and fail for the tiles listed.
class CountingSource : public PyramidSource {
 public:
  explicit CountingSource(const Gate* gate = nullptr, std::set<std::int64_t> failingCols = {})
      : gate_(gate), failingCols_(std::move(failingCols)) {
    info_.name = "counting";
    info_.channels = {"DAPI"};
    info_.levels = {{1024, 1024, 1.0}, {512, 512, 2.0}};
    info_.tile = 256;
  }
  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int level, int, int, std::int64_t row, std::int64_t col) const override {
    ++reads;
    if (gate_) gate_->pass();
    std::this_thread::sleep_for(5ms);
    if (failingCols_.count(col))
      throw FileError("stain.zarr",
                      "chunk 0/" + std::to_string(row) + "/" + std::to_string(col) + " is damaged");
    return TilePixels(std::size_t(info_.tile) * std::size_t(info_.tile),
                      float(version * 100000 + level * 1000 + row * 10 + col));
  }
  mutable std::atomic<int> reads{0};
  std::atomic<int> version{0};  // bumped when a test "rewrites" the file

 private:
  PyramidInfo info_;
  const Gate* gate_;
  std::set<std::int64_t> failingCols_;
};

TileKey keyAt(std::int64_t row, std::int64_t col, int level = 0) {
  return TileKey{1, level, 0, 0, row, col};
}

// 50 keys: level 0's 16 tiles, then rows past its grid (the fake source reads any).
std::vector<TileKey> fiftyKeys() {
  std::vector<TileKey> keys;
  for (int i = 0; i < 50; ++i) keys.push_back(keyAt(i / 4, i % 4));
  return keys;
}

}  // namespace

TEST(TileLoader, RequestReturnsWithoutWaitingOnTheSource) {
  Gate gate;
  TileCache cache(64 << 20);
  auto source = std::make_shared<CountingSource>(&gate);
  TileLoader loader(cache, 2);
  loader.addSource(1, source);

  loader.request(fiftyKeys());
  // The gate is shut: no read can have finished, yet request() returned, and returns again
  // while both workers are stuck in a read.
  EXPECT_EQ(loader.tilesRead(), 0u);
  EXPECT_EQ(cache.size(), 0u);
  loader.request({keyAt(0, 0), keyAt(0, 1)});
  EXPECT_FALSE(loader.idle());
  EXPECT_FALSE(loader.waitIdle(1ms));  // nothing can land while the gate is shut

  gate.open();
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_TRUE(cache.contains(keyAt(0, 0)));
  EXPECT_TRUE(cache.contains(keyAt(0, 1)));
}

TEST(TileLoader, ANewRequestDropsTheTilesStillQueued) {
  Gate gate;
  TileCache cache(64 << 20);
  auto source = std::make_shared<CountingSource>(&gate);
  std::atomic<int> arrived{0};
  const int threads = 2;
  TileLoader loader(cache, threads, [&arrived] { ++arrived; });
  loader.addSource(1, source);

  loader.request(fiftyKeys());
  std::vector<TileKey> wanted;
  for (int col = 0; col < 5; ++col) wanted.push_back(keyAt(0, col, 1));
  loader.request(wanted);
  gate.open();
  ASSERT_TRUE(loader.waitIdle(30s));

  // At most the tiles the workers had taken before the second request, then the 5 wanted.
  EXPECT_LE(source->reads.load(), threads + 5);
  EXPECT_GE(source->reads.load(), 5);
  EXPECT_EQ(loader.tilesRead(), std::uint64_t(source->reads.load()));
  for (const TileKey& key : wanted) {
    ASSERT_TRUE(cache.contains(key)) << "column " << key.col;
    EXPECT_EQ((*cache.find(key))[0], float(1000 + key.col));
  }
  EXPECT_EQ(arrived.load(), source->reads.load());  // once per tile that landed
  EXPECT_EQ(loader.tilesFailed(), 0u);
}

TEST(TileLoader, SkipsTilesCachedOrAlreadyRequested) {
  TileCache cache(64 << 20);
  auto source = std::make_shared<CountingSource>();
  TileLoader loader(cache, 3);
  loader.addSource(1, source);
  loader.request({keyAt(0, 0), keyAt(0, 1), keyAt(0, 0), keyAt(0, 1)});
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_EQ(source->reads.load(), 2);
  // As render() does every frame: the same tiles again read nothing.
  for (int frame = 0; frame < 20; ++frame) loader.request({keyAt(0, 0), keyAt(0, 1)});
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_EQ(source->reads.load(), 2);
  // A tile of a source never added is not requested.
  loader.request({TileKey{7, 0, 0, 0, 0, 0}});
  EXPECT_TRUE(loader.idle());
}

TEST(TileLoader, AFailingTileIsCountedNamedAndNotRetriedEveryFrame) {
  TileCache cache(64 << 20);
  auto source = std::make_shared<CountingSource>(nullptr, std::set<std::int64_t>{3});
  TileLoader loader(cache, 2);
  loader.addSource(1, source);
  for (int frame = 0; frame < 30; ++frame) {
    loader.request({keyAt(2, 3), keyAt(2, 2)});
    ASSERT_TRUE(loader.waitIdle(30s));
  }
  EXPECT_EQ(loader.tilesFailed(), 1u);
  EXPECT_EQ(source->reads.load(), 2);  // the good tile once, the bad one once
  EXPECT_TRUE(cache.contains(keyAt(2, 2)));
  EXPECT_FALSE(cache.contains(keyAt(2, 3)));
  const std::string error = loader.lastError();
  EXPECT_NE(error.find("row 2, column 3"), std::string::npos) << error;
  EXPECT_NE(error.find("stain.zarr"), std::string::npos) << error;
  EXPECT_NE(error.find("damaged"), std::string::npos) << error;

  loader.forgetFailures();  // a retry reads it again, once
  loader.request({keyAt(2, 3)});
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_EQ(loader.tilesFailed(), 2u);
  EXPECT_EQ(source->reads.load(), 3);
}

TEST(TileLoader, ATileInvalidatedWhileReadIsNotCachedAndIsReadAgain) {
  Gate gate;
  TileCache cache(64 << 20);
  auto source = std::make_shared<CountingSource>(&gate);
  std::atomic<int> arrived{0};
  TileLoader loader(cache, 1, [&arrived] { ++arrived; });
  loader.addSource(1, source);
  cache.insert(keyAt(3, 3), std::make_shared<const TilePixels>(16, 1.0f));
  cache.insert(keyAt(3, 2), std::make_shared<const TilePixels>(16, 1.0f));

  loader.request({keyAt(0, 0)});
  // The worker is inside the read (counted before the gate) of the file's old bytes.
  for (int i = 0; i < 30000 && source->reads.load() == 0; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(source->reads.load(), 1);
  // A job rewrites row 0 and the tile (3, 3): both invalidated, the tile (3, 2) kept.
  source->version = 1;
  loader.invalidate([](const TileKey& key) { return key.row == 0 || key.col == 3; });
  EXPECT_FALSE(cache.contains(keyAt(3, 3)));
  EXPECT_TRUE(cache.contains(keyAt(3, 2)));
  gate.open();
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_FALSE(cache.contains(keyAt(0, 0)));  // the read under way held the old bytes
  EXPECT_EQ(arrived.load(), 1);               // announced all the same: the view asks again

  loader.request({keyAt(0, 0)});
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_EQ(source->reads.load(), 2);
  ASSERT_TRUE(cache.contains(keyAt(0, 0)));
  EXPECT_EQ((*cache.find(keyAt(0, 0)))[0], 100000.0f);
}

TEST(TileLoader, TellsOfEachSourcesFirstFailureAndLeavesFailedTilesOutOfTheWanted) {
  TileCache cache(64 << 20);
  auto source = std::make_shared<CountingSource>(nullptr, std::set<std::int64_t>{2, 3});
  TileLoader loader(cache, 2);
  std::mutex mutex;
  std::vector<std::pair<int, std::string>> told;
  loader.setFailed([&](int id, const std::string& error) {
    std::lock_guard lock(mutex);
    told.emplace_back(id, error);
  });
  loader.addSource(1, source);
  loader.request({keyAt(0, 2), keyAt(0, 3), keyAt(1, 2), keyAt(0, 1)});
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_EQ(loader.tilesFailed(), 3u);
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(told.size(), 1u) << "once per source, not once per tile";
    EXPECT_EQ(told[0].first, 1);
    EXPECT_NE(told[0].second.find("stain.zarr"), std::string::npos) << told[0].second;
  }
  // What a view still waits for: the failed tiles are not "loading".
  std::vector<TileKey> wanted{keyAt(0, 2), keyAt(2, 0), keyAt(0, 3), keyAt(1, 2)};
  EXPECT_EQ(loader.removeFailed(wanted), 3u);
  ASSERT_EQ(wanted.size(), 1u);
  EXPECT_EQ(wanted[0], keyAt(2, 0));

  // A source added again is told of anew.
  loader.removeSource(1);
  loader.addSource(1, source);
  loader.request({keyAt(3, 3)});
  ASSERT_TRUE(loader.waitIdle(30s));
  std::lock_guard lock(mutex);
  EXPECT_EQ(told.size(), 2u);
}

TEST(TileLoader, RemovingASourceDropsItsQueueAndItsTiles) {
  Gate gate;
  TileCache cache(64 << 20);
  auto kept = std::make_shared<CountingSource>();
  auto removed = std::make_shared<CountingSource>(&gate);
  TileLoader loader(cache, 1);
  loader.addSource(1, removed);
  loader.addSource(2, kept);
  cache.insert(keyAt(3, 3), std::make_shared<const TilePixels>(16, 1.0f));

  loader.request(fiftyKeys());  // the one worker takes one and waits on the gate
  loader.removeSource(1);
  EXPECT_FALSE(cache.contains(keyAt(3, 3)));
  gate.open();
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_LE(removed->reads.load(), 1);
  EXPECT_EQ(cache.size(), 0u);  // the tile being read when it left is not cached either

  loader.request({TileKey{2, 0, 0, 0, 1, 1}});
  ASSERT_TRUE(loader.waitIdle(30s));
  EXPECT_TRUE(cache.contains(TileKey{2, 0, 0, 0, 1, 1}));
}

TEST(TileLoader, ReadNowReadsOnTheCallersThreadAndCaches) {
  TileCache cache(64 << 20);
  auto source = std::make_shared<CountingSource>(nullptr, std::set<std::int64_t>{3});
  TileLoader loader(cache, 1);
  loader.addSource(1, source);
  auto tile = loader.readNow(keyAt(1, 2));
  ASSERT_NE(tile, nullptr);
  EXPECT_EQ((*tile)[0], 12.0f);
  EXPECT_TRUE(cache.contains(keyAt(1, 2)));
  EXPECT_EQ(loader.readNow(keyAt(1, 2)), tile);  // from the cache
  EXPECT_EQ(source->reads.load(), 1);
  EXPECT_EQ(loader.tilesRead(), 1u);
  EXPECT_EQ(loader.readNow(TileKey{9, 0, 0, 0, 0, 0}), nullptr);
  EXPECT_THROW(loader.readNow(keyAt(0, 3)), FileError);
}

TEST(TileLoader, StopsWithTilesStillQueued) {
  TileCache cache(64 << 20);
  auto source = std::make_shared<CountingSource>();
  {
    TileLoader loader(cache, 2);
    loader.addSource(1, source);
    loader.request(fiftyKeys());
  }  // joins after the tiles being read, without reading the rest
  EXPECT_LT(source->reads.load(), 50);
}
