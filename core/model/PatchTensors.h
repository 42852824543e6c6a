#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/PatchTensors.h is private to teramind_model (LibTorch)"
#endif

// Private to the model library: tensor layouts shared by training and sampling.

#include <torch/torch.h>

#include "model/DiffusionSchedule.h"
#include "model/PairedSection.h"

namespace teramind {

// Where the network runs: the GPU when LibTorch has one, else the CPU (decided at run time).
torch::Device modelDevice();

// ᾱ_t on the device, for q(x_t | x_0).
struct DiffusionScheduleTensors {
  explicit DiffusionScheduleTensors(const ModelConfig& config);
  void to(const torch::Device& device);
  // √ᾱ_t x0 + √(1−ᾱ_t) ε, with t per leading index of x0.
  torch::Tensor diffuse(const torch::Tensor& x0, const torch::Tensor& t,
                        const torch::Tensor& noise) const;

  DiffusionSchedule schedule;
  torch::Tensor sqrtAlphaCumprod, sqrtOneMinusAlphaCumprod;  // float32 [T]
};

// A window as tensors: stains (S, Z, H, W) and genes (G, Dz, hb, wb).
std::pair<torch::Tensor, torch::Tensor> windowTensors(const ModelWindow& window,
                                                      const ModelConfig& config, int stains);

// The genes of a window as a (G, Dz, heightBins, widthBins) tensor, without the stains.
torch::Tensor geneWindowTensor(const PairedSection& section, const ModelConfig& config, int bx0,
                               int by0, int widthBins, int heightBins, int z0);

// (C, Z, p1*P, p2*P) → (p1*p2, C, Z, P, P), patches in row-major (p1, p2) order; and back.
torch::Tensor toPatches(const torch::Tensor& image, int64_t patch);
torch::Tensor fromPatches(const torch::Tensor& patches, int64_t p1, int64_t p2);

// The noise of a core of p1 × p2 patches from the decoders of its (p1+1) × (p2+1) grid padded by
// half a patch: `collage` (p1·p2, S, Z, P, P) lies on the core's patch grid, `original`
// ((p1+1)·(p2+1), S, Z, P, P) on the grid shifted by half a patch. Each is weighted by
// sin²/cos² windows that vanish on its own patch borders (normalised where both are small, at
// the points where the two grids' borders cross), so the result has no patch border. Returns
// (S, Z, p1·P, p2·P).
torch::Tensor blendDecoders(const torch::Tensor& collage, const torch::Tensor& original, int64_t p1,
                            int64_t p2);
// The collage's weight, (p1·P, p2·P) float64 on the CPU, and the blend with it given: made once
// per tile shape, not per tile and step.
torch::Tensor blendWeight(int64_t P, int64_t p1, int64_t p2);
torch::Tensor blendDecoders(const torch::Tensor& collage, const torch::Tensor& original,
                            const torch::Tensor& weight, int64_t p1, int64_t p2);

// One DDIM update of x_t given the predicted noise: x0 clipped to [−1, 1], ε re-derived from
// it; `generator` draws the η noise (unused when σ = 0). `x0` (optional) receives the clipped
// x0 prediction.
torch::Tensor ddimUpdate(const torch::Tensor& x, const torch::Tensor& eps,
                         const DiffusionSchedule::StepCoefficients& k, at::Generator& generator,
                         torch::Tensor* x0 = nullptr);

// Autocast on CUDA for the guard's lifetime (a no-op when disabled): bf16 by default (training,
// GPU sampling), fp16 for official-compatible sampling. Thread-local.
class CudaAutocast {
 public:
  explicit CudaAutocast(bool enabled, at::ScalarType dtype = at::kBFloat16);
  ~CudaAutocast();
  CudaAutocast(const CudaAutocast&) = delete;
  CudaAutocast& operator=(const CudaAutocast&) = delete;

 private:
  bool enabled_;
};

}  // namespace teramind
