#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "model/MorphologyModel.h"
#include "model/PairedSection.h"

namespace teramind {

// How a tile's noise is predicted from its patches at each DDIM step.
enum class PatchDecoders {
  // The half-patch-shifted collage decoder alone, as the official inference does: the
  // network's patch borders (every patch, so every tile border too) can show.
  Collage,
  // The collage and the original-grid decoder (shifted half a patch from it), blended with a
  // smooth window that vanishes on each decoder's own patch borders: no borders show. About
  // twice the FLOPs of Collage (the original decoder runs on (p+1)² patches).
  Blend,
};
const char* patchDecodersName(PatchDecoders decoders);  // "collage", "blend"

struct SamplingOptions {
  int steps = 15;  // DDIM steps (official: 15)
  // The official collage decoder unless asked; the studio and the CLI ask for Blend
  // (defaultGenerationSettings).
  PatchDecoders decoders = PatchDecoders::Collage;
  double eta = 0.0;        // 0: deterministic DDIM
  std::uint64_t seed = 0;  // initial noise (and η noise)
  bool captureAttention = false;
  // What the official test_brn.py does (docs/generation.md, "Official-compatible sampling"):
  // per-tile noise from torch.manual_seed(lcg(row·416 + col)) (OfficialNoise.h), dropout on,
  // fp16 autocast on CUDA, the state rounded to fp16 after every step, absent neighbours read
  // as −1. Needs the collage decoder alone. `seed` then only seeds the dropout masks.
  bool official = false;
  // What the halo of an absent neighbour (outside the region, or a skipped tile) holds.
  float absentNeighbourFill() const { return official ? -1.0f : 0.0f; }
};

// Gene × gene attention of the gene-gene block for every patch of the (p+1) × (p+1) input grid
// at one DDIM timestep.
struct GeneAttentionCapture {
  int timestep = 0;
  int patches = 0, genes = 0;
  std::vector<float> values;  // [patch][query gene][key gene], rows sum to 1
};

struct GeneratedMorphology {
  int widthPx = 0, heightPx = 0, sections = 0, stains = 0;
  std::vector<float> values;                    // [stain][section][y][x], in [−1, 1]
  std::vector<GeneAttentionCapture> attention;  // one per step when captured, in step order
  float at(int s, int z, int y, int x) const {
    return values[((std::size_t(s) * sections + z) * heightPx + y) * widthPx + x];
  }
};

// Generates the morphology of bins [bx0, bx0 + widthBins) × [by0, by0 + heightBins) (whole
// patches) and output planes from z0, as the official inference does for one tile: the region
// plus a half-patch halo forms a (p+1) × (p+1) patch grid whose half-patch-shifted collage
// decoder predicts the region's noise at every DDIM step (with options.decoders Blend, blended
// with the original-grid decoder's). `stepDone` (optional) is told each finished step.
GeneratedMorphology sampleRegion(const MorphologyModel& model, const PairedSection& section,
                                 int bx0, int by0, int widthBins, int heightBins, int z0,
                                 const SamplingOptions& options,
                                 const std::function<void(int done, int total)>& stepDone = {});

}  // namespace teramind
