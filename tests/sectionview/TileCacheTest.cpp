#include "sectionview/TileCache.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

using namespace teramind;

namespace {

TileKey keyAt(std::int64_t col, int source = 1) {
  return TileKey{source, 0, 0, 0, 0, col};
}

// A tile of `values` floats, each `value`.
std::shared_ptr<const TilePixels> tileOf(std::size_t values, float value = 1) {
  return std::make_shared<const TilePixels>(values, value);
}

constexpr std::size_t kTileBytes = 16 * sizeof(float);

}  // namespace

TEST(TileCache, DropsLeastRecentlyUsedFirst) {
  TileCache cache(3 * kTileBytes);
  cache.insert(keyAt(0), tileOf(16, 0));
  cache.insert(keyAt(1), tileOf(16, 1));
  cache.insert(keyAt(2), tileOf(16, 2));
  ASSERT_NE(cache.find(keyAt(0)), nullptr);  // 0 now the most recent; 1 the least
  cache.insert(keyAt(3), tileOf(16, 3));
  EXPECT_FALSE(cache.contains(keyAt(1)));
  EXPECT_TRUE(cache.contains(keyAt(0)));
  EXPECT_TRUE(cache.contains(keyAt(2)));
  EXPECT_TRUE(cache.contains(keyAt(3)));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.bytes(), 3 * kTileBytes);
  EXPECT_EQ((*cache.find(keyAt(3)))[0], 3.0f);

  // contains() does not mark a tile used: 2 is still the least recently used.
  EXPECT_TRUE(cache.contains(keyAt(2)));
  cache.insert(keyAt(4), tileOf(16, 4));
  EXPECT_FALSE(cache.contains(keyAt(2)));
  EXPECT_TRUE(cache.contains(keyAt(0)));
}

TEST(TileCache, ReplacingATileCountsItsBytesOnce) {
  TileCache cache(10 * kTileBytes);
  cache.insert(keyAt(0), tileOf(16, 1));
  cache.insert(keyAt(0), tileOf(32, 2));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 2 * kTileBytes);
  EXPECT_EQ((*cache.find(keyAt(0)))[0], 2.0f);
  cache.insert(keyAt(0), nullptr);  // a null tile is not kept, and the old one is gone
  EXPECT_FALSE(cache.contains(keyAt(0)));
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(TileCache, KeepsNoTileLargerThanTheCap) {
  TileCache cache(2 * kTileBytes);
  cache.insert(keyAt(0), tileOf(16));
  cache.insert(keyAt(1), tileOf(48));  // 3 tiles' bytes: would not fit even alone
  EXPECT_FALSE(cache.contains(keyAt(1)));
  EXPECT_TRUE(cache.contains(keyAt(0)));  // and nothing was dropped for it
  EXPECT_LE(cache.peakBytes(), cache.cap());
}

TEST(TileCache, LoweringTheCapDropsTheLeastRecentlyUsed) {
  TileCache cache(4 * kTileBytes);
  for (int i = 0; i < 4; ++i) cache.insert(keyAt(i), tileOf(16));
  cache.find(keyAt(0));
  cache.setCap(2 * kTileBytes);
  EXPECT_EQ(cache.cap(), 2 * kTileBytes);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.contains(keyAt(0)));
  EXPECT_TRUE(cache.contains(keyAt(3)));
  EXPECT_EQ(cache.peakBytes(), 4 * kTileBytes);
}

TEST(TileCache, ErasesWhatThePredicateSelects) {
  TileCache cache(100 * kTileBytes);
  for (int i = 0; i < 6; ++i) cache.insert(keyAt(i, i % 2 ? 2 : 1), tileOf(16));
  cache.eraseIf([](const TileKey& k) { return k.source == 2; });
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.bytes(), 3 * kTileBytes);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(cache.contains(keyAt(i, i % 2 ? 2 : 1)), i % 2 == 0);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.find(keyAt(0)), nullptr);
}

TEST(TileCache, NeverHoldsMoreThanTheCapUnderInsertsFromFourThreads) {
  const std::size_t cap = 40 * kTileBytes;
  TileCache cache(cap);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&cache, cap, t] {
      std::mt19937 random(unsigned(t) + 1);
      for (int i = 0; i < 3000; ++i) {
        const auto col = std::int64_t(random() % 200);
        if (random() % 3 == 0) {
          auto found = cache.find(keyAt(col));
          if (found) {
            EXPECT_EQ(found->size() % 16, 0u);
          }
        } else {
          cache.insert(keyAt(col), tileOf(16 * (1 + random() % 4)));
        }
        EXPECT_LE(cache.bytes(), cap);
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.peakBytes(), cap);
  EXPECT_GT(cache.peakBytes(), cap / 2);  // it did fill: the cap was exercised
  EXPECT_LE(cache.bytes(), cap);
  // The bytes counted are the bytes held.
  std::size_t held = 0;
  for (int col = 0; col < 200; ++col)
    if (auto found = cache.find(keyAt(col))) held += found->size() * sizeof(float);
  EXPECT_EQ(held, cache.bytes());
}
