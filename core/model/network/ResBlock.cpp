#include "model/network/ResBlock.h"

#include "model/network/FlopCounter.h"
#include "model/network/SeededDropout.h"

namespace teramind::network {

namespace F = torch::nn::functional;

torch::Tensor upsampleInPlane(const torch::Tensor& x) {
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .size(std::vector<int64_t>{x.size(2), x.size(3) * 2, x.size(4) * 2})
                               .mode(torch::kNearest));
}

ResBlockImpl::ResBlockImpl(int64_t channels, int64_t outChannels, int64_t embedChannels,
                           double dropout, Resample resample)
    : resample_(resample) {
  auto conv3 = [](int64_t in, int64_t out) {
    return torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, 3).padding(1));
  };
  auto in = register_module("in_layers", makeGroup());
  inNorm_ = in->register_module("0", RmsNorm(channels, RmsNormImpl::Axis::Channels));
  inConv_ = in->register_module("2", conv3(channels, outChannels));

  auto emb = register_module("emb_layers", makeGroup());
  embLinear_ = emb->register_module("1", torch::nn::Linear(embedChannels, 2 * outChannels));

  auto out = register_module("out_layers", makeGroup());
  outNorm_ = out->register_module("0", RmsNorm(outChannels, RmsNormImpl::Axis::Channels));
  dropout_ = out->register_module("2", torch::nn::Dropout(dropout));
  outConv_ = out->register_module("3", conv3(outChannels, outChannels));
  {
    torch::NoGradGuard noGrad;
    for (auto& p : outConv_->parameters()) p.zero_();
  }
  if (outChannels != channels)
    skip_ = register_module("skip_connection",
                            torch::nn::Conv3d(torch::nn::Conv3dOptions(channels, outChannels, 1)));
}

torch::Tensor ResBlockImpl::resample(const torch::Tensor& x) const {
  switch (resample_) {
    case Resample::Up:
      return upsampleInPlane(x);
    case Resample::Down:
      return torch::avg_pool3d(x, {1, 2, 2}, {1, 2, 2});
    case Resample::None:
      break;
  }
  return x;
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& emb) {
  auto h = counted(inConv_, resample(torch::silu(inNorm_->forward(x))));
  auto scaleShift = counted(embLinear_, torch::silu(emb)).to(h.scalar_type());
  auto chunks = scaleShift.view({scaleShift.size(0), scaleShift.size(1), 1, 1, 1}).chunk(2, 1);
  h = outNorm_->forward(h) * (1 + chunks[0]) + chunks[1];
  h = torch::silu(h);
  // Official-compatible sampling keeps dropout on, with per-image generators.
  if (auto* seeded = SeededDropoutScope::current())
    h = seeded->apply(h, dropout_->options.p());
  else
    h = dropout_->forward(h);
  h = counted(outConv_, h);
  auto skip = resample(x);
  if (skip_) skip = counted(skip_, skip);
  return skip + h;
}

}  // namespace teramind::network
