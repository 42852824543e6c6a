#include "model/network/GeneGeneAttention.h"

#include "model/network/FlopCounter.h"

namespace teramind::network {

GeneGeneAttentionImpl::GeneGeneAttentionImpl(int64_t genes, int64_t geneSections, int64_t geneBins,
                                             int64_t outputSections) {
  const int64_t dim = geneSections * geneBins * geneBins;
  attn_ = register_module("attn", TokenAttention(dim, /*keyProjection=*/false));
  norm2_ = register_module("norm2", RmsNorm(dim, RmsNormImpl::Axis::Last));
  mlp_ = register_module("mlp", TokenMlp(dim, 4 * dim));
  downZ_ = register_module(
      "down_z", torch::nn::Conv3d(torch::nn::Conv3dOptions(
                                      genes, genes, {geneSections - outputSections + 1, 3, 3})
                                      .padding({0, 1, 1})));
}

torch::Tensor GeneGeneAttentionImpl::forward(const torch::Tensor& genes, torch::Tensor* weights) {
  const auto shape = genes.sizes().vec();
  auto tokens = genes.reshape({shape[0], shape[1], -1});
  auto h = attn_->forward(tokens, {}, weights);
  h = mlp_->forward(norm2_->forward(h));
  return counted(downZ_, h.reshape(shape));
}

}  // namespace teramind::network
