#include "model/MorphologyTileDenoiser.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/core.h>

#include "model/MorphologyModelImpl.h"
#include "model/PatchTensors.h"
#include "model/network/FlopCounter.h"
#include "model/network/SeededDropout.h"

namespace teramind {

MorphologyTileDenoiser::MorphologyTileDenoiser(const MorphologyModel& model,
                                               const PairedSection& condition, int z0,
                                               int tilePatches, const SamplingOptions& options,
                                               int batch)
    : model_(model),
      condition_(condition),
      z0_(z0),
      tilePatches_(tilePatches),
      tileBins_(tilePatches * model.config().geneBinsPerPatch),
      options_(options) {
  const auto& c = model.config();
  if (tilePatches < 1) throw std::invalid_argument("a tile needs at least one patch");
  if (condition.genes != model.genes())
    throw std::invalid_argument("the condition's genes differ from the model's panel");
  shape_ = {c.stains * c.outputSections, tilePatches * c.patchSize, c.patchSize / 2};
  timesteps_ = DiffusionSchedule(c).ddimTimesteps(options.steps);
  if (options.official) {
    if (options.decoders != PatchDecoders::Collage)
      throw std::invalid_argument(
          "official-compatible sampling uses the collage decoder alone (the halo sampler)");
    // The draw covers every plane of the section (the official 50), picked by plane.
    officialNoise_ = OfficialNoiseLayout::forSection(
        tilePatches * c.patchSize, tileBins_, c.stains,
        std::max(condition.grid.planes, z0 + c.outputSections), condition.grid.width);
  }
  // A GPU wants many tiles per forward; on a CPU one tile per thread keeps the output
  // independent of how tiles are grouped.
  batch_ = batch > 0 ? batch : (modelDevice().is_cuda() ? 8 : 1);
  if (options.decoders == PatchDecoders::Blend)
    blendWeight_ = std::make_shared<const torch::Tensor>(
        blendWeight(c.patchSize, tilePatches, tilePatches).to(torch::kFloat32).to(modelDevice()));
  auto& net = model.impl().net;
  net->to(modelDevice());
  net->eval();
}

std::uint64_t MorphologyTileDenoiser::streamSeed(TileIndex tile, int step) const {
  // splitmix64 over the fields: neighbouring tiles and steps get unrelated streams.
  std::uint64_t h = options_.seed;
  for (std::int64_t v :
       {std::int64_t(z0_), std::int64_t(tile.row), std::int64_t(tile.col), std::int64_t(step)}) {
    h += 0x9E3779B97F4A7C15ull + std::uint64_t(v);
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    h ^= h >> 31;
  }
  return h;
}

std::uint64_t MorphologyTileDenoiser::dropoutSeed(TileIndex tile, int step) const {
  // Another stream than the η noise of the same tile and step.
  std::uint64_t h = streamSeed(tile, step) ^ 0xD1B54A32D192ED03ull;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

void MorphologyTileDenoiser::initialState(TileIndex tile, float* core) const {
  if (options_.official) {
    officialTileNoise(officialNoise_, tile.row, tile.col, z0_, model_.config().outputSections,
                      core);
    return;
  }
  auto generator = at::detail::createCPUGenerator(streamSeed(tile, 0));
  const auto x = torch::randn({std::int64_t(shape_.coreValues())}, generator, torch::kFloat32);
  std::memcpy(core, x.data_ptr<float>(), shape_.coreValues() * sizeof(float));
}

bool MorphologyTileDenoiser::hasCondition(TileIndex tile) const {
  const auto& c = model_.config();
  const auto& g = condition_.grid;
  const int bx0 = tile.col * tileBins_, by0 = tile.row * tileBins_;
  if (const auto& sparse = condition_.sparseCounts) {
    for (int gene = 0; gene < static_cast<int>(condition_.genes.size()); ++gene)
      for (int z = z0_; z < z0_ + c.outputSections && z < g.planes; ++z)
        if (sparse->anyInBox(gene, z, bx0, by0, tileBins_, tileBins_)) return true;
    return false;
  }
  for (int gene = 0; gene < static_cast<int>(condition_.genes.size()); ++gene)
    for (int z = z0_; z < z0_ + c.outputSections && z < g.planes; ++z)
      for (int by = std::max(by0, 0); by < std::min(by0 + tileBins_, g.height); ++by)
        for (int bx = std::max(bx0, 0); bx < std::min(bx0 + tileBins_, g.width); ++bx)
          if (condition_.count(gene, z, by, bx) > 0) return true;
  return false;
}

MorphologyTileDenoiser::StepCost MorphologyTileDenoiser::measureStep(TileIndex tile) {
  std::vector<float> padded(shape_.paddedValues(), 0.0f), core(shape_.coreValues());
  initialState(tile, core.data());
  const int P = shape_.paddedPixels(), H = shape_.haloPixels, T = shape_.corePixels;
  for (int ch = 0; ch < shape_.channels; ++ch)
    for (int y = 0; y < T; ++y)
      std::copy_n(core.data() + (std::size_t(ch) * T + y) * T, T,
                  padded.data() + (std::size_t(ch) * P + y + H) * P + H);
  TileStepTask task;
  task.tile = tile;
  task.step = 1;
  task.padded = padded.data();
  task.core = core.data();
  step({task});  // the first step also pays for allocations and thread pools
  initialState(tile, core.data());
  const network::FlopCounter counter;
  const auto start = std::chrono::steady_clock::now();
  step({task});
  return {counter.flops(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

std::size_t MorphologyTileDenoiser::attentionValues() const {
  const auto g = std::size_t(model_.config().genes);
  return std::size_t(tilePatches_) * std::size_t(tilePatches_) * g * g;
}

void MorphologyTileDenoiser::step(const std::vector<TileStepTask>& tasks) {
  if (tasks.empty()) return;
  const auto& c = model_.config();
  auto& net = model_.impl().net;
  const torch::Device device = modelDevice();
  torch::NoGradGuard noGrad;
  const DiffusionSchedule schedule(c);
  const int64_t P = c.patchSize, T = shape_.corePixels, h = shape_.haloPixels,
                W = shape_.paddedPixels(), p = tilePatches_, gb = c.geneBinsPerPatch;
  // The tiles go through the network as one batch (their timesteps may differ).
  std::vector<torch::Tensor> inputs, genes, padded;
  std::vector<std::int64_t> timesteps;
  for (const auto& task : tasks) {
    timesteps.push_back(timesteps_[std::size_t(options_.steps - task.step)]);
    genes.push_back(toPatches(
        geneWindowTensor(condition_, c, task.tile.col * tileBins_ - gb / 2,
                         task.tile.row * tileBins_ - gb / 2, tileBins_ + gb, tileBins_ + gb, z0_),
        gb));
    padded.push_back(torch::from_blob(const_cast<float*>(task.padded),
                                      {c.stains, c.outputSections, W, W}, torch::kFloat32)
                         .to(device));
    inputs.push_back(toPatches(padded.back(), P));
  }
  const bool capture = std::any_of(tasks.begin(), tasks.end(),
                                   [](const TileStepTask& t) { return t.attention != nullptr; });
  torch::Tensor attention;
  const bool blend = options_.decoders == PatchDecoders::Blend;
  network::GeneMorphUNetImpl::Output predicted;
  {
    // Official: dropout on, each tile's masks from its own generator (thread- and
    // batch-independent), fp16 autocast on CUDA.
    std::optional<network::SeededDropoutScope> dropout;
    if (options_.official) {
      std::vector<at::Generator> generators;
      for (const auto& task : tasks)
        generators.push_back(at::detail::createCPUGenerator(dropoutSeed(task.tile, task.step)));
      dropout.emplace(std::move(generators));
    }
    // As the official sampling's `autocast('cuda', enabled=conf.fp16)` (true in config_parm.py).
    const CudaAutocast autocast(options_.official && device.is_cuda(), at::kHalf);
    predicted = net->forward(torch::cat(inputs), torch::tensor(timesteps, torch::kLong).to(device),
                             torch::cat(genes).to(device), p + 1, p + 1, {true, blend},
                             capture ? &attention : nullptr);
  }
  const auto collage = predicted.collage.to(torch::kFloat32);
  const auto original = blend ? predicted.original.to(torch::kFloat32) : torch::Tensor();
  if (capture) {
    // (B·(p+1)², G, G) → each tile's own p × p patches.
    const auto all = attention.to(torch::kCPU, torch::kFloat32)
                         .reshape({std::int64_t(tasks.size()), p + 1, p + 1, c.genes, c.genes})
                         .narrow(1, 0, p)
                         .narrow(2, 0, p)
                         .contiguous();
    for (std::size_t b = 0; b < tasks.size(); ++b)
      if (tasks[b].attention)
        std::memcpy(tasks[b].attention, all[std::int64_t(b)].data_ptr<float>(),
                    attentionValues() * sizeof(float));
  }
  for (std::size_t b = 0; b < tasks.size(); ++b) {
    const auto& task = tasks[b];
    const int i = options_.steps - task.step;  // index into the ascending timesteps
    const auto k = schedule.ddimStep(static_cast<int>(timesteps[b]),
                                     i > 0 ? timesteps_[std::size_t(i) - 1] : -1, options_.eta);
    const auto x = padded[b].slice(2, h, h + T).slice(3, h, h + T);
    auto generator = at::detail::createCPUGenerator(streamSeed(task.tile, task.step));
    torch::Tensor x0;
    const auto ownCollage = collage.narrow(0, std::int64_t(b) * p * p, p * p);
    const auto eps = blend ? blendDecoders(ownCollage,
                                           original.narrow(0, std::int64_t(b) * (p + 1) * (p + 1),
                                                           (p + 1) * (p + 1)),
                                           *blendWeight_, p, p)
                           : fromPatches(ownCollage, p, p);
    auto next = ddimUpdate(x, eps, k, generator, task.preview ? &x0 : nullptr);
    // The official inference stores every step's state as fp16 (test_brn.py: out.half()).
    if (options_.official) next = next.to(torch::kHalf).to(torch::kFloat32);
    next = next.to(torch::kCPU).contiguous();
    std::memcpy(task.core, next.data_ptr<float>(), shape_.coreValues() * sizeof(float));
    if (task.preview) {
      x0 = x0.to(torch::kCPU).contiguous();
      std::memcpy(task.preview, x0.data_ptr<float>(), shape_.coreValues() * sizeof(float));
    }
  }
}

}  // namespace teramind
