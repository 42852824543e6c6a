#include "model/network/GeneMorphUNet.h"

#include "model/network/FlopCounter.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace teramind::network {

torch::Tensor timestepEmbedding(const torch::Tensor& t, int64_t dim) {
  const int64_t half = dim / 2;
  auto freqs = torch::exp(-std::log(10000.0) *
                          torch::arange(0, half, torch::TensorOptions(torch::kFloat32)) /
                          static_cast<double>(half))
                   .to(t.device());
  auto args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
  auto emb = torch::cat({torch::cos(args), torch::sin(args)}, -1);
  if (dim % 2) emb = torch::cat({emb, torch::zeros_like(emb.narrow(1, 0, 1))}, -1);
  return emb;
}

torch::Tensor toCollage(const torch::Tensor& patches, int64_t p1, int64_t p2) {
  const int64_t c = patches.size(1), z = patches.size(2), h = patches.size(3), w = patches.size(4);
  const int64_t b = patches.size(0) / (p1 * p2);
  auto image = patches.reshape({b, p1, p2, c, z, h, w})
                   .permute({0, 3, 4, 1, 5, 2, 6})
                   .reshape({b, c, z, p1 * h, p2 * w});
  auto shifted = image.narrow(3, h / 2, (p1 - 1) * h).narrow(4, w / 2, (p2 - 1) * w);
  return shifted.reshape({b, c, z, p1 - 1, h, p2 - 1, w})
      .permute({0, 3, 5, 1, 2, 4, 6})
      .reshape({b * (p1 - 1) * (p2 - 1), c, z, h, w});
}

namespace {

using Resample = ResBlockImpl::Resample;

bool hasAttention(const ModelConfig& c, int resolution) {
  return std::find(c.attentionResolutions.begin(), c.attentionResolutions.end(), resolution) !=
         c.attentionResolutions.end();
}

}  // namespace

