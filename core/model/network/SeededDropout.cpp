#include "model/network/SeededDropout.h"

#include <stdexcept>

namespace teramind::network {
namespace {

thread_local SeededDropoutScope* activeScope = nullptr;

}  // namespace

SeededDropoutScope::SeededDropoutScope(std::vector<at::Generator> generators)
    : generators_(std::move(generators)), previous_(activeScope) {
  if (generators_.empty()) throw std::invalid_argument("seeded dropout needs a generator");
  activeScope = this;
}

SeededDropoutScope::~SeededDropoutScope() {
  activeScope = previous_;
}

SeededDropoutScope* SeededDropoutScope::current() {
  return activeScope;
}

torch::Tensor SeededDropoutScope::apply(const torch::Tensor& x, double p) {
  if (p <= 0) return x;
  const auto parts = std::int64_t(generators_.size());
  TORCH_CHECK(x.size(0) % parts == 0, "seeded dropout: a batch of ", x.size(0),
              " does not split into ", parts, " images");
  auto shape = x.sizes().vec();
  shape[0] /= parts;
  std::vector<torch::Tensor> masks;
  for (auto& generator : generators_)
    masks.push_back(torch::empty(shape, torch::kFloat32).bernoulli_(1.0 - p, generator));
  const auto mask = (torch::cat(masks) / (1.0 - p)).to(x.device(), x.scalar_type());
  return x * mask;
}

}  // namespace teramind::network
