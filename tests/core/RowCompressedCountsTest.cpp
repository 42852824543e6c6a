// The sparse counts generation reads: every bin, window and box test equals the condition's.
#include <gtest/gtest.h>

#include <random>

#include "transcriptomics/RowCompressedCounts.h"

namespace teramind {
namespace {

TEST(RowCompressedCounts, ReadsEveryBinWindowAndBoxAsTheConditionHoldsThem) {
  BinGrid grid;
  grid.width = 37;
  grid.height = 23;
  grid.planes = 3;
  BinnedCondition condition(grid, {"A", "B", "C"});
  std::mt19937 random(5);
  for (int i = 0; i < 400; ++i)
    condition.add(random() % 3, {int(random() % 37), int(random() % 23), int(random() % 3)},
                  float(1 + random() % 5));
  condition.set(2, {36, 22, 2}, 9);  // the last bin of the grid
  const RowCompressedCounts counts(condition);
  for (int g = 0; g < 3; ++g)
    for (int z = 0; z < 3; ++z)
      for (int y = 0; y < 23; ++y)
        for (int x = 0; x < 37; ++x) ASSERT_EQ(counts.get(g, z, y, x), condition.get(g, {x, y, z}));
  EXPECT_EQ(counts.get(0, 0, -1, 0), 0.0f);
  EXPECT_EQ(counts.get(0, 3, 0, 0), 0.0f);
  EXPECT_EQ(counts.get(3, 0, 0, 0), 0.0f);

  for (const auto& [x0, y0, w, h] : {std::array<int, 4>{-3, -2, 8, 6},
                                     {10, 5, 12, 9},
                                     {30, 18, 10, 10},
                                     {40, 0, 3, 3},
                                     {0, 0, 37, 23}})
    for (int g = 0; g < 3; ++g)
      for (int z = 0; z < 3; ++z) {
        std::vector<float> window(std::size_t(w * h), -1.0f);
        counts.readWindow(g, z, x0, y0, w, h, window.data());
        bool any = false;
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x) {
            const BinIndex bin{x0 + x, y0 + y, z};
            const float expected = grid.contains(bin) ? condition.get(g, bin) : 0.0f;
            ASSERT_EQ(window[std::size_t(y * w + x)], expected);
            any = any || expected != 0;
          }
        EXPECT_EQ(counts.anyInBox(g, z, x0, y0, w, h), any);
      }
}

}  // namespace
}  // namespace teramind
