#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/network/TokenAttention.h is private to teramind_model (LibTorch)"
#endif

#include <torch/torch.h>

#include "model/network/RmsNorm.h"

namespace teramind::network {

// The official single-head attention over tokens (N, T, D): RMS-normalised queries and keys,
// logits scaled by 1/D (1/√D applied twice, as the official code does), softmax in float32,
// output projection. Without a key projection the keys are the queries (the gene-gene block).
class TokenAttentionImpl : public torch::nn::Module {
 public:
  TokenAttentionImpl(int64_t dim, bool keyProjection);
  // `source` supplies keys and values (cross-attention); when undefined, `x` does. `weights`,
  // when not null, receives the (N, T, T) attention matrix.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& source,
                        torch::Tensor* weights = nullptr);
  // For windowed use: queries, keys and values are projected before the tokens are regrouped.
  struct Projected {
    torch::Tensor q, k, v;
  };
  Projected project(const torch::Tensor& x, const torch::Tensor& source);
  torch::Tensor attend(const Projected& p, torch::Tensor* weights = nullptr);
  torch::Tensor output(const torch::Tensor& attended);

 private:
  double scale_;
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, proj_{nullptr};
  RmsNorm qNorm_{nullptr}, kNorm_{nullptr};
};
TORCH_MODULE(TokenAttention);

// timm's Mlp: fc1 → tanh-GELU → fc2.
class TokenMlpImpl : public torch::nn::Module {
 public:
  TokenMlpImpl(int64_t dim, int64_t hidden);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
};
TORCH_MODULE(TokenMlp);

}  // namespace teramind::network
