#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/network/SeededDropout.h is private to teramind_model (LibTorch)"
#endif

#include <vector>

#include <torch/torch.h>

namespace teramind::network {

// Dropout kept on while sampling, as the official inference has it (it never calls eval()),
// with masks drawn from one generator per image of the batch instead of the global one: an
// image's output then depends on neither the threads nor the images it is batched with.
// While a scope lives on a thread, every ResBlock's dropout on that thread draws from it.
class SeededDropoutScope {
 public:
  // `generators[i]` draws the masks of the i-th of generators.size() equal, consecutive parts
  // of every batch (CPU generators: the masks do not depend on the device either).
  explicit SeededDropoutScope(std::vector<at::Generator> generators);
  ~SeededDropoutScope();
  SeededDropoutScope(const SeededDropoutScope&) = delete;
  SeededDropoutScope& operator=(const SeededDropoutScope&) = delete;

  // The scope active on this thread, or null.
  static SeededDropoutScope* current();
  // x · mask / (1 − p), the mask Bernoulli(1 − p), as torch.nn.Dropout in training mode.
  torch::Tensor apply(const torch::Tensor& x, double p);

 private:
  std::vector<at::Generator> generators_;
  SeededDropoutScope* previous_;
};

}  // namespace teramind::network
