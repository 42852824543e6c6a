#pragma once

#include <vector>

#include "model/ModelConfig.h"

namespace teramind {

// DDPM forward process (linear β) and the DDIM timestep subsequence, in double precision as
// the official code computes them.
class DiffusionSchedule {
 public:
  explicit DiffusionSchedule(const ModelConfig& config);

  int timesteps() const { return static_cast<int>(alphasCumprod_.size()); }
  double alphaCumprod(int t) const { return alphasCumprod_.at(t); }
  double beta(int t) const { return betas_.at(t); }

  // The official "ddimN" spacing: the smallest stride s with exactly N timesteps in
  // range(0, T, s), ascending (N = 15 → 0, 67, …, 938). Throws std::invalid_argument when no
  // stride gives N.
  std::vector<int> ddimTimesteps(int steps) const;

  // One DDIM update from timestep t to `previous` (−1 for the end of the chain) given the
  // model's noise prediction. x0 is clipped to [−1, 1] and ε re-derived from it.
  struct StepCoefficients {
    double sqrtRecipAlpha;    // √(1/ᾱ_t)
    double sqrtRecipM1Alpha;  // √(1/ᾱ_t − 1)
    double sqrtAlphaPrev;     // √ᾱ_prev
    double epsScale;          // √(1 − ᾱ_prev − σ²)
    double sigma;             // η √((1−ᾱ_prev)/(1−ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev)
  };
  StepCoefficients ddimStep(int t, int previous, double eta) const;

 private:
  std::vector<double> betas_;
  std::vector<double> alphasCumprod_;
};

}  // namespace teramind