GeneMorphUNetImpl::GeneMorphUNetImpl(const ModelConfig& config) : config_(config) {
  config_.validate();
  const auto& c = config_;
  const int64_t L = c.levels(), mc = c.modelChannels, emb = c.embedChannels;
  const double drop = c.dropout;

  auto timeGroup = register_module("time_embed", makeGroup());
  auto timeSeq = timeGroup->register_module("time_embed", makeGroup());
  timeIn_ = timeSeq->register_module("0", torch::nn::Linear(mc, emb));
  timeOut_ = timeSeq->register_module("2", torch::nn::Linear(emb, emb));

  // Gene pyramid: channels deep → shallow.
  std::vector<int64_t> geneCh{c.genes};
  for (int p : c.genePyramidChannels) geneCh.push_back(p);
  auto rna = register_module("rna_blocks", makeGroup());
  geneGene_ = rna->register_module("0", makeGroup())
                  ->register_module("0", GeneGeneAttention(c.genes, c.geneSections,
                                                           c.geneBinsPerPatch, c.outputSections));
  for (int64_t r = 1; r < L; ++r)
    genePyramid_.push_back(
        rna->register_module(std::to_string(r), makeGroup())
            ->register_module(
                "1", torch::nn::Conv3d(torch::nn::Conv3dOptions(geneCh[r - 1], geneCh[r], {1, 3, 3})
                                           .padding({0, 1, 1}))));
  auto geneChAtLevel = [&](int64_t level) { return geneCh[L - 1 - level]; };

  // Encoder.
  auto inputs = register_module("input_blocks", makeGroup());
  int64_t index = 0;
  auto nextGroup = [](const std::shared_ptr<torch::nn::Module>& parent, int64_t& i) {
    return parent->register_module(std::to_string(i++), makeGroup());
  };
  std::vector<std::vector<int64_t>> skipCh(L);
  int64_t ch = c.channelMult[0] * mc;
  encoderLevels_.resize(L);
  {
    UNetStep stem;
    stem.stem =
        nextGroup(inputs, index)
            ->register_module(
                "0", torch::nn::Conv3d(
                         torch::nn::Conv3dOptions(c.stains, ch, {1, 3, 3}).padding({0, 1, 1})));
    encoderLevels_[0].push_back(stem);
    skipCh[0].push_back(ch);
  }
  for (int64_t level = 0; level < L; ++level) {
    const int resolution = c.patchSize >> level;
    const int64_t out = c.channelMult[level] * mc;
    for (int i = 0; i < c.resBlocksPerLevel; ++i) {
      auto group = nextGroup(inputs, index);
      UNetStep step;
      step.res = group->register_module("0", ResBlock(ch + geneChAtLevel(level), out, emb, drop));
      ch = out;
      if (hasAttention(c, resolution))
        step.attention = group->register_module(
            "1", GeneConditionedAttention(ch, geneChAtLevel(level), c.attentionWindows));
      encoderLevels_[level].push_back(step);
      skipCh[level].push_back(ch);
    }
    if (level != L - 1) {
      UNetStep down;
      down.res = nextGroup(inputs, index)
                     ->register_module("0", ResBlock(ch, ch, emb, drop, Resample::Down));
      encoderLevels_[level + 1].push_back(down);
      skipCh[level + 1].push_back(ch);
    }
  }

  // Middle.
  auto middle = register_module("middle_block", makeGroup());
  middleIn_.res = middle->register_module("0", ResBlock(ch + geneCh[0], ch, emb, drop));
  middleIn_.attention =
      middle->register_module("1", GeneConditionedAttention(ch, geneCh[0], c.attentionWindows));
  middleOut_.res = middle->register_module("2", ResBlock(ch, ch, emb, drop));

  // Decoder.
  auto outputs = register_module("output_blocks", makeGroup());
  index = 0;
  for (int64_t level = L - 1; level >= 0; --level) {
    const int resolution = c.patchSize >> level;
    const int64_t out = c.channelMult[level] * mc;
    std::vector<UNetStep> steps;
    for (int i = 0; i <= c.resBlocksPerLevel; ++i) {
      const int64_t skip = skipCh[level].empty() ? 0 : skipCh[level].back();
      if (!skipCh[level].empty()) skipCh[level].pop_back();
      auto group = nextGroup(outputs, index);
      UNetStep step;
      int64_t slot = 0;
      step.res = group->register_module(std::to_string(slot++),
                                        ResBlock(ch + skip + geneChAtLevel(level), out, emb, drop));
      ch = out;
      if (hasAttention(c, resolution))
        step.attention = group->register_module(
            std::to_string(slot++),
            GeneConditionedAttention(ch, geneChAtLevel(level), c.attentionWindows));
      if (level > 0 && i == c.resBlocksPerLevel)
        step.upsample = group->register_module(std::to_string(slot++),
                                               ResBlock(ch, ch, emb, drop, Resample::Up));
      steps.push_back(step);
    }
    decoderLevels_.push_back(steps);
  }

  auto outGroup = register_module("out", makeGroup());
  outNorm_ = outGroup->register_module("0", RmsNorm(ch, RmsNormImpl::Axis::Channels));
  outConv_ = outGroup->register_module(
      "2",
      torch::nn::Conv3d(
          torch::nn::Conv3dOptions(c.channelMult[0] * mc, c.stains, {1, 3, 3}).padding({0, 1, 1})));
}

torch::Tensor GeneMorphUNetImpl::embedTime(const torch::Tensor& t, int64_t repeat) {
  auto e = timestepEmbedding(t.repeat_interleave(repeat), config_.modelChannels);
  return counted(timeOut_, torch::silu(counted(timeIn_, e)));
}

std::vector<torch::Tensor> GeneMorphUNetImpl::geneFeatures(const torch::Tensor& genes,
                                                           torch::Tensor* geneAttention) {
  std::vector<torch::Tensor> features;
  features.push_back(upsampleInPlane(geneGene_->forward(genes, geneAttention)));
  for (auto& conv : genePyramid_)
    features.push_back(upsampleInPlane(counted(conv, torch::silu(features.back()))));
  return features;
}

