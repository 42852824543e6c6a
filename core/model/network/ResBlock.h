#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/network/ResBlock.h is private to teramind_model (LibTorch)"
#endif

#include <torch/torch.h>

#include "model/network/RmsNorm.h"

namespace teramind::network {

// The official ResBlock on (N, C, Z, H, W) maps: RMSNorm → SiLU → 3×3×3 conv, time
// scale/shift after the second norm, dropout, zero-initialised conv, 1×1×1 skip when the
// channel count changes. Up/down sampling acts on H and W only.
class ResBlockImpl : public torch::nn::Module {
 public:
  enum class Resample { None, Up, Down };
  ResBlockImpl(int64_t channels, int64_t outChannels, int64_t embedChannels, double dropout,
               Resample resample = Resample::None);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb);

 private:
  torch::Tensor resample(const torch::Tensor& x) const;

  Resample resample_;
  RmsNorm inNorm_{nullptr}, outNorm_{nullptr};
  torch::nn::Conv3d inConv_{nullptr}, outConv_{nullptr}, skip_{nullptr};
  torch::nn::Linear embLinear_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(ResBlock);

// Nearest-neighbour 2× in H and W (Z unchanged).
torch::Tensor upsampleInPlane(const torch::Tensor& x);

}  // namespace teramind::network
