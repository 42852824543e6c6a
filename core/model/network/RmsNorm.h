#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/network/RmsNorm.h is private to teramind_model (LibTorch)"
#endif

#include <torch/torch.h>

namespace teramind::network {

// Root-mean-square normalisation (LLaMA style), computed in float32. Over the last axis
// (weight shape {C}) for tokens, or over channels (weight shape {1, C, 1, 1}, as the official
// checkpoints store it) for feature maps.
class RmsNormImpl : public torch::nn::Module {
 public:
  enum class Axis { Last, Channels };
  RmsNormImpl(int64_t channels, Axis axis);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  Axis axis_;
  torch::Tensor weight_;
};
TORCH_MODULE(RmsNorm);

// An empty module that only groups children under a name, so parameter names follow the
// official state dict ("in_layers.2.weight").
std::shared_ptr<torch::nn::Module> makeGroup();

}  // namespace teramind::network
