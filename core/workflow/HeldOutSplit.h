#pragma once

#include <string>

#include "transcriptomics/BinnedCondition.h"

namespace teramind {

class MorphologyModel;

// The part of a section a model never saw in training, which `teramind model evaluate`
// generates and compares with the real stains. Training samples bin rows [0, trainingRows)
// (ModelTrainer::trainingRows, floor(height × (1 − holdout fraction))); the held-out region is
// the whole patches below them: bins x [0, widthBins) × y [firstRow(), firstRow() + heightBins).
struct HeldOutSplit {
  double holdoutFraction = 0;
  int trainingRows = 0;
  int widthBins = 0, heightBins = 0;  // multiples of the patch side in bins

  int firstRow() const { return trainingRows; }
};

// The model's "holdout_fraction" metadata (what `teramind model train` records), or the
// trainer's default when it has none; std::invalid_argument when it is not a number in [0, 1].
double modelHoldoutFraction(const MorphologyModel& model);

// The split of `grid` for patches of `binsPerPatch` bins; std::invalid_argument when not one
// whole patch row (or column) is held out, with the rows trained.
HeldOutSplit heldOutSplit(const BinGrid& grid, int binsPerPatch, double holdoutFraction);
// The split for `model` (its patch size and holdout fraction).
HeldOutSplit heldOutSplit(const MorphologyModel& model, const BinGrid& grid);

}  // namespace teramind
