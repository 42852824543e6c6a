#include "model/network/RmsNorm.h"

namespace teramind::network {

RmsNormImpl::RmsNormImpl(int64_t channels, Axis axis) : axis_(axis) {
  weight_ = register_parameter(
      "weight", axis == Axis::Last ? torch::ones({channels}) : torch::ones({1, channels, 1, 1}));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x) {
  const auto inputType = x.scalar_type();
  const int64_t dim = axis_ == Axis::Last ? -1 : 1;
  auto h = x.to(torch::kFloat32);
  h = h * torch::rsqrt(h.pow(2).mean(dim, /*keepdim=*/true) + 1e-6);
  auto w = weight_;
  if (axis_ == Axis::Channels && x.dim() == 5) w = w.unsqueeze(-1);
  return w * h.to(inputType);
}

std::shared_ptr<torch::nn::Module> makeGroup() {
  return std::make_shared<torch::nn::Module>();
}

}  // namespace teramind::network