GeneMorphUNetImpl::Encoded GeneMorphUNetImpl::encode(const torch::Tensor& x,
                                                     const torch::Tensor& emb,
                                                     const std::vector<torch::Tensor>& genes) {
  const int64_t L = config_.levels();
  Encoded e;
  e.skips.resize(L);
  auto h = x;
  for (int64_t level = 0; level < L; ++level) {
    const auto& g = genes[L - 1 - level];
    for (size_t j = 0; j < encoderLevels_[level].size(); ++j) {
      auto& step = encoderLevels_[level][j];
      if (step.stem) {
        h = counted(step.stem, h);
      } else if (j == 0) {  // the down-sampling ResBlock opening a level takes no genes
        h = step.res->forward(h, emb);
      } else {
        h = step.res->forward(torch::cat({h, g}, 1), emb);
        if (step.attention) h = step.attention->forward(h, g);
      }
      e.skips[level].push_back(h);
    }
  }
  h = middleIn_.res->forward(torch::cat({h, genes[0]}, 1), emb);
  h = middleIn_.attention->forward(h, genes[0]);
  e.h = middleOut_.res->forward(h, emb);
  return e;
}

torch::Tensor GeneMorphUNetImpl::decode(torch::Tensor h,
                                        std::vector<std::vector<torch::Tensor>> skips,
                                        const std::vector<torch::Tensor>& genes,
                                        const torch::Tensor& emb) {
  const int64_t L = config_.levels();
  for (int64_t d = 0; d < L; ++d) {
    const auto& g = genes[d];
    auto& levelSkips = skips[L - 1 - d];
    for (auto& step : decoderLevels_[d]) {
      std::vector<torch::Tensor> parts{h};
      if (!levelSkips.empty()) {
        parts.push_back(levelSkips.back());
        levelSkips.pop_back();
      }
      parts.push_back(g);
      h = step.res->forward(torch::cat(parts, 1), emb);
      if (step.attention) h = step.attention->forward(h, g);
      if (step.upsample) h = step.upsample->forward(h, emb);
    }
  }
  return counted(outConv_, torch::silu(outNorm_->forward(h)));
}

GeneMorphUNetImpl::Output GeneMorphUNetImpl::forward(const torch::Tensor& x, const torch::Tensor& t,
                                                     const torch::Tensor& genes, int64_t p1,
                                                     int64_t p2, Passes passes,
                                                     torch::Tensor* geneAttention) {
  TORCH_CHECK(x.dim() == 5 && x.size(0) == t.size(0) * p1 * p2,
              "x must be (B*p1*p2, stains, sections, P, P)");
  TORCH_CHECK(genes.dim() == 5 && genes.size(0) == x.size(0) && genes.size(1) == config_.genes,
              "genes must be (B*p1*p2, genes, sections, bins, bins)");
  auto geneMaps = geneFeatures(genes, geneAttention);
  auto encoded = encode(x, embedTime(t, p1 * p2), geneMaps);
  Output out;
  if (passes.collage) {
    TORCH_CHECK(p1 >= 2 && p2 >= 2, "the collage needs at least 2 × 2 patches");
    std::vector<torch::Tensor> genesShifted;
    for (const auto& g : geneMaps) genesShifted.push_back(toCollage(g, p1, p2));
    std::vector<std::vector<torch::Tensor>> skipsShifted;
    for (const auto& level : encoded.skips) {
      skipsShifted.emplace_back();
      for (const auto& s : level) skipsShifted.back().push_back(toCollage(s, p1, p2));
    }
    out.collage = decode(toCollage(encoded.h, p1, p2), std::move(skipsShifted), genesShifted,
                         embedTime(t, (p1 - 1) * (p2 - 1)));
  }
  if (passes.original)
    out.original = decode(encoded.h, encoded.skips, geneMaps, embedTime(t, p1 * p2));
  return out;
}

}  // namespace teramind::network
