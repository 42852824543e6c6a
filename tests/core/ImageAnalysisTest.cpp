#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "analysis/ImageSimilarity.h"
#include "analysis/NucleusCounter.h"
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

TEST(NucleusCounter, CountsSeparateDiscsAndIgnoresSpecks) {
  auto g = discs(80, 60, {{10, 10, 5}, {40, 12, 6}, {60, 40, 7}, {20, 45, 4}, {70, 8, 1}});
  const auto n = countNuclei(g, 20);
  EXPECT_EQ(n.nuclei, 4);  // the r=1 speck is below the minimum area
  EXPECT_GT(n.threshold, 10);
  EXPECT_LT(n.threshold, 200);
  EXPECT_EQ(countNuclei(GreyImage{4, 4, std::vector<float>(16, 3.f)}, 1).nuclei, 0);
}

}  // namespace
}  // namespace teramind

namespace teramind {
namespace {

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
  EXPECT_NEAR(smooth.ratio(), 2.0, 1e-9);  // x steps of 1 across, x steps of 1 and y of 0 inside
  EXPECT_NEAR(stepped.ratio(), 72.0, 1e-9);  // (1 + 5)² against the same interior
  EXPECT_EQ(SeamMeter(T).ratio(), 0);
}

}  // namespace
}  // namespace teramind
