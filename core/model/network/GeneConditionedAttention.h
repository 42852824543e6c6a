#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/network/GeneConditionedAttention.h is private to teramind_model (LibTorch)"
#endif

#include <torch/torch.h>

#include "model/network/TokenAttention.h"

namespace teramind::network {

// The DiT-style block of the UNet: gene features of the matching scale give, per voxel,
// shift/scale/gate for the attention and MLP branches and the tensor the keys and values come
// from (queries from morphology). Attention runs within windows × windows in-plane windows.
class GeneConditionedAttentionImpl : public torch::nn::Module {
 public:
  GeneConditionedAttentionImpl(int64_t channels, int64_t geneChannels, int64_t windows);
  // x: (N, C, Z, H, W); genes: (N, Cg, Z, H, W).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& genes);

 private:
  torch::Tensor toWindows(const torch::Tensor& tokens, int64_t z, int64_t h, int64_t w) const;
  torch::Tensor fromWindows(const torch::Tensor& windows, int64_t n, int64_t z, int64_t h,
                            int64_t w) const;

  int64_t windows_;
  RmsNorm norm1_{nullptr}, norm2_{nullptr};
  TokenAttention attn_{nullptr};
  TokenMlp mlp_{nullptr};
  torch::nn::Linear modulation_{nullptr};
};
TORCH_MODULE(GeneConditionedAttention);

}  // namespace teramind::network
