// The gm-UNet port: official parameter counts and tensor names, shapes through every block,
// gradients, and a tiny model overfitting one batch.
#include <gtest/gtest.h>

#include <map>

#include "ModelTestSupport.h"
#include "model/MorphologyModel.h"
#include "model/PatchTensors.h"
#include "model/network/GeneMorphUNet.h"

namespace teramind {
namespace {

std::map<std::string, std::vector<int64_t>> shapes(const network::GeneMorphUNet& net) {
  std::map<std::string, std::vector<int64_t>> out;
  for (auto& p : net->named_parameters()) out[p.key()] = p.value().sizes().vec();
  return out;
}

int64_t count(const network::GeneMorphUNet& net) {
  int64_t n = 0;
  for (auto& p : net->parameters()) n += p.numel();
  return n;
}

TEST(ModelNetwork, OfficialConfigurationsHaveTheOfficialParameterCounts) {
  EXPECT_EQ(count(network::GeneMorphUNet(namedModelConfig("official-229"))), 213789608);
  EXPECT_EQ(count(network::GeneMorphUNet(namedModelConfig("official-500"))), 243719390);
}

// Tensor names and shapes of the official state dict (model/unet_ours.py, MBAblocks.py),
// derived by hand from the official constructors at the places each rule shows.
TEST(ModelNetwork, OfficialTensorNamesAndShapes) {
  for (int genes : {229, 500}) {
    const auto s = shapes(
        network::GeneMorphUNet(namedModelConfig(genes == 229 ? "official-229" : "official-500")));
    const int64_t g = genes;
    const std::map<std::string, std::vector<int64_t>> expected{
        {"time_embed.time_embed.0.weight", {512, 64}},
        {"time_embed.time_embed.2.weight", {512, 512}},
        {"rna_blocks.0.0.attn.q.weight", {64, 64}},
        {"rna_blocks.0.0.attn.q_norm.weight", {64}},
        {"rna_blocks.0.0.attn.v.bias", {64}},
        {"rna_blocks.0.0.attn.proj.weight", {64, 64}},
        {"rna_blocks.0.0.norm2.weight", {64}},
        {"rna_blocks.0.0.mlp.fc1.weight", {256, 64}},
        {"rna_blocks.0.0.mlp.fc2.weight", {64, 256}},
        {"rna_blocks.0.0.down_z.weight", {g, g, 3, 3, 3}},
        {"rna_blocks.1.1.weight", {128, g, 1, 3, 3}},
        {"rna_blocks.2.1.weight", {64, 128, 1, 3, 3}},
        {"rna_blocks.3.1.weight", {32, 64, 1, 3, 3}},
        {"input_blocks.0.0.weight", {64, 2, 1, 3, 3}},
        {"input_blocks.1.0.in_layers.0.weight", {1, 96, 1, 1}},
        {"input_blocks.1.0.in_layers.2.weight", {64, 96, 3, 3, 3}},
        {"input_blocks.1.0.emb_layers.1.weight", {128, 512}},
        {"input_blocks.1.0.out_layers.0.weight", {1, 64, 1, 1}},
        {"input_blocks.1.0.out_layers.3.weight", {64, 64, 3, 3, 3}},
        {"input_blocks.1.0.skip_connection.weight", {64, 96, 1, 1, 1}},
        {"input_blocks.3.0.in_layers.2.weight", {64, 64, 3, 3, 3}},  // down-sampling block
        {"input_blocks.7.1.adaLN_modulation.1.weight", {7 * 256, 128}},
        {"input_blocks.7.1.attn.k_norm.weight", {256}},
        {"input_blocks.7.1.norm1.weight", {256}},
        {"input_blocks.10.0.in_layers.2.weight", {512, 256 + g, 3, 3, 3}},
        {"input_blocks.11.0.in_layers.2.weight", {512, 512 + g, 3, 3, 3}},
        {"middle_block.0.in_layers.2.weight", {512, 512 + g, 3, 3, 3}},
        {"middle_block.1.adaLN_modulation.1.weight", {7 * 512, g}},
        {"middle_block.1.mlp.fc1.weight", {2048, 512}},
        {"middle_block.2.out_layers.3.weight", {512, 512, 3, 3, 3}},
        {"output_blocks.0.0.in_layers.2.weight", {512, 1024 + g, 3, 3, 3}},
        {"output_blocks.2.0.in_layers.2.weight", {512, 512 + 256 + g, 3, 3, 3}},
        {"output_blocks.2.1.in_layers.2.weight", {512, 512, 3, 3, 3}},  // up-sampling block
        {"output_blocks.3.1.adaLN_modulation.1.weight", {7 * 256, 128}},
        {"output_blocks.5.2.in_layers.2.weight", {256, 256, 3, 3, 3}},
        {"output_blocks.11.0.in_layers.2.weight", {64, 64 + 64 + 32, 3, 3, 3}},
        {"out.0.weight", {1, 64, 1, 1}},
        {"out.2.weight", {2, 64, 1, 3, 3}},
    };
    for (const auto& [name, shape] : expected) {
      auto it = s.find(name);
      ASSERT_NE(it, s.end()) << name;
      EXPECT_EQ(it->second, shape) << name;
    }
    // The gene-gene block shares q with k and has no norm1 or adaLN (gene_trans=False).
    EXPECT_EQ(s.count("rna_blocks.0.0.attn.k.weight"), 0u);
    EXPECT_EQ(s.count("rna_blocks.0.0.norm1.weight"), 0u);
    EXPECT_EQ(s.count("output_blocks.12.0.in_layers.0.weight"), 0u);
    EXPECT_EQ(s.count("output_blocks.11.0.in_layers.0.weight"), 1u);
  }
}

TEST(ModelNetwork, ShapesThroughEveryBlock) {
  torch::manual_seed(0);
  auto c = namedModelConfig("tiny");
  network::GeneMorphUNet net(c);
  const int64_t p1 = 3, p2 = 2, P = c.patchSize, gb = c.geneBinsPerPatch;
  auto genes = torch::rand({p1 * p2, c.genes, c.geneSections, gb, gb}) * 4;
  torch::Tensor attention;
  auto features = net->geneFeatures(genes, &attention);
  ASSERT_EQ(features.size(), 4u);
  const std::vector<int64_t> channels{c.genes, 8, 4, 4};
  for (int d = 0; d < 4; ++d) {
    const int64_t size = (P >> 3) << d;
    EXPECT_EQ(features[d].sizes().vec(),
              (std::vector<int64_t>{p1 * p2, channels[d], 2, size, size}))
        << d;
  }
  EXPECT_EQ(attention.sizes().vec(), (std::vector<int64_t>{p1 * p2, c.genes, c.genes}));
  EXPECT_TRUE(torch::allclose(attention.sum(-1), torch::ones({p1 * p2, c.genes}), 1e-5, 1e-5));
  // Keys are the queries, so the logits are symmetric and the diagonal dominates its row.
  EXPECT_TRUE(torch::all(attention.diagonal(0, 1, 2) >= std::get<0>(attention.max(-1)) - 1e-6)
                  .item<bool>());

  auto x = torch::randn({p1 * p2, c.stains, c.outputSections, P, P});
  auto out = net->forward(x, torch::tensor({500}, torch::kLong), genes, p1, p2, {true, true});
  EXPECT_EQ(out.original.sizes().vec(), x.sizes().vec());
  EXPECT_EQ(out.collage.sizes().vec(),
            (std::vector<int64_t>{(p1 - 1) * (p2 - 1), c.stains, c.outputSections, P, P}));

  network::GeneConditionedAttention block(16, 8, 2);
  auto h = torch::randn({2, 16, 2, 8, 8});
  EXPECT_EQ(block->forward(h, torch::randn({2, 8, 2, 8, 8})).sizes(), h.sizes());
  network::ResBlock down(16, 16, 32, 0.0, network::ResBlockImpl::Resample::Down);
  EXPECT_EQ(down->forward(h, torch::randn({2, 32})).sizes().vec(),
            (std::vector<int64_t>{2, 16, 2, 4, 4}));
  network::ResBlock up(16, 8, 32, 0.0, network::ResBlockImpl::Resample::Up);
  EXPECT_EQ(up->forward(h, torch::randn({2, 32})).sizes().vec(),
            (std::vector<int64_t>{2, 8, 2, 16, 16}));
}

TEST(ModelNetwork, CollageIsTheHalfPatchShiftedImage) {
  // Patches of a 2 × 3 grid cut from a ramp image; the collage must equal the image shifted
  // by half a patch, cut again.
  const int64_t P = 4, p1 = 2, p2 = 3;
  auto image = torch::arange(p1 * P * p2 * P, torch::kFloat32).reshape({1, 1, p1 * P, p2 * P});
  auto patches = image.reshape({1, 1, p1, P, p2, P})
                     .permute({2, 4, 0, 1, 3, 5})
                     .reshape({p1 * p2, 1, 1, P, P});
  auto collage = network::toCollage(patches, p1, p2);
  ASSERT_EQ(collage.size(0), (p1 - 1) * (p2 - 1));
  for (int64_t j = 0; j < p2 - 1; ++j) {
    auto expected = image.index({0, 0, torch::indexing::Slice(P / 2, P / 2 + P),
                                 torch::indexing::Slice(j * P + P / 2, j * P + P / 2 + P)});
    EXPECT_TRUE(torch::equal(collage[j][0][0], expected)) << j;
  }
}

TEST(ModelNetwork, GradientsReachEveryParameter) {
  torch::manual_seed(1);
  auto c = namedModelConfig("tiny");
  network::GeneMorphUNet net(c);
  {
    // The zero-initialised output convs block gradients at step 0 (as in the official model);
    // move every weight off zero first.
    torch::NoGradGuard noGrad;
    for (auto& p : net->parameters()) p.add_(torch::randn_like(p) * 0.05);
  }
  const int64_t P = c.patchSize, gb = c.geneBinsPerPatch;
  auto x = torch::randn({4, c.stains, c.outputSections, P, P});
  auto genes = torch::rand({4, c.genes, c.geneSections, gb, gb}) * 3;
  auto out = net->forward(x, torch::tensor({300}, torch::kLong), genes, 2, 2, {true, true});
  (out.original.pow(2).mean() + out.collage.pow(2).mean()).backward();
  for (auto& p : net->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().max().item<float>(), 0.f) << p.key();
  }
}

TEST(ModelNetwork, TinyModelOverfitsOneBatch) {
  // One fixed batch of the diffusion objective: synthetic nuclei x0, fixed t and noise.
  torch::manual_seed(2);
  auto c = namedModelConfig("tiny");
  network::GeneMorphUNet net(c);
  auto section = test::syntheticSection(c, 4, 4);
  auto window = extractWindow(*section, c, 0, 0, 4, 4, 0);
  auto [image, geneImage] = windowTensors(window, c, c.stains);
  auto x0 = toPatches(image, c.patchSize);
  auto genes = toPatches(geneImage, c.geneBinsPerPatch);
  auto t = torch::tensor({400}, torch::kLong);
  auto noise = torch::randn(x0.sizes());
  DiffusionScheduleTensors schedule(c);
  auto xt = schedule.diffuse(x0, t.repeat_interleave(4), noise);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(3e-3));
  double first = 0, last = 0;
  for (int step = 0; step < 250; ++step) {
    auto out = net->forward(xt, t, genes, 2, 2, {true, true});
    auto loss = torch::mse_loss(out.original, noise) +
                torch::mse_loss(out.collage, network::toCollage(noise, 2, 2));
    adam.zero_grad();
    loss.backward();
    adam.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, first / 10) << "first " << first << " last " << last;
}

}  // namespace
}  // namespace teramind
