#include "model/network/TokenAttention.h"

#include "model/network/FlopCounter.h"

#include <cmath>

namespace teramind::network {

TokenAttentionImpl::TokenAttentionImpl(int64_t dim, bool keyProjection)
    : scale_(1.0 / static_cast<double>(dim)) {
  q_ = register_module("q", torch::nn::Linear(dim, dim));
  if (keyProjection) k_ = register_module("k", torch::nn::Linear(dim, dim));
  v_ = register_module("v", torch::nn::Linear(dim, dim));
  qNorm_ = register_module("q_norm", RmsNorm(dim, RmsNormImpl::Axis::Last));
  if (keyProjection) kNorm_ = register_module("k_norm", RmsNorm(dim, RmsNormImpl::Axis::Last));
  proj_ = register_module("proj", torch::nn::Linear(dim, dim));
}

TokenAttentionImpl::Projected TokenAttentionImpl::project(const torch::Tensor& x,
                                                          const torch::Tensor& source) {
  const auto& kv = source.defined() ? source : x;
  Projected p;
  p.q = counted(q_, x);
  p.k = k_ ? counted(k_, kv) : p.q;
  p.v = counted(v_, kv);
  return p;
}

torch::Tensor TokenAttentionImpl::attend(const Projected& p, torch::Tensor* weights) {
  auto q = qNorm_->forward(p.q);
  auto k = kNorm_ ? kNorm_->forward(p.k) : qNorm_->forward(p.k);
  auto logits = torch::matmul(q * scale_, k.transpose(-2, -1)).to(torch::kFloat32);
  auto attention = torch::softmax(logits, -1).to(q.scalar_type());
  if (weights) *weights = attention.detach();
  return torch::matmul(attention, p.v);
}

torch::Tensor TokenAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& source,
                                          torch::Tensor* weights) {
  return output(attend(project(x, source), weights));
}

torch::Tensor TokenAttentionImpl::output(const torch::Tensor& attended) {
  return counted(proj_, attended);
}

TokenMlpImpl::TokenMlpImpl(int64_t dim, int64_t hidden) {
  fc1_ = register_module("fc1", torch::nn::Linear(dim, hidden));
  fc2_ = register_module("fc2", torch::nn::Linear(hidden, dim));
}

torch::Tensor TokenMlpImpl::forward(const torch::Tensor& x) {
  return counted(fc2_, torch::gelu(counted(fc1_, x), "tanh"));
}

}  // namespace teramind::network
