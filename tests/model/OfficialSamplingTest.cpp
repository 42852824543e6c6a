// Official-compatible sampling (--official): the official noise draw, seeded dropout, fp16 state.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

#include "ModelTestSupport.h"
#include "model/MorphologyModelImpl.h"
#include "model/MorphologyTileDenoiser.h"
#include "model/OfficialNoise.h"

namespace teramind {
namespace {

TEST(OfficialNoise, LcgIsTheDatasetsFormulaWithPythonsModulo) {
  // (1103515245 x + 12345) % 2**31 in Python.
  EXPECT_EQ(officialLcg(0), 12345u);
  EXPECT_EQ(officialLcg(1), 1103527590u);
  EXPECT_EQ(officialLcg(1 * 416 + 1), 604368838u);
  EXPECT_EQ(officialLcg(285 * 416 + 413), 2106435250u);
  EXPECT_EQ(officialLcg(-2), 2087949151u);  // Python's % is never negative
  EXPECT_EQ(OfficialNoiseLayout{}.seed(1, 1), 604368838u);
  EXPECT_EQ(OfficialNoiseLayout::forTiles(64, 2, 2, 3).rowStride, 416);
  EXPECT_EQ(OfficialNoiseLayout::forTiles(64, 2, 2, 500).rowStride, 500);
}

TEST(OfficialNoise, TorchCpuRandnGivesPyTorchsPublishedNumbers) {
  // kornia's CenterCrop3D doctest: torch.manual_seed(0); torch.randn(1, 1, 2, 4, 6).
  const std::vector<float> kornia = {
      -1.1258f, -1.1524f, -0.2506f, -0.4339f, 0.8487f, 0.6920f,  -0.3160f, -2.1152f,
      0.3223f,  -1.2633f, 0.3500f,  0.3081f,  0.1198f, 1.2377f,  1.1168f,  -0.2473f,
      -1.3527f, -1.6959f, 0.5667f,  0.7935f,  0.5988f, -1.5551f, -0.3414f, 1.8530f,
      0.7502f,  -0.5855f, -0.1734f, 0.1835f,  1.3894f, 1.5863f,  0.9463f,  -0.8437f,
      -0.6136f, 0.0316f,  -0.4927f, 0.2484f,  0.4397f, 0.1124f,  0.6408f,  0.4412f,
      -0.1023f, 0.7924f,  -0.2897f, 0.0525f,  0.5229f, 2.3022f,  -1.4689f, -1.5867f};
  const auto x = torchCpuRandn(0, {1, 1, 2, 4, 6});
  ASSERT_EQ(x.size(), kornia.size());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], kornia[i], 6e-5) << i;
  // pytorch/pytorch#80202: fewer than 16 values take another path; 16 and more are filled
  // 16 at a time, so the size changes the numbers.
  EXPECT_NEAR(torchCpuRandn(0, {1, 7})[0], 1.5410f, 6e-5);
  const auto two = torchCpuRandn(0, {2, 8});
  EXPECT_NEAR(two[0], -1.1258f, 6e-5);
  EXPECT_NEAR(two[8], 0.3223f, 6e-5);
}

TEST(OfficialNoise, TileNoiseIsTheHwcDrawsChannelsOfItsPlanes) {
  const auto layout = OfficialNoiseLayout::forTiles(8, 2, 5, 3);
  std::vector<float> core(2 * 2 * 8 * 8);
  officialTileNoise(layout, 2, 3, 2, 2, core.data());
  const auto draw = torchCpuRandn(officialLcg(2 * 416 + 3), {8, 8, 10});
  for (int s = 0; s < 2; ++s)
    for (int z = 0; z < 2; ++z)
      for (int i = 0; i < 64; ++i)
        ASSERT_EQ(core[std::size_t((s * 2 + z) * 64 + i)],
                  draw[std::size_t(i * 10 + s * 5 + 2 + z)]);
  EXPECT_THROW(officialTileNoise(layout, 2, 3, 4, 2, core.data()), std::invalid_argument);
}

// The tiny model with dropout and weights away from their zero initialisation (a zeroed last
// conv in every ResBlock would hide the dropout).
class OfficialSampling : public ::testing::Test {
 protected:
  static float maxDifference(const std::vector<float>& x, const std::vector<float>& y) {
    float m = 0;
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
      m = std::max(m, std::abs(x[i] - y[i]));
    return m;
  }
  static ModelConfig tinyWithDropout(float dropout) {
    auto c = namedModelConfig("tiny");
    c.dropout = dropout;
    return c;
  }
  static MorphologyModel perturbed(const ModelConfig& c, const PairedSection& section) {
    MorphologyModel m(c, section.genes, 11);
    torch::NoGradGuard noGrad;
    auto generator = at::detail::createCPUGenerator(3);
    for (auto& p : m.impl().net->parameters())
      p.add_(0.2 * torch::randn(p.sizes(), generator, torch::kFloat32));
    return m;
  }
  // One step of `tile` from its initial state, its halo −1.
  static std::vector<float> stepOnce(MorphologyTileDenoiser& d, TileIndex tile) {
    const auto s = d.shape();
    std::vector<float> core(s.coreValues()), padded(s.paddedValues(), -1.0f), out(core.size());
    d.initialState(tile, core.data());
    const int T = s.corePixels, h = s.haloPixels, W = s.paddedPixels();
    for (int ch = 0; ch < s.channels; ++ch)
      for (int y = 0; y < T; ++y)
        std::copy_n(core.data() + (std::size_t(ch) * T + y) * T, T,
                    padded.data() + (std::size_t(ch) * W + y + h) * W + h);
    d.step({{tile, 1, padded.data(), out.data()}});
    return out;
  }
  SamplingOptions official(std::uint64_t seed) const {
    SamplingOptions o;
    o.steps = 3;
    o.seed = seed;
    o.official = true;
    o.decoders = PatchDecoders::Collage;
    return o;
  }

