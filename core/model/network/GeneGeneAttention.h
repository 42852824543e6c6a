#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/network/GeneGeneAttention.h is private to teramind_model (LibTorch)"
#endif

#include <torch/torch.h>

#include "model/network/TokenAttention.h"

namespace teramind::network {

// The 3D gene-gene block, the first gene block of the model: each gene is a token whose
// features are its count pattern over sections × bins × bins. Attention between genes (keys
// share the query projection), RMSNorm and MLP without residuals, then a 3D convolution that
// reduces the gene sections to the output sections.
class GeneGeneAttentionImpl : public torch::nn::Module {
 public:
  GeneGeneAttentionImpl(int64_t genes, int64_t geneSections, int64_t geneBins,
                        int64_t outputSections);
  // genes: (N, G, Dz, B, B) → (N, G, outputSections, B, B). `weights` receives (N, G, G).
  torch::Tensor forward(const torch::Tensor& genes, torch::Tensor* weights = nullptr);

 private:
  TokenAttention attn_{nullptr};
  RmsNorm norm2_{nullptr};
  TokenMlp mlp_{nullptr};
  torch::nn::Conv3d downZ_{nullptr};
};
TORCH_MODULE(GeneGeneAttention);

}  // namespace teramind::network
