#pragma once

#include <cstdint>
#include <memory>

#include "generation/TileDenoiser.h"
#include "model/MorphologyModel.h"
#include "model/MorphologySampler.h"
#include "model/OfficialNoise.h"
#include "model/PairedSection.h"

namespace at {
class Tensor;  // LibTorch stays behind the model library: the weight is only pointed to here
}

namespace teramind {

// The diffusion model as the generation engine's TileDenoiser: a tile of `tilePatches` ×
// `tilePatches` patches reads a half-patch halo, so its input is a (p+1) × (p+1) patch grid
// whose collage decoder predicts the noise of exactly its core — the official whole-brain
// inference — blended, by default, with its original-grid decoder's (PatchDecoders). Initial and η
// noise are seeded from (seed, plane, tile row, tile column, step); with options.official the
// initial noise is the official per-tile draw (OfficialNoise.h) and dropout stays on, its masks
// seeded from (seed, plane, tile row, tile column, step).
class MorphologyTileDenoiser : public TileDenoiser {
 public:
  // `batch`: tiles per forward pass (0: 8 on a GPU, 1 on a CPU).
  MorphologyTileDenoiser(const MorphologyModel& model, const PairedSection& condition, int z0,
                         int tilePatches, const SamplingOptions& options, int batch = 0);

  Shape shape() const override { return shape_; }
  int steps() const override { return options_.steps; }
  int tileBins() const { return tileBins_; }
  void initialState(TileIndex tile, float* core) const override;
  void step(const std::vector<TileStepTask>& tasks) override;
  int preferredBatch() const override { return batch_; }
  // The gene-gene block's gene × gene attention of the tile's own p × p patches (the input
  // patches centred on its core's patch corners; the rest belong to its neighbours),
  // [patch row][patch col][query gene][key gene], rows summing to 1.
  std::size_t attentionValues() const override;
  int tilePatches() const { return tilePatches_; }

  // Whether any gene has a count in the tile's bins on the planes its outputs are generated
  // from: tiles without a condition are skipped.
  bool hasCondition(TileIndex tile) const;

  // One DDIM step of `tile` from its initial state, timed after a first untimed one, with the
  // FLOPs its convolutions and linear layers do (what --estimate scales up; the output is
  // discarded).
  struct StepCost {
    double flops = 0, seconds = 0;
  };
  StepCost measureStep(TileIndex tile);

 private:
  std::uint64_t streamSeed(TileIndex tile, int step) const;
  std::uint64_t dropoutSeed(TileIndex tile, int step) const;

  const MorphologyModel& model_;
  const PairedSection& condition_;
  int z0_, tilePatches_, tileBins_, batch_ = 1;
  SamplingOptions options_;
  Shape shape_;
  std::vector<int> timesteps_;
  // With PatchDecoders::Blend: the collage's weight, on the model's device (made once).
  std::shared_ptr<const at::Tensor> blendWeight_;
  OfficialNoiseLayout officialNoise_;  // with options.official
};

}  // namespace teramind
