#pragma once

#include <cstddef>
#include <vector>

#include "generation/TileGrid.h"

namespace teramind {

// One DDIM step of one tile: `padded` holds x_{step−1} of the tile and its halo,
// [channel][core + 2·halo][core + 2·halo]; the step writes x_step of the core to `core`,
// [channel][core][core].
struct TileStepTask {
  TileIndex tile;
  int step = 0;  // 1 … steps()
  const float* padded = nullptr;
  float* core = nullptr;
  float* preview = nullptr;  // when set: the step's x₀ prediction of the core (a live preview)
  // When set: the gene × gene attention of the tile's own patches at this step,
  // attentionValues() floats.
  float* attention = nullptr;
};

// What turns a tile and its neighbours' current states into its next state: the diffusion
// model behind the generation engine, seen through plain arrays so the scheduling, halo and
// output logic needs no LibTorch.
class TileDenoiser {
 public:
  struct Shape {
    int channels = 1;    // stains × output sections
    int corePixels = 1;  // tile side
    int haloPixels = 0;  // read from each neighbour
    int paddedPixels() const { return corePixels + 2 * haloPixels; }
    std::size_t coreValues() const {
      return std::size_t(channels) * std::size_t(corePixels) * std::size_t(corePixels);
    }
    std::size_t paddedValues() const {
      return std::size_t(channels) * std::size_t(paddedPixels()) * std::size_t(paddedPixels());
    }
  };

  virtual ~TileDenoiser() = default;
  virtual Shape shape() const = 0;
  virtual int steps() const = 0;
  // x_T of a tile: a function of the tile's global index and the job's seed only.
  virtual void initialState(TileIndex tile, float* core) const = 0;
  // Independent tasks, stepped together where batching pays (GPU). May be called from
  // several threads at once.
  virtual void step(const std::vector<TileStepTask>& tasks) = 0;
  virtual int preferredBatch() const { return 1; }
  // Floats of a tile's attention capture (0: the denoiser has none).
  virtual std::size_t attentionValues() const { return 0; }
};

}  // namespace teramind
