#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/Colormap.h"
#include "analysis/Correlation.h"
#include "analysis/GeneAttentionAggregate.h"
#include "analysis/HierarchicalClustering.h"
#include "analysis/ImageSimilarity.h"
#include "analysis/NucleusCounter.h"
#include "analysis/PathwayMap.h"
#include "analysis/SeamMetric.h"

namespace teramind {
namespace {

GreyImage discs(int w, int h, const std::vector<std::array<int, 3>>& circles) {
  GreyImage g{w, h, std::vector<float>(std::size_t(w) * h, 10.f)};
  for (auto [cx, cy, r] : circles)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
          g.pixels[std::size_t(y) * w + x] = 200.f;
  return g;
}

TEST(ImageSimilarity, PsnrAndSsimOfKnownPairs) {
  auto a = discs(40, 30, {{10, 10, 5}, {30, 20, 6}});
  EXPECT_EQ(psnr(a, a, 255), std::numeric_limits<double>::infinity());
  EXPECT_NEAR(ssim(a, a, 255), 1.0, 1e-12);
  auto b = a;
  for (auto& v : b.pixels) v += 5.f;  // MSE 25
  EXPECT_NEAR(psnr(a, b, 255), 10 * std::log10(255.0 * 255.0 / 25.0), 1e-9);
  EXPECT_LT(ssim(a, b, 255), 1.0);
  EXPECT_GT(ssim(a, b, 255), 0.9);
  auto c = discs(40, 30, {{25, 8, 5}});
  EXPECT_LT(ssim(a, c, 255), ssim(a, b, 255));
  EXPECT_THROW(psnr(a, discs(10, 10, {}), 255), std::invalid_argument);
}

TEST(ImageSimilarity, AMaskLeavesOutWhatWasNotGenerated) {
  // The right half of b is a hole (0 in both images): unmasked, it counts as a perfect match.
  auto a = discs(40, 30, {{10, 10, 5}, {30, 20, 6}});
  auto b = a;
  std::vector<unsigned char> left(a.pixels.size(), 0);
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x) {
      const std::size_t i = std::size_t(y) * 40 + x;
      if (x < 20) {
        b.pixels[i] += 5.f;  // MSE 25 on the left
        left[i] = 1;
      } else {
        a.pixels[i] = b.pixels[i] = 0.f;
      }
    }
  EXPECT_NEAR(psnr(a, b, 255, left), 10 * std::log10(255.0 * 255.0 / 25.0), 1e-9);
  EXPECT_NEAR(psnr(a, b, 255), 10 * std::log10(255.0 * 255.0 / 12.5), 1e-9);
  EXPECT_LT(ssim(a, b, 255, left), ssim(a, b, 255));
  EXPECT_TRUE(std::isnan(psnr(a, b, 255, std::vector<unsigned char>(a.pixels.size(), 0))));
  EXPECT_THROW(ssim(a, b, 255, std::vector<unsigned char>(3, 1)), std::invalid_argument);
}

TEST(NucleusCounter, CountsSeparateDiscsAndIgnoresSpecks) {
  auto g = discs(80, 60, {{10, 10, 5}, {40, 12, 6}, {60, 40, 7}, {20, 45, 4}, {70, 8, 1}});
  const auto n = countNuclei(g, 20);
  EXPECT_EQ(n.nuclei, 4);  // the r=1 speck is below the minimum area
  EXPECT_GT(n.threshold, 10);
  EXPECT_LT(n.threshold, 200);
  EXPECT_EQ(countNuclei(GreyImage{4, 4, std::vector<float>(16, 3.f)}, 1).nuclei, 0);
}

TEST(SeamMeter, SmoothMosaicIsAboutOneAndASteppedOneIsHigher) {
  const int T = 8;
  auto ramp = [&](int x0, float jump) {
    std::vector<float> t(T * T);
    for (int y = 0; y < T; ++y)
      for (int x = 0; x < T; ++x) t[std::size_t(y * T + x)] = float(x0 + x) + jump;
    return t;
  };
  SeamMeter smooth(T), stepped(T);
  for (auto* m : {&smooth, &stepped}) {
    m->addTile(ramp(0, 0));
    m->addTile(ramp(T, 0));
  }
  smooth.addHorizontalBorder(ramp(0, 0), ramp(T, 0));
  stepped.addHorizontalBorder(ramp(0, 0), ramp(T, 5));
  EXPECT_NEAR(smooth.ratio(), 2.0, 1e-9);    // x steps of 1 across, x steps of 1 and y of 0 inside
  EXPECT_NEAR(stepped.ratio(), 72.0, 1e-9);  // (1 + 5)² against the same interior
  EXPECT_EQ(SeamMeter(T).ratio(), 0);
}

TEST(GeneAttentionAggregate, MeansAreExactAgainstADirectComputation) {
  const int g = 3;
  GeneAttentionAggregate aggregate(g);
  std::vector<std::vector<float>> patches;
  for (int p = 0; p < 7; ++p) {
    std::vector<float> m(g * g);
    for (int i = 0; i < g * g; ++i) m[std::size_t(i)] = float((p * 31 + i * 17) % 11) / 10.0f;
    patches.push_back(m);
    aggregate.add("section", m.data());
    if (p % 2) aggregate.add("odd", m.data());
  }
  EXPECT_EQ(aggregate.regions(), (std::vector<std::string>{"odd", "section"}));
  EXPECT_EQ(aggregate.count("section"), 7);
  EXPECT_EQ(aggregate.count("odd"), 3);
  EXPECT_EQ(aggregate.count("none"), 0);
  for (const char* region : {"section", "odd"}) {
    const auto mean = aggregate.mean(region);
    for (int i = 0; i < g * g; ++i) {
      double sum = 0;
      int n = 0;
      for (int p = 0; p < 7; ++p)
        if (std::string(region) == "section" || p % 2) {
          sum += patches[std::size_t(p)][std::size_t(i)];
          ++n;
        }
      EXPECT_DOUBLE_EQ(mean[std::size_t(i)], sum / n);
    }
  }
  EXPECT_THROW(aggregate.mean("none"), std::out_of_range);
}

TEST(Correlation, PearsonAndSpearmanOnKnownValues) {
  const std::vector<double> a{1, 2, 3, 4, 5}, b{2, 4, 6, 8, 10}, c{5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(pearson(a, b), 1.0);
  EXPECT_DOUBLE_EQ(pearson(a, c), -1.0);
  // Monotone but not linear: Spearman 1, Pearson below 1.
  const std::vector<double> d{1, 8, 27, 64, 125};
  EXPECT_DOUBLE_EQ(spearman(a, d), 1.0);
  EXPECT_LT(pearson(a, d), 0.99);
  // Ties take their mean rank: ranks of {1, 2, 2, 3} are {1, 2.5, 2.5, 4}.
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 0.9486832980505138, 1e-12);
  EXPECT_TRUE(std::isnan(pearson({1, 1, 1}, {1, 2, 3})));
}

TEST(HierarchicalClustering, AverageLinkageKeepsCloseItemsTogether) {
  // Points on a line: 0, 10, 1, 11, 2 → clusters {0, 2, 4} (near 0–2) and {1, 3} (near 10–11).
  const std::vector<double> x{0, 10, 1, 11, 2};
  std::vector<double> d(25);
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 5; ++j) d[i * 5 + j] = std::abs(x[i] - x[j]);
  const auto order = averageLinkageOrder(d, 5);
  ASSERT_EQ(order.size(), 5u);
  auto position = [&](std::size_t item) {
    return std::find(order.begin(), order.end(), item) - order.begin();
  };
  EXPECT_EQ(std::abs(position(1) - position(3)), 1) << "10 and 11 are neighbours";
  const auto low = {position(0), position(2), position(4)};
  EXPECT_EQ(std::max(low) - std::min(low), 2) << "0, 1, 2 are contiguous";
  EXPECT_THROW(averageLinkageOrder(d, 4), std::invalid_argument);
  // Rows with the same profile are at distance 0.
  const auto r = rowCorrelationDistances({1, 2, 3, 2, 4, 6, 3, 2, 1}, 3);
  EXPECT_NEAR(r[0 * 3 + 1], 0.0, 1e-12);
  EXPECT_NEAR(r[0 * 3 + 2], 2.0, 1e-12);
}

