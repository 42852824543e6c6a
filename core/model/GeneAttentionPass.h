#pragma once

#include <functional>

#include "model/MorphologyModel.h"
#include "model/PairedSection.h"

namespace teramind {

// The gene-gene block's gene × gene attention over a region, without any diffusion: the block
// sees only the condition (its attention is the same at every DDIM step and for every noise
// seed), so one pass over the patches gives what a generation job would capture.
//
// Attention patch (i, j) is the model patch centred on bin corner (j·b, i·b) of the section,
// b = geneBinsPerPatch — the patches a generation tile's collage is built around, so these are
// exactly the matrices MorphologyTileDenoiser captures for the tiles' own patches.
struct AttentionPatch {
  int row = 0, col = 0;           // i, j
  const float* values = nullptr;  // [query gene][key gene], rows sum to 1
};

// Visits every attention patch whose centre lies in bins [bx0, bx0 + widthBins) ×
// [by0, by0 + heightBins) for output planes from z0, `batch` patches per forward pass, in
// row-major order.
void geneAttentionPass(const MorphologyModel& model, const PairedSection& condition, int z0,
                       int bx0, int by0, int widthBins, int heightBins,
                       const std::function<void(const AttentionPatch&)>& visit, int batch = 256);

}  // namespace teramind
