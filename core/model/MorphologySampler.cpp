#include "model/MorphologySampler.h"

#include <cstring>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/core.h>

#include "model/MorphologyModelImpl.h"
#include "model/PatchTensors.h"

namespace teramind {

const char* patchDecodersName(PatchDecoders decoders) {
  return decoders == PatchDecoders::Blend ? "blend" : "collage";
}

GeneratedMorphology sampleRegion(const MorphologyModel& model, const PairedSection& section,
                                 int bx0, int by0, int widthBins, int heightBins, int z0,
                                 const SamplingOptions& options,
                                 const std::function<void(int, int)>& stepDone) {
  const auto& c = model.config();
  const int gb = c.geneBinsPerPatch;
  if (widthBins <= 0 || heightBins <= 0 || widthBins % gb || heightBins % gb)
    throw std::invalid_argument(fmt::format(
        "the region ({} × {} bins) must be whole patches of {} bins", widthBins, heightBins, gb));
  if (options.official)
    throw std::invalid_argument(
        "official-compatible sampling is for tiled generation (the tile denoiser), not one region");
  if (section.genes != model.genes())
    throw std::invalid_argument("the condition's genes differ from the model's panel");
  const int64_t px = widthBins / gb, py = heightBins / gb, P = c.patchSize, half = P / 2;
  const int stains = c.stains;
  auto& net = model.impl().net;
  const torch::Device device = modelDevice();
  net->to(device);
  net->eval();
  torch::NoGradGuard noGrad;

  // Gene input of the (p+1) × (p+1) grid: the region plus half a patch each side.
  auto genes = toPatches(geneWindowTensor(section, c, bx0 - gb / 2, by0 - gb / 2, widthBins + gb,
                                          heightBins + gb, z0),
                         gb)
                   .to(device);

  auto generator = at::detail::createCPUGenerator(options.seed);
  auto x = torch::randn({stains, c.outputSections, py * P, px * P}, generator, torch::kFloat32)
               .to(device);
  const DiffusionSchedule schedule(c);
  const auto timesteps = schedule.ddimTimesteps(options.steps);
  GeneratedMorphology out;
  const torch::Tensor weight = options.decoders == PatchDecoders::Blend
                                   ? blendWeight(P, py, px).to(torch::kFloat32).to(device)
                                   : torch::Tensor();
  for (int i = static_cast<int>(timesteps.size()) - 1; i >= 0; --i) {
    const int t = timesteps[std::size_t(i)];
    const auto k = schedule.ddimStep(t, i > 0 ? timesteps[std::size_t(i) - 1] : -1, options.eta);
    auto padded = torch::constant_pad_nd(x, {half, half, half, half}, 0.0);
    auto patches = toPatches(padded, P);
    torch::Tensor attention;
    const bool blend = options.decoders == PatchDecoders::Blend;
    const auto predicted =
        net->forward(patches, torch::full({1}, t, torch::kLong).to(device), genes, py + 1, px + 1,
                     {true, blend}, options.captureAttention ? &attention : nullptr);
    const auto eps = blend ? blendDecoders(predicted.collage.to(torch::kFloat32),
                                           predicted.original.to(torch::kFloat32), weight, py, px)
                           : fromPatches(predicted.collage.to(torch::kFloat32), py, px);
    x = ddimUpdate(x, eps, k, generator);
    if (options.captureAttention) {
      GeneAttentionCapture capture;
      capture.timestep = t;
      capture.patches = static_cast<int>(attention.size(0));
      capture.genes = static_cast<int>(attention.size(1));
      auto a = attention.to(torch::kCPU, torch::kFloat32).contiguous();
      capture.values.assign(a.data_ptr<float>(), a.data_ptr<float>() + a.numel());
      out.attention.push_back(std::move(capture));
    }
    if (stepDone)
      stepDone(static_cast<int>(timesteps.size()) - i, static_cast<int>(timesteps.size()));
  }
  auto result = x.to(torch::kCPU).contiguous();
  out.widthPx = static_cast<int>(px * P);
  out.heightPx = static_cast<int>(py * P);
  out.sections = c.outputSections;
  out.stains = stains;
  out.values.assign(result.data_ptr<float>(), result.data_ptr<float>() + result.numel());
  return out;
}

}  // namespace teramind
