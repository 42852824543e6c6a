// The held-out region `teramind model evaluate` generates: the bin rows training never
// sampled, cut to whole patches.
#include <gtest/gtest.h>

#include "model/ModelConfig.h"
#include "model/ModelTrainer.h"
#include "model/MorphologyModel.h"
#include "workflow/HeldOutSplit.h"

namespace teramind {
namespace {

BinGrid grid(int width, int height) {
  BinGrid g;
  g.width = width;
  g.height = height;
  return g;
}

TEST(HeldOutSplit, TheRowsNotTrainedInWholePatches) {
  // 40 rows, a quarter held out: rows [30, 40); whole 4-bin patches: [30, 38); columns [0, 28).
  const auto s = heldOutSplit(grid(30, 40), 4, 0.25);
  EXPECT_EQ(s.trainingRows, 30);
  EXPECT_EQ(s.firstRow(), 30);
  EXPECT_EQ(s.heightBins, 8);
  EXPECT_EQ(s.widthBins, 28);
  EXPECT_DOUBLE_EQ(s.holdoutFraction, 0.25);
  // floor(37 × 0.7) = 25 rows trained; 12 left, 12 held out.
  const auto t = heldOutSplit(grid(8, 37), 4, 0.3);
  EXPECT_EQ(t.trainingRows, 25);
  EXPECT_EQ(t.heightBins, 12);
  EXPECT_EQ(t.widthBins, 8);
}

TEST(HeldOutSplit, NoWholePatchRowIsAnErrorNamingTheRows) {
  try {
    heldOutSplit(grid(30, 10), 4, 0.25);
    FAIL() << "3 rows held out were taken for a 4-row patch";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "no whole patch row is held out (7 of 10 bin rows trained)");
  }
  EXPECT_THROW(heldOutSplit(grid(30, 40), 4, 0), std::invalid_argument);
  EXPECT_THROW(heldOutSplit(grid(3, 40), 4, 0.25), std::invalid_argument)
      << "narrower than a patch";
  EXPECT_THROW(heldOutSplit(grid(30, 40), 4, 1.5), std::invalid_argument);
  EXPECT_THROW(heldOutSplit(grid(30, 40), 4, -0.1), std::invalid_argument);
  EXPECT_THROW(heldOutSplit(grid(30, 40), 0, 0.25), std::invalid_argument);
}

TEST(HeldOutSplit, TheModelsRecordedFractionOrTheTrainersDefault) {
  const auto config = namedModelConfig("tiny", 4);
  MorphologyModel model(config, {"A", "B", "C", "D"}, 1);
  EXPECT_DOUBLE_EQ(modelHoldoutFraction(model), TrainingOptions{}.holdoutFraction);
  model.metadata()["holdout_fraction"] = "0.5";
  EXPECT_DOUBLE_EQ(modelHoldoutFraction(model), 0.5);
  const int p = config.geneBinsPerPatch;
  const auto s = heldOutSplit(model, grid(4 * p, 8 * p));
  EXPECT_EQ(s.trainingRows, 4 * p);
  EXPECT_EQ(s.heightBins, 4 * p);
  EXPECT_EQ(s.widthBins, 4 * p);
  for (const char* bad : {"half", "0.5x", "", "2", "nan"}) {
    model.metadata()["holdout_fraction"] = bad;
    EXPECT_THROW(modelHoldoutFraction(model), std::invalid_argument) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace teramind
