#include "workflow/HeldOutSplit.h"

#include <cmath>
#include <stdexcept>

#include <fmt/core.h>

#include "model/ModelTrainer.h"
#include "model/MorphologyModel.h"

namespace teramind {

double modelHoldoutFraction(const MorphologyModel& model) {
  const auto it = model.metadata().find("holdout_fraction");
  if (it == model.metadata().end()) return TrainingOptions{}.holdoutFraction;
  double fraction = 0;
  std::size_t used = 0;
  try {
    fraction = std::stod(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size() || !(fraction >= 0 && fraction <= 1))
    throw std::invalid_argument(
        fmt::format("the model's holdout_fraction '{}' is not a number in [0, 1]", it->second));
  return fraction;
}

HeldOutSplit heldOutSplit(const BinGrid& grid, int binsPerPatch, double holdoutFraction) {
  if (binsPerPatch <= 0)
    throw std::invalid_argument(fmt::format("{} bins per patch", binsPerPatch));
  if (!(holdoutFraction >= 0 && holdoutFraction <= 1))
    throw std::invalid_argument(
        fmt::format("holdout fraction {} is not in [0, 1]", holdoutFraction));
  HeldOutSplit s;
  s.holdoutFraction = holdoutFraction;
  s.trainingRows = static_cast<int>(std::floor(grid.height * (1.0 - holdoutFraction)));
  s.heightBins = (grid.height - s.trainingRows) / binsPerPatch * binsPerPatch;
  s.widthBins = grid.width / binsPerPatch * binsPerPatch;
  if (s.heightBins == 0)
    throw std::invalid_argument(fmt::format(
        "no whole patch row is held out ({} of {} bin rows trained)", s.trainingRows, grid.height));
  if (s.widthBins == 0)
    throw std::invalid_argument(
        fmt::format("no whole patch column: the section is {} bins wide, a patch {}", grid.width,
                    binsPerPatch));
  return s;
}

HeldOutSplit heldOutSplit(const MorphologyModel& model, const BinGrid& grid) {
  return heldOutSplit(grid, model.config().geneBinsPerPatch, modelHoldoutFraction(model));
}

}  // namespace teramind
