// The two-sample KS statistic against values worked out by hand (the largest gap between the
// two step functions, listed at every value below).
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/KolmogorovSmirnov.h"

namespace teramind {
namespace {

TEST(KolmogorovSmirnov, DisjointSamplesAreOne) {
  EXPECT_DOUBLE_EQ(kolmogorovSmirnovStatistic({1, 2, 3}, {4, 5}), 1.0);
  EXPECT_DOUBLE_EQ(kolmogorovSmirnovStatistic({10, 20}, {1, 2, 3}), 1.0);
}

TEST(KolmogorovSmirnov, EqualSamplesAreZeroWhateverTheOrder) {
  EXPECT_DOUBLE_EQ(kolmogorovSmirnovStatistic({3, 1, 2, 2}, {2, 3, 2, 1}), 0.0);
}

TEST(KolmogorovSmirnov, InterleavedSamplesByHand) {
  // a = {1, 3, 5}, b = {2, 4}: after 1: 1/3 − 0 = 1/3; after 2: 1/3 − 1/2; after 3: 2/3 − 1/2;
  // after 4: 2/3 − 1 = −1/3; after 5: 0. Largest |gap| 1/3.
  EXPECT_NEAR(kolmogorovSmirnovStatistic({1, 3, 5}, {2, 4}), 1.0 / 3, 1e-15);
  // a = {1, 2, 3, 4}, b = {3, 4, 5, 6, 7}: after 2: 2/4 − 0 = 1/2; after 3: 3/4 − 1/5 = 0.55;
  // after 4: 1 − 2/5 = 0.6; then a is used up. 0.6.
  EXPECT_NEAR(kolmogorovSmirnovStatistic({1, 2, 3, 4}, {3, 4, 5, 6, 7}), 0.6, 1e-15);
  // Symmetric in its samples.
  EXPECT_NEAR(kolmogorovSmirnovStatistic({3, 4, 5, 6, 7}, {1, 2, 3, 4}), 0.6, 1e-15);
}

TEST(KolmogorovSmirnov, TiesAcrossSamplesOpenNoFalseGap) {
  // a = {1, 2, 2, 2}, b = {2, 2, 3}: only after every 2 are both compared: after 1: 1/4; after
  // 2: 1 − 2/3 = 1/3; after 3: 0. Comparing mid-tie would give 3/4 − 0 after a's 2s.
  EXPECT_NEAR(kolmogorovSmirnovStatistic({1, 2, 2, 2}, {2, 2, 3}), 1.0 / 3, 1e-15);
  // Nucleus areas are integers: many ties. a = {5, 5, 6, 9}, b = {5, 6, 6, 6, 9, 9}:
  // after 5: 2/4 − 1/6 = 1/3; after 6: 3/4 − 4/6 = 1/12; after 9: 0. 1/3.
  EXPECT_NEAR(kolmogorovSmirnovStatistic({5, 5, 6, 9}, {5, 6, 6, 6, 9, 9}), 1.0 / 3, 1e-15);
}

TEST(KolmogorovSmirnov, AnEmptySampleIsUnknownNotAMatch) {
  EXPECT_TRUE(std::isnan(kolmogorovSmirnovStatistic({}, {1, 2})));
  EXPECT_TRUE(std::isnan(kolmogorovSmirnovStatistic({1}, {})));
}

}  // namespace
}  // namespace teramind
