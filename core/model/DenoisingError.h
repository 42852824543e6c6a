#pragma once

#include <cstdint>
#include <vector>

#include "model/MorphologyModel.h"
#include "model/PairedSection.h"

namespace teramind {

// How well the network predicts the noise at one diffusion timestep, over real windows: the
// training loss split by noise level. `identityEpsMse` is the error of the trivial guess
// ε̂ = x_t / √(1−ᾱ_t); at large t a network must beat it or its x₀ estimates are worse than
// "all zero". `x0MeanError` is the mean of x̂₀ − x₀ per stain: the brightness bias sampling
// inherits from that timestep.
struct DenoisingError {
  int timestep = 0;
  double epsMse = 0, identityEpsMse = 0;
  std::vector<double> x0MeanError;  // per stain
};

// Every whole 2 × 2-patch window of bin rows [rowBegin, rowEnd) (output planes from 0), noised
// at each of `timesteps` with noise from `seed`; the collage decoder's ε (the one sampling uses)
// is scored on the window's centre patch.
std::vector<DenoisingError> measureDenoisingError(const MorphologyModel& model,
                                                  const PairedSection& section, int rowBegin,
                                                  int rowEnd, const std::vector<int>& timesteps,
                                                  std::uint64_t seed);

}  // namespace teramind
