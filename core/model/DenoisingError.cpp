#include "model/DenoisingError.h"

#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/core.h>

#include "model/MorphologyModelImpl.h"
#include "model/PatchTensors.h"

namespace teramind {

std::vector<DenoisingError> measureDenoisingError(const MorphologyModel& model,
                                                  const PairedSection& section, int rowBegin,
                                                  int rowEnd, const std::vector<int>& timesteps,
                                                  std::uint64_t seed) {
  const auto& c = model.config();
  const int window = 2 * c.geneBinsPerPatch;
  const int stains = static_cast<int>(section.stainNames.size());
  std::vector<std::pair<int, int>> origins;
  for (int by = rowBegin; by + window <= rowEnd; by += window)
    for (int bx = 0; bx + window <= section.grid.width; bx += window) origins.emplace_back(bx, by);
  if (origins.empty())
    throw std::invalid_argument(
        fmt::format("bin rows [{}, {}) hold no whole {}-bin window", rowBegin, rowEnd, window));
  auto& net = model.impl().net;
  const torch::Device device = modelDevice();
  net->to(device);
  net->eval();
  torch::NoGradGuard noGrad;
  const DiffusionScheduleTensors schedule(c);
  auto generator = at::detail::createCPUGenerator(seed);

  std::vector<DenoisingError> out;
  for (int t : timesteps) {
    if (t < 0 || t >= c.timesteps)
      throw std::invalid_argument(fmt::format("timestep {} is outside [0, {})", t, c.timesteps));
    const double a = schedule.schedule.alphaCumprod(t);
    DenoisingError e;
    e.timestep = t;
    e.x0MeanError.assign(std::size_t(stains), 0.0);
    for (const auto& [bx, by] : origins) {
      auto [x, g] = windowTensors(extractWindow(section, c, bx, by, window, window, 0), c, stains);
      auto x0 = toPatches(x.contiguous(), c.patchSize).to(device);
      auto genes = toPatches(g.contiguous(), c.geneBinsPerPatch).to(device);
      auto noise = torch::randn(x0.sizes(), generator, torch::kFloat32).to(device);
      auto xt = schedule.diffuse(x0, torch::full({x0.size(0)}, t, torch::kLong).to(device), noise);
      auto eps =
          net->forward(xt, torch::full({1}, t, torch::kLong).to(device), genes, 2, 2, {true, false})
              .collage.to(torch::kFloat32);
      const auto centre = [](const torch::Tensor& p) { return network::toCollage(p, 2, 2); };
      const auto trueEps = centre(noise), xtCentre = centre(xt), x0Centre = centre(x0);
      e.epsMse += torch::mse_loss(eps, trueEps).item<double>();
      e.identityEpsMse += torch::mse_loss(xtCentre / std::sqrt(1 - a), trueEps).item<double>();
      const auto x0Hat = (xtCentre - std::sqrt(1 - a) * eps) / std::sqrt(a);
      const auto bias = (x0Hat - x0Centre).mean({0, 2, 3, 4}).to(torch::kCPU);
      for (int s = 0; s < stains; ++s) e.x0MeanError[std::size_t(s)] += bias[s].item<double>();
    }
    const double n = static_cast<double>(origins.size());
    e.epsMse /= n;
    e.identityEpsMse /= n;
    for (auto& v : e.x0MeanError) v /= n;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace teramind
