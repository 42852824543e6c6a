#include "model/PatchTensors.h"

#include <cmath>

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace teramind {

torch::Device modelDevice() {
  return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

DiffusionScheduleTensors::DiffusionScheduleTensors(const ModelConfig& config) : schedule(config) {
  std::vector<double> a, b;
  for (int t = 0; t < schedule.timesteps(); ++t) {
    a.push_back(std::sqrt(schedule.alphaCumprod(t)));
    b.push_back(std::sqrt(1.0 - schedule.alphaCumprod(t)));
  }
  sqrtAlphaCumprod = torch::tensor(a, torch::kFloat64).to(torch::kFloat32);
  sqrtOneMinusAlphaCumprod = torch::tensor(b, torch::kFloat64).to(torch::kFloat32);
}

void DiffusionScheduleTensors::to(const torch::Device& device) {
  sqrtAlphaCumprod = sqrtAlphaCumprod.to(device);
  sqrtOneMinusAlphaCumprod = sqrtOneMinusAlphaCumprod.to(device);
}

torch::Tensor DiffusionScheduleTensors::diffuse(const torch::Tensor& x0, const torch::Tensor& t,
                                                const torch::Tensor& noise) const {
  std::vector<int64_t> shape(static_cast<std::size_t>(x0.dim()), 1);
  shape[0] = x0.size(0);
  return sqrtAlphaCumprod.index_select(0, t).view(shape) * x0 +
         sqrtOneMinusAlphaCumprod.index_select(0, t).view(shape) * noise;
}

std::pair<torch::Tensor, torch::Tensor> windowTensors(const ModelWindow& w,
                                                      const ModelConfig& config, int stains) {
  const int64_t bp = config.binPixels();
  auto x = torch::from_blob(const_cast<float*>(w.stains.data()),
                            {stains, config.outputSections, w.heightBins * bp, w.widthBins * bp},
                            torch::kFloat32)
               .clone();
  auto g =
      torch::from_blob(const_cast<float*>(w.genes.data()),
                       {static_cast<int64_t>(w.genes.size() / (std::size_t(config.geneSections) *
                                                               w.heightBins * w.widthBins)),
                        config.geneSections, w.heightBins, w.widthBins},
                       torch::kFloat32)
          .clone();
  return {x, g};
}

torch::Tensor geneWindowTensor(const PairedSection& section, const ModelConfig& config, int bx0,
                               int by0, int widthBins, int heightBins, int z0) {
  auto genes = extractGeneWindow(section, config, bx0, by0, widthBins, heightBins, z0);
  return torch::from_blob(genes.data(),
                          {static_cast<int64_t>(section.genes.size()), config.geneSections,
                           heightBins, widthBins},
                          torch::kFloat32)
      .clone();
}

torch::Tensor toPatches(const torch::Tensor& image, int64_t patch) {
  const int64_t c = image.size(0), z = image.size(1);
  const int64_t p1 = image.size(2) / patch, p2 = image.size(3) / patch;
  return image.reshape({c, z, p1, patch, p2, patch})
      .permute({2, 4, 0, 1, 3, 5})
      .reshape({p1 * p2, c, z, patch, patch});
}

torch::Tensor fromPatches(const torch::Tensor& patches, int64_t p1, int64_t p2) {
  const int64_t c = patches.size(1), z = patches.size(2), h = patches.size(3), w = patches.size(4);
  return patches.reshape({p1, p2, c, z, h, w})
      .permute({2, 3, 0, 4, 1, 5})
      .reshape({c, z, p1 * h, p2 * w});
}

torch::Tensor blendWeight(int64_t P, int64_t p1, int64_t p2) {
  // sin²(π u) at pixel centres u = (i + ½)/P of a collage patch: 0 on its borders, 1 at its
  // centre, where the original grid's borders lie.
  const auto u = (torch::arange(P, torch::kFloat64) + 0.5) / double(P);
  const auto inCollage = torch::sin(u * M_PI).pow(2);
  const auto y = inCollage.repeat({p1}), x = inCollage.repeat({p2});
  const auto wc = y.unsqueeze(1) * x.unsqueeze(0);
  const auto wo = (1 - y).unsqueeze(1) * (1 - x).unsqueeze(0);
  return wc / (wc + wo);
}

torch::Tensor blendDecoders(const torch::Tensor& collage, const torch::Tensor& original, int64_t p1,
                            int64_t p2) {
  return blendDecoders(
      collage, original,
      blendWeight(collage.size(3), p1, p2).to(collage.scalar_type()).to(collage.device()), p1, p2);
}

torch::Tensor blendDecoders(const torch::Tensor& collage, const torch::Tensor& original,
                            const torch::Tensor& weight, int64_t p1, int64_t p2) {
  const int64_t P = collage.size(3), half = P / 2;
  const auto c = fromPatches(collage, p1, p2);
  const auto o =
      fromPatches(original, p1 + 1, p2 + 1).narrow(2, half, p1 * P).narrow(3, half, p2 * P);
  return o + weight * (c - o);
}

torch::Tensor ddimUpdate(const torch::Tensor& x, const torch::Tensor& eps,
                         const DiffusionSchedule::StepCoefficients& k, at::Generator& generator,
                         torch::Tensor* x0Out) {
  const auto x0 = (k.sqrtRecipAlpha * x - k.sqrtRecipM1Alpha * eps).clamp(-1, 1);
  if (x0Out) *x0Out = x0;
  const auto epsClipped = (k.sqrtRecipAlpha * x - x0) / k.sqrtRecipM1Alpha;
  auto next = x0 * k.sqrtAlphaPrev + k.epsScale * epsClipped;
  if (k.sigma != 0)
    next = next + k.sigma * torch::randn(x.sizes(), generator, torch::kFloat32).to(x.device());
  return next;
}

// LibTorch 2.4 replaced the CUDA-only autocast calls by per-device ones (the old are gone later).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
CudaAutocast::CudaAutocast(bool enabled, at::ScalarType dtype) : enabled_(enabled) {
  if (!enabled_) return;
  at::autocast::set_autocast_dtype(at::kCUDA, dtype);
  at::autocast::set_autocast_enabled(at::kCUDA, true);
}

CudaAutocast::~CudaAutocast() {
  if (!enabled_) return;
  at::autocast::set_autocast_enabled(at::kCUDA, false);
  at::autocast::clear_cache();
}
#else
CudaAutocast::CudaAutocast(bool enabled, at::ScalarType dtype) : enabled_(enabled) {
  if (!enabled_) return;
  at::autocast::set_autocast_gpu_dtype(dtype);
  at::autocast::set_enabled(true);
}

CudaAutocast::~CudaAutocast() {
  if (!enabled_) return;
  at::autocast::set_enabled(false);
  at::autocast::clear_cache();
}
#endif

}  // namespace teramind
