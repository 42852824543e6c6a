// The blended patch decoders: a partition of unity that hides both grids' patch borders.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "model/PatchTensors.h"

namespace teramind {
namespace {

constexpr int64_t kPatch = 32, kRows = 3, kCols = 4;

// Mean squared difference of horizontally adjacent pixels across x = border + k·P.
double jumpEnergy(const torch::Tensor& image, int64_t border) {
  const auto w = image.size(-1);
  double sum = 0;
  int n = 0;
  for (int64_t x = border; x < w; x += kPatch) {
    if (x == 0) continue;
    sum += (image.select(-1, x) - image.select(-1, x - 1)).pow(2).mean().item<double>();
    ++n;
  }
  return sum / n;
}

TEST(PatchBlend, AgreeingDecodersPassThrough) {
  // One smooth field seen by both grids: the blend must give it back (the weights sum to 1).
  const auto padded = torch::rand({2, 2, (kRows + 1) * kPatch, (kCols + 1) * kPatch});
  const auto core = padded.slice(2, kPatch / 2, kPatch / 2 + kRows * kPatch)
                        .slice(3, kPatch / 2, kPatch / 2 + kCols * kPatch)
                        .contiguous();
  const auto blended =
      blendDecoders(toPatches(core, kPatch), toPatches(padded, kPatch), kRows, kCols);
  ASSERT_EQ(blended.sizes(), core.sizes());
  EXPECT_LT((blended - core).abs().max().item<float>(), 1e-6f);
}

TEST(PatchBlend, NeitherGridsBordersShow) {
  // Each decoder predicts an unrelated constant per patch: alone, each shows its grid's
  // borders; blended, the jumps across both grids' borders almost vanish.
  torch::manual_seed(3);
  const auto collage = torch::randn({kRows * kCols, 1, 1, 1, 1}).expand({-1, 1, 1, kPatch, kPatch});
  const auto original =
      torch::randn({(kRows + 1) * (kCols + 1), 1, 1, 1, 1}).expand({-1, 1, 1, kPatch, kPatch});
  const auto blended = blendDecoders(collage, original, kRows, kCols);
  const double collageJump = jumpEnergy(fromPatches(collage, kRows, kCols), 0);
  ASSERT_GT(collageJump, 0.5);
  // Across the collage's borders (x = k·P) and the original grid's (x = P/2 + k·P).
  EXPECT_LT(jumpEnergy(blended, 0), 0.05 * collageJump);
  EXPECT_LT(jumpEnergy(blended, kPatch / 2), 0.05 * collageJump);
  // The same along y: transpose and measure again.
  const auto transposed = blended.transpose(2, 3);
  EXPECT_LT(jumpEnergy(transposed, 0), 0.05 * collageJump);
  EXPECT_LT(jumpEnergy(transposed, kPatch / 2), 0.05 * collageJump);
  // At a collage patch's centre (a corner of the original grid's patches) the collage rules.
  const int64_t c = kPatch / 2;
  EXPECT_NEAR(blended[0][0][c][c].item<float>(), collage[0][0][0][c][c].item<float>(), 1e-3);
}

}  // namespace
}  // namespace teramind
