// Diffusion schedule, DDIM sampling and attention capture.
#include <gtest/gtest.h>

#include <cmath>

#include "ModelTestSupport.h"
#include "model/DenoisingError.h"
#include "model/DiffusionSchedule.h"
#include "model/GeneAttentionPass.h"
#include "model/MorphologyModelImpl.h"
#include "model/MorphologySampler.h"
#include "model/MorphologyTileDenoiser.h"

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

TEST_F(Sampling, DenoisingErrorScoresTheTrueNoiseByTimestep) {
  // With its output layer zeroed the network predicts ε̂ = 0, so its error is E[ε²] ≈ 1 at
  // every t, while the identity guess improves as the signal fades.
  {
    torch::NoGradGuard noGrad;
    for (auto& p : model.impl().net->named_parameters())
      if (p.key().rfind("out.", 0) == 0) p.value().zero_();
  }
  const auto errors = measureDenoisingError(model, *section, 0, 6, {0, 500, 938}, 1);
  ASSERT_EQ(errors.size(), 3u);
  for (const auto& e : errors) {
    EXPECT_NEAR(e.epsMse, 1.0, 0.1) << e.timestep;
    ASSERT_EQ(e.x0MeanError.size(), std::size_t(config.stains));
  }
  EXPECT_EQ(errors[2].timestep, 938);
  EXPECT_GT(errors[0].identityEpsMse, errors[1].identityEpsMse);
  EXPECT_GT(errors[1].identityEpsMse, errors[2].identityEpsMse);
  EXPECT_LT(errors[2].identityEpsMse, 0.01);
  EXPECT_EQ(measureDenoisingError(model, *section, 0, 6, {0, 500, 938}, 1)[2].identityEpsMse,
            errors[2].identityEpsMse)
      << "the same seed draws the same noise";
  EXPECT_THROW(measureDenoisingError(model, *section, 0, 6, {1000}, 1), std::invalid_argument);
  EXPECT_THROW(measureDenoisingError(model, *section, 4, 6, {0}, 1), std::invalid_argument);
}

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

// The generation engine's tile step captures the same gene-gene attention for the tile's own
// patches as the one-tile sampler does for the same window.
TEST_F(Sampling, TileDenoiserCapturesTheTilesOwnPatches) {
  SamplingOptions o;
  o.steps = 3;
  o.captureAttention = true;
  const auto reference = sampleRegion(model, *section, 0, 0, 4, 4, 0, o).attention.back();
  MorphologyTileDenoiser denoiser(model, *section, 0, 2, o);
  const auto shape = denoiser.shape();
  ASSERT_EQ(denoiser.attentionValues(), std::size_t(4 * config.genes * config.genes));
  std::vector<float> padded(shape.paddedValues(), 0.0f), core(shape.coreValues()),
      attention(denoiser.attentionValues(), -1.0f);
  denoiser.initialState({0, 0}, core.data());
  denoiser.step({{TileIndex{0, 0}, 1, padded.data(), core.data(), nullptr, attention.data()}});
  const std::size_t g2 = std::size_t(config.genes) * config.genes;
  const int own[4] = {0, 1, 3, 4};  // patches (0,0) (0,1) (1,0) (1,1) of the 3 × 3 input grid
  for (int i = 0; i < 4; ++i)
    for (std::size_t v = 0; v < g2; ++v)
      ASSERT_FLOAT_EQ(attention[std::size_t(i) * g2 + v],
                      reference.values[std::size_t(own[i]) * g2 + v]);
}

// The dedicated pass (gene blocks only) gives the matrices a generation job captures.
TEST_F(Sampling, AttentionPassMatchesTheGenerationCapture) {
  SamplingOptions o;
  o.steps = 3;
  o.captureAttention = true;
  const auto reference = sampleRegion(model, *section, 0, 0, 4, 4, 0, o).attention.back();
  const std::size_t g2 = std::size_t(config.genes) * config.genes;
  std::vector<std::pair<int, int>> seen;
  geneAttentionPass(
      model, *section, 0, 0, 0, 4, 4,
      [&](const AttentionPatch& p) {
        seen.emplace_back(p.row, p.col);
        const int input = p.row * 3 + p.col;  // the 3 × 3 input grid of the one-tile sampler
        for (std::size_t v = 0; v < g2; ++v)
          ASSERT_NEAR(p.values[v], reference.values[std::size_t(input) * g2 + v], 1e-6);
      },
      3);
  EXPECT_EQ(seen, (std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
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
