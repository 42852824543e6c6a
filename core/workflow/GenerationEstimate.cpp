#include "workflow/GenerationEstimate.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/core.h>

#include "model/MorphologyTileDenoiser.h"

namespace teramind {
namespace {

// Output voxels per DDIM step and second of one H100 (LibTorch 2.11, CUDA 13), docs/measurements.md
// "GPU".
struct GpuThroughput {
  const char* config;
  double voxelsPerSecond;
  const char* basis;
};
constexpr GpuThroughput kMeasuredGpu[] = {
    {"demo", 4.58e7, "one H100, demo, 17 x 17 patch grid, fp32 (docs/measurements.md)"},
    {"official-229", 8.57e6,
     "one H100, official-229, 5 x 5 patch grid, bf16 autocast (docs/measurements.md)"},
};

}  // namespace

GenerationEstimate estimateGeneration(const MorphologyModel& model, const PairedSection& section,
                                      const GenerationRegion& region,
                                      const RegionGenerationSettings& settings) {
  const auto& c = model.config();
  GenerationEstimate e;
  std::optional<std::pair<int, TileIndex>> sample;
  const int tileBins = settings.tilePatches * c.geneBinsPerPatch;
  const TileGrid box(tileBins, region.box[0], region.box[1], region.box[2], region.box[3]);
  double voxelsPerTile = 0;
  for (int z0 : region.firstPlanes) {
    MorphologyTileDenoiser denoiser(model, section, z0, settings.tilePatches, settings.sampling,
                                    settings.batch);
    for (int r = 0; r < box.rows(); ++r)
      for (int q = 0; q < box.cols(); ++q) {
        const TileIndex tile = box.global(r, q);
        if (!region.tileSelected(section.grid, tile, tileBins) || !denoiser.hasCondition(tile))
          continue;
        ++e.tiles;
        if (!sample) sample = std::make_pair(z0, tile);
      }
    voxelsPerTile = double(denoiser.shape().coreValues());
  }
  e.outputVoxels = double(e.tiles) * voxelsPerTile;
  if (!sample) throw std::invalid_argument(region.description + ": no tile has transcripts");
  e.tileSteps = e.tiles * settings.sampling.steps;
  MorphologyTileDenoiser denoiser(model, section, sample->first, settings.tilePatches,
                                  settings.sampling, 1);
  const auto cost = denoiser.measureStep(sample->second);
  e.flopsPerTileStep = cost.flops;
  e.cpuSecondsPerTileStep = cost.seconds;
  e.cpuSeconds = cost.seconds * double(e.tileSteps) / std::max(1, settings.workers);
  e.gpuBasis = fmt::format("no GPU figure measured for configuration '{}'", c.name);
  for (const auto& g : kMeasuredGpu)
    if (c.name == g.config) {
      e.gpuSeconds = e.outputVoxels * settings.sampling.steps / g.voxelsPerSecond;
      e.gpuBasis = g.basis;
      // The GPU figures were measured with the collage decoder alone: scale by FLOPs.
      if (settings.sampling.decoders != PatchDecoders::Collage) {
        auto collageOnly = settings.sampling;
        collageOnly.decoders = PatchDecoders::Collage;
        MorphologyTileDenoiser collage(model, section, sample->first, settings.tilePatches,
                                       collageOnly, 1);
        const double ratio = cost.flops / collage.measureStep(sample->second).flops;
        *e.gpuSeconds *= ratio;
        e.gpuBasis += fmt::format(", times {:.2f} for the {} sampler's FLOPs", ratio,
                                  patchDecodersName(settings.sampling.decoders));
      }
    }
  return e;
}

}  // namespace teramind
