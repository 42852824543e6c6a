#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/network/FlopCounter.h is private to teramind_model (LibTorch)"
#endif

#include <cstdint>

#include <torch/torch.h>

namespace teramind::network {

// Counts multiply-add FLOPs (2 per MAC) of convolutions and linear layers from the shapes
// they actually see, while a FlopCounter is alive on this thread. Attention matmuls, norms
// and activations are not counted (≈0.2 % of the model, METHOD.md).
class FlopCounter {
 public:
  FlopCounter();
  ~FlopCounter();
  FlopCounter(const FlopCounter&) = delete;
  FlopCounter& operator=(const FlopCounter&) = delete;
  double flops() const { return flops_; }

 private:
  friend torch::Tensor counted(torch::nn::Conv3d, const torch::Tensor&);
  friend torch::Tensor counted(torch::nn::Linear, const torch::Tensor&);
  double flops_ = 0;
  FlopCounter* previous_;
};

// Runs a layer, counting its FLOPs when a FlopCounter is active.
torch::Tensor counted(torch::nn::Conv3d conv, const torch::Tensor& x);
torch::Tensor counted(torch::nn::Linear linear, const torch::Tensor& x);

}  // namespace teramind::network
