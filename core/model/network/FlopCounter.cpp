#include "model/network/FlopCounter.h"

namespace teramind::network {

namespace {
thread_local FlopCounter* active = nullptr;
}

FlopCounter::FlopCounter() : previous_(active) {
  active = this;
}
FlopCounter::~FlopCounter() {
  active = previous_;
}

torch::Tensor counted(torch::nn::Conv3d conv, const torch::Tensor& x) {
  auto out = conv->forward(x);
  if (active) {
    const auto& w = conv->weight;  // (out, in/groups, kz, ky, kx)
    active->flops_ +=
        2.0 * double(out.numel()) * double(w.size(1) * w.size(2) * w.size(3) * w.size(4));
  }
  return out;
}

torch::Tensor counted(torch::nn::Linear linear, const torch::Tensor& x) {
  auto out = linear->forward(x);
  if (active) active->flops_ += 2.0 * double(out.numel()) * double(linear->weight.size(1));
  return out;
}

}  // namespace teramind::network
