#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/network/GeneMorphUNet.h is private to teramind_model (LibTorch)"
#endif

#include <vector>

#include <torch/torch.h>

#include "model/ModelConfig.h"
#include "model/network/GeneConditionedAttention.h"
#include "model/network/GeneGeneAttention.h"
#include "model/network/ResBlock.h"

namespace teramind::network {

// One step of the encoder or decoder: the official TimestepEmbedSequential holding a stem
// conv, or a ResBlock optionally followed by attention and/or an up-sampling ResBlock.
struct UNetStep {
  torch::nn::Conv3d stem{nullptr};
  ResBlock res{nullptr};
  GeneConditionedAttention attention{nullptr};
  ResBlock upsample{nullptr};
};

// The gm-UNet with the 3D gene-gene block (CTPLab/Tera-MIND `unet_ours`), on patches laid out
// as B images × p1 × p2 patch grids. The encoder runs on the patches; the decoder runs on the
// original grid and/or on the half-patch-shifted collage of (p1-1) × (p2-1) patches built from
// encoder features, skips and gene features.
class GeneMorphUNetImpl : public torch::nn::Module {
 public:
  explicit GeneMorphUNetImpl(const ModelConfig& config);

  struct Output {
    torch::Tensor collage;   // (B*(p1-1)*(p2-1), S, Z, P, P) predicted noise, if requested
    torch::Tensor original;  // (B*p1*p2, S, Z, P, P), if requested
  };
  struct Passes {
    bool collage = true;
    bool original = false;
  };

  // x: (B*p1*p2, stains, outputSections, P, P); t: (B) timesteps; genes: (B*p1*p2, genes,
  // geneSections, bins, bins) raw counts. `geneAttention`, when not null, receives the
  // gene-gene attention (B*p1*p2, genes, genes).
  Output forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& genes,
                 int64_t p1, int64_t p2, Passes passes, torch::Tensor* geneAttention = nullptr);

  // Gene features deep → shallow: [genes@P/2^(L-1), pyramid[0]@…, …, pyramid.back()@P].
  std::vector<torch::Tensor> geneFeatures(const torch::Tensor& genes,
                                          torch::Tensor* geneAttention = nullptr);

  const ModelConfig& config() const { return config_; }

 private:
  struct Encoded {
    torch::Tensor h;
    std::vector<std::vector<torch::Tensor>> skips;  // per level, in push order
  };
  Encoded encode(const torch::Tensor& x, const torch::Tensor& emb,
                 const std::vector<torch::Tensor>& genes);
  torch::Tensor decode(torch::Tensor h, std::vector<std::vector<torch::Tensor>> skips,
                       const std::vector<torch::Tensor>& genes, const torch::Tensor& emb);
  torch::Tensor embedTime(const torch::Tensor& t, int64_t repeat);

  ModelConfig config_;
  torch::nn::Linear timeIn_{nullptr}, timeOut_{nullptr};
  GeneGeneAttention geneGene_{nullptr};
  std::vector<torch::nn::Conv3d> genePyramid_;
  std::vector<std::vector<UNetStep>> encoderLevels_;  // [level][step]
  UNetStep middleIn_, middleOut_;
  std::vector<std::vector<UNetStep>> decoderLevels_;  // [deep → shallow][step]
  RmsNorm outNorm_{nullptr};
  torch::nn::Conv3d outConv_{nullptr};
};
TORCH_MODULE(GeneMorphUNet);

// Sinusoidal timestep embedding [cos | sin], as in the official code.
torch::Tensor timestepEmbedding(const torch::Tensor& t, int64_t dim);

// (B*p1*p2, C, Z, h, w) patches → (B*(p1-1)*(p2-1), C, Z, h, w) patches shifted by half a patch.
torch::Tensor toCollage(const torch::Tensor& patches, int64_t p1, int64_t p2);

}  // namespace teramind::network
