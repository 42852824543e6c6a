#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/MorphologyModel.h"
#include "model/PairedSection.h"
#include "workflow/GenerationRegion.h"
#include "workflow/RegionGeneration.h"

namespace teramind {

// What a generation job will cost before it runs: its tiles (those with transcripts), its
// FLOPs, and its time on this CPU (one tile step measured here, scaled by the tile steps over
// the worker threads) and on a GPU (from the throughput measured on an H100 in
// docs/measurements.md, for the configurations measured there).
struct GenerationEstimate {
  std::int64_t tiles = 0;      // with a condition, over every plane pair
  std::int64_t tileSteps = 0;  // tiles × DDIM steps
  double outputVoxels = 0;     // stains × sections × pixels of those tiles
  double flopsPerTileStep = 0;
  double cpuSecondsPerTileStep = 0;  // one tile step on one thread, measured
  double cpuSeconds = 0;
  std::optional<double> gpuSeconds;
  std::string gpuBasis;  // what the GPU figure rests on, or why there is none
  double flops() const { return flopsPerTileStep * double(tileSteps); }
};

// Runs one tile step of the model (the first tile with a condition) to measure it; writes
// nothing. Throws std::invalid_argument when no tile of the region has a condition.
GenerationEstimate estimateGeneration(const MorphologyModel& model, const PairedSection& section,
                                      const GenerationRegion& region,
                                      const RegionGenerationSettings& settings);

}  // namespace teramind
