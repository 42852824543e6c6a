#include "model/network/GeneConditionedAttention.h"

#include "model/network/FlopCounter.h"

namespace teramind::network {

GeneConditionedAttentionImpl::GeneConditionedAttentionImpl(int64_t channels, int64_t geneChannels,
                                                           int64_t windows)
    : windows_(windows) {
  norm1_ = register_module("norm1", RmsNorm(channels, RmsNormImpl::Axis::Last));
  attn_ = register_module("attn", TokenAttention(channels, /*keyProjection=*/true));
  norm2_ = register_module("norm2", RmsNorm(channels, RmsNormImpl::Axis::Last));
  mlp_ = register_module("mlp", TokenMlp(channels, 4 * channels));
  auto group = register_module("adaLN_modulation", makeGroup());
  modulation_ = group->register_module("1", torch::nn::Linear(geneChannels, 7 * channels));
}

// (N, Z*H*W, C) → (N*w*w, Z*(H/w)*(W/w), C), windows in row-major order.
torch::Tensor GeneConditionedAttentionImpl::toWindows(const torch::Tensor& t, int64_t z, int64_t h,
                                                      int64_t w) const {
  const int64_t n = t.size(0), c = t.size(2), k = windows_;
  return t.reshape({n, z, k, h / k, k, w / k, c})
      .permute({0, 2, 4, 1, 3, 5, 6})
      .reshape({n * k * k, z * (h / k) * (w / k), c});
}

torch::Tensor GeneConditionedAttentionImpl::fromWindows(const torch::Tensor& t, int64_t n,
                                                        int64_t z, int64_t h, int64_t w) const {
  const int64_t c = t.size(2), k = windows_;
  return t.reshape({n, k, k, z, h / k, w / k, c})
      .permute({0, 3, 1, 4, 2, 5, 6})
      .reshape({n, z * h * w, c});
}

torch::Tensor GeneConditionedAttentionImpl::forward(const torch::Tensor& x,
                                                    const torch::Tensor& genes) {
  const int64_t n = x.size(0), c = x.size(1), z = x.size(2), h = x.size(3), w = x.size(4);
  auto tokens = x.flatten(2).transpose(1, 2);    // (N, ZHW, C)
  auto cond = genes.flatten(2).transpose(1, 2);  // (N, ZHW, Cg)
  auto mod = counted(modulation_, torch::silu(cond)).chunk(7, -1);
  const auto &shiftMsa = mod[0], &scaleMsa = mod[1], &gateMsa = mod[2], &source = mod[3],
             &shiftMlp = mod[4], &scaleMlp = mod[5], &gateMlp = mod[6];

  auto modulated = norm1_->forward(tokens) * (scaleMsa + 1) + shiftMsa;
  auto projected = attn_->project(modulated, source);
  projected.q = toWindows(projected.q, z, h, w);
  projected.k = toWindows(projected.k, z, h, w);
  projected.v = toWindows(projected.v, z, h, w);
  auto attended = fromWindows(attn_->attend(projected), n, z, h, w);
  tokens = tokens + gateMsa * attn_->output(attended);
  tokens = tokens + gateMlp * mlp_->forward(norm2_->forward(tokens) * (scaleMlp + 1) + shiftMlp);
  return tokens.transpose(1, 2).reshape({n, c, z, h, w});
}

}  // namespace teramind::network