  ModelConfig config = tinyWithDropout(0.1f);
  std::shared_ptr<PairedSection> section = test::syntheticSection(config, 8, 6);
  MorphologyModel model = perturbed(config, *section);
};

TEST_F(OfficialSampling, FillsAbsentNeighboursWithMinusOneAndNeedsTheCollageDecoder) {
  EXPECT_EQ(SamplingOptions{}.absentNeighbourFill(), 0.0f);
  EXPECT_EQ(official(0).absentNeighbourFill(), -1.0f);
  auto blend = official(0);
  blend.decoders = PatchDecoders::Blend;
  EXPECT_THROW(MorphologyTileDenoiser(model, *section, 0, 2, blend), std::invalid_argument);
}

TEST_F(OfficialSampling, InitialStateIsTheOfficialDrawOfTheTile) {
  MorphologyTileDenoiser d(model, *section, 0, 2, official(0));
  std::vector<float> core(d.shape().coreValues()), expected(core.size());
  d.initialState({1, 1}, core.data());
  // 64 px tiles, 2 stains × 2 planes, 2 tile columns: the official 416 in the seed.
  officialTileNoise(OfficialNoiseLayout::forTiles(64, 2, 2, 2), 1, 1, 0, 2, expected.data());
  EXPECT_EQ(core, expected);
}

TEST_F(OfficialSampling, StepIsFp16AndThreadIndependentAndItsMasksIgnoreTheBatch) {
  MorphologyTileDenoiser d(model, *section, 0, 2, official(0));
  const auto a = stepOnce(d, {0, 0}), b = stepOnce(d, {0, 1});
  EXPECT_EQ(stepOnce(d, {0, 0}), a);
  for (float v : a) ASSERT_EQ(v, static_cast<float>(c10::Half(v))) << "not an fp16 value";

  // Both tiles in one forward pass, and each on its own thread at once.
  MorphologyTileDenoiser batched(model, *section, 0, 2, official(0), 2);
  const auto s = d.shape();
  std::vector<float> padded(2 * s.paddedValues(), -1.0f), out(2 * s.coreValues()),
      core(s.coreValues());
  const int T = s.corePixels, h = s.haloPixels, W = s.paddedPixels();
  for (int t = 0; t < 2; ++t) {
    batched.initialState({0, t}, core.data());
    for (int ch = 0; ch < s.channels; ++ch)
      for (int y = 0; y < T; ++y)
        std::copy_n(core.data() + (std::size_t(ch) * T + y) * T, T,
                    padded.data() + t * s.paddedValues() + (std::size_t(ch) * W + y + h) * W + h);
  }
  batched.step(
      {{TileIndex{0, 0}, 1, padded.data(), out.data()},
       {TileIndex{0, 1}, 1, padded.data() + s.paddedValues(), out.data() + s.coreValues()}});
  // A batched convolution sums in another order on a CPU (why the CPU steps one tile per
  // thread): a float rounding may land on the next fp16 value, never a mask apart.
  const std::vector<float> outA(out.begin(), out.begin() + std::ptrdiff_t(s.coreValues())),
      outB(out.begin() + std::ptrdiff_t(s.coreValues()), out.end());
  EXPECT_LT(maxDifference(outA, a), 0.01f);
  EXPECT_LT(maxDifference(outB, b), 0.01f);
  std::printf("official step, batched vs alone: max difference %.4g, %.4g\n",
              maxDifference(outA, a), maxDifference(outB, b));
  std::vector<float> fromThreadA, fromThreadB;
  std::thread ta([&] { fromThreadA = stepOnce(d, {0, 0}); });
  std::thread tb([&] { fromThreadB = stepOnce(d, {0, 1}); });
  ta.join();
  tb.join();
  EXPECT_EQ(fromThreadA, a);
  EXPECT_EQ(fromThreadB, b);
}

TEST_F(OfficialSampling, DropoutIsActiveAndSeededBySeedAlone) {
  // The noise does not depend on the seed in official mode; only the dropout masks do.
  MorphologyTileDenoiser seed0(model, *section, 0, 2, official(0));
  MorphologyTileDenoiser seed1(model, *section, 0, 2, official(1));
  const auto a = stepOnce(seed0, {0, 0});
  const auto other = stepOnce(seed1, {0, 0});
  EXPECT_GT(maxDifference(other, a), 0.05f) << "dropout is not active";
  std::printf("official step, dropout seed 0 vs 1: max difference %.4f\n", maxDifference(other, a));
  // The same weights without dropout: the seed changes nothing.
  const auto noDropoutConfig = tinyWithDropout(0.0f);
  const auto noDropout = perturbed(noDropoutConfig, *section);
  MorphologyTileDenoiser plain0(noDropout, *section, 0, 2, official(0));
  MorphologyTileDenoiser plain1(noDropout, *section, 0, 2, official(1));
  const auto p = stepOnce(plain0, {0, 0});
  EXPECT_EQ(stepOnce(plain1, {0, 0}), p);
  EXPECT_NE(p, a);
  // And the default sampling (eval mode, float32 state) differs from the official one.
  auto defaults = official(0);
  defaults.official = false;
  MorphologyTileDenoiser standard(model, *section, 0, 2, defaults);
  EXPECT_NE(stepOnce(standard, {0, 0}), a);
}

}  // namespace
}  // namespace teramind