TEST(Colormap, ViridisEndsAndMiddle) {
  EXPECT_EQ(viridis(0), (std::array<std::uint8_t, 3>{68, 1, 84}));
  EXPECT_EQ(viridis(1), (std::array<std::uint8_t, 3>{253, 231, 37}));
  EXPECT_EQ(viridis(0.5), (std::array<std::uint8_t, 3>{33, 144, 141}));
  EXPECT_EQ(viridis(-3), viridis(0));
}

TEST(PathwayMap, LevelIsMaskedAttentionAndWeightedExpressionIsTheSubMatrixTimesCounts) {
  PathwayMapInput in;
  in.width = 3;
  in.height = 1;
  in.genes = 4;
  in.countA = {2, 0, 1};
  in.countB = {1, 5, 3};
  // Uniform attention (1/4) in bin 0, a→b = 0.75 in bins 1 and 2.
  in.attention = {0.25f, 0.25f, 0.25f, 0.25f, 0.1f, 0.75f, 0.2f, 0.3f, 0.1f, 0.75f, 0.2f, 0.3f};
  const auto m = computePathwayMap(in, 0.0);
  EXPECT_EQ(m.bothExpressed, (std::vector<unsigned char>{1, 0, 1}));
  EXPECT_FLOAT_EQ(m.level[0], 1.0f);  // log2(0.25 · 4 + 1)
  EXPECT_FLOAT_EQ(m.level[1], 0.0f);  // a has no counts
  EXPECT_FLOAT_EQ(m.level[2], 2.0f);  // log2(0.75 · 4 + 1)
  EXPECT_EQ(m.rawLevel, m.level) << "σ = 0 smooths nothing";
  EXPECT_FLOAT_EQ(m.weightedA[2], 0.1f * 1 + 0.75f * 3);
  EXPECT_FLOAT_EQ(m.weightedB[1], 0.2f * 0 + 0.3f * 5);
  // Smoothing keeps the total where the image is far from its edges.
  std::vector<float> spike(21 * 21, 0.0f);
  spike[10 * 21 + 10] = 1.0f;
  const auto s = gaussianSmooth(spike, 21, 21, 2.0);
  double total = 0;
  for (float v : s) total += v;
  EXPECT_NEAR(total, 1.0, 1e-6);
  EXPECT_GT(s[10 * 21 + 10], s[10 * 21 + 12]);
  EXPECT_NEAR(s[10 * 21 + 12] / s[10 * 21 + 10], std::exp(-0.5), 1e-5);  // 2 bins = 1 σ
}

}  // namespace
}  // namespace teramind
