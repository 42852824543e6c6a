#include "model/DiffusionSchedule.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace teramind {

DiffusionSchedule::DiffusionSchedule(const ModelConfig& config) {
  config.validate();
  const int T = config.timesteps;
  // numpy.linspace(start, end, T) with the official 1000/T scaling.
  const double scale = 1000.0 / T;
  const double start = scale * config.betaStart, end = scale * config.betaEnd;
  double cumprod = 1.0;
  for (int i = 0; i < T; ++i) {
    const double beta = start + (end - start) * i / (T - 1);
    betas_.push_back(beta);
    cumprod *= 1.0 - beta;
    alphasCumprod_.push_back(cumprod);
  }
}

std::vector<int> DiffusionSchedule::ddimTimesteps(int steps) const {
  const int T = timesteps();
  for (int stride = 1; stride < T; ++stride) {
    if ((T + stride - 1) / stride != steps) continue;
    std::vector<int> out;
    for (int t = 0; t < T; t += stride) out.push_back(t);
    return out;
  }
  throw std::invalid_argument("no DDIM spacing of " + std::to_string(T) + " timesteps gives " +
                              std::to_string(steps) + " steps");
}

DiffusionSchedule::StepCoefficients DiffusionSchedule::ddimStep(int t, int previous,
                                                                double eta) const {
  const double a = alphaCumprod(t);
  const double aPrev = previous < 0 ? 1.0 : alphaCumprod(previous);
  StepCoefficients c;
  c.sqrtRecipAlpha = std::sqrt(1.0 / a);
  c.sqrtRecipM1Alpha = std::sqrt(1.0 / a - 1.0);
  c.sqrtAlphaPrev = std::sqrt(aPrev);
  c.sigma = eta * std::sqrt((1 - aPrev) / (1 - a)) * std::sqrt(1 - a / aPrev);
  c.epsScale = std::sqrt(std::max(0.0, 1 - aPrev - c.sigma * c.sigma));
  return c;
}

}  // namespace teramind
