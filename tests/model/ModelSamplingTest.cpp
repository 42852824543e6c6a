// Diffusion schedule, DDIM sampling and attention capture.
#include <gtest/gtest.h>

#include <cmath>

#include "ModelTestSupport.h"
#include "model/DiffusionSchedule.h"
#include "model/MorphologySampler.h"

namespace teramind {
namespace {

TEST(DiffusionSchedule, LinearBetaAndOfficialDdimSpacing) {
  const DiffusionSchedule s(namedModelConfig("official-229"));
  EXPECT_EQ(s.timesteps(), 1000);
  EXPECT_DOUBLE_EQ(s.beta(0), 1e-4);
  EXPECT_NEAR(s.beta(999), 0.02, 1e-15);
  EXPECT_NEAR(s.alphaCumprod(1), (1 - 1e-4) * (1 - (1e-4 + 0.0199 / 999)), 1e-15);
  const auto t = s.ddimTimesteps(15);
  ASSERT_EQ(t.size(), 15u);
  EXPECT_EQ(t.front(), 0);
  EXPECT_EQ(t[1], 67);
  EXPECT_EQ(t.back(), 938);
  EXPECT_EQ(s.ddimTimesteps(1000).size(), 1000u);
  EXPECT_THROW(s.ddimTimesteps(999), std::invalid_argument);
  // The last step lands on x0: ᾱ_prev = 1, no noise.
  const auto last = s.ddimStep(0, -1, 1.0);
  EXPECT_DOUBLE_EQ(last.sqrtAlphaPrev, 1.0);
  EXPECT_DOUBLE_EQ(last.epsScale, 0.0);
  EXPECT_DOUBLE_EQ(last.sigma, 0.0);
  const auto mid = s.ddimStep(938, 871, 0.0);
  EXPECT_DOUBLE_EQ(mid.sigma, 0.0);
  EXPECT_NEAR(mid.epsScale, std::sqrt(1 - s.alphaCumprod(871)), 1e-12);
}

class Sampling : public ::testing::Test {
 protected:
  ModelConfig config = namedModelConfig("tiny");
  std::shared_ptr<PairedSection> section = test::syntheticSection(config, 8, 6);
  MorphologyModel model{config, section->genes, 11};
};

TEST_F(Sampling, DdimWithOneSeedIsBitIdenticalAcrossRuns) {
  SamplingOptions o;
  o.seed = 4;
  o.steps = 5;
  const auto a = sampleRegion(model, *section, 2, 2, 4, 2, 0, o);
  const auto b = sampleRegion(model, *section, 2, 2, 4, 2, 0, o);
  EXPECT_EQ(a.widthPx, 4 * config.binPixels());
  EXPECT_EQ(a.heightPx, 2 * config.binPixels());
  ASSERT_EQ(a.values.size(),
            std::size_t(config.stains) * config.outputSections * a.widthPx * a.heightPx);
  EXPECT_EQ(a.values, b.values);
  for (float v : a.values) ASSERT_TRUE(v >= -1.f && v <= 1.f);
  o.seed = 5;
  EXPECT_NE(sampleRegion(model, *section, 2, 2, 4, 2, 0, o).values, a.values);
  o.seed = 4;
  o.eta = 1.0;
  const auto c = sampleRegion(model, *section, 2, 2, 4, 2, 0, o);
  EXPECT_EQ(c.values, sampleRegion(model, *section, 2, 2, 4, 2, 0, o).values);
  EXPECT_NE(c.values, a.values);
}

TEST_F(Sampling, CapturesGeneAttentionOnlyOnRequest) {
  SamplingOptions o;
  o.steps = 3;
  EXPECT_TRUE(sampleRegion(model, *section, 0, 0, 4, 4, 0, o).attention.empty());
  o.captureAttention = true;
  const auto m = sampleRegion(model, *section, 0, 0, 4, 4, 0, o);
  ASSERT_EQ(m.attention.size(), 3u);
  EXPECT_EQ(m.attention.front().timestep, 668);  // ddim3: 0, 334, 668
  EXPECT_EQ(m.attention.back().timestep, 0);
  const auto& a = m.attention.back();
  EXPECT_EQ(a.patches, 9);  // (2+1) × (2+1) input patches
  EXPECT_EQ(a.genes, config.genes);
  for (int row = 0; row < a.patches * a.genes; ++row) {
    double sum = 0;
    for (int k = 0; k < a.genes; ++k) sum += a.values[std::size_t(row) * a.genes + k];
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
  // The gene-gene block sees only the condition: its attention does not change with t.
  EXPECT_EQ(m.attention.front().values, a.values);
}

TEST_F(Sampling, RejectsPartialPatchesAndAnotherPanel) {
  SamplingOptions o;
  EXPECT_THROW(sampleRegion(model, *section, 0, 0, 3, 2, 0, o), std::invalid_argument);
  auto other = *section;
  other.genes[0] = "Other";
  EXPECT_THROW(sampleRegion(model, other, 0, 0, 2, 2, 0, o), std::invalid_argument);
}

}  // namespace
}  // namespace teramind
