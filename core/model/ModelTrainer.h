#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include "model/MorphologyModel.h"
#include "model/PairedSection.h"

namespace teramind {

struct TrainingOptions {
  std::int64_t steps = 1000;  // total optimiser steps (a resumed run continues up to this)
  int batch = 4;              // 2 × 2-patch windows per step
  double learningRate = 2e-5;
  // Warmup-free "stable, decay, stable": the rate stays at learningRate until
  // learningRateDecayStart (default: steps − learningRateDecaySteps, so the decay ends at
  // `steps`), follows a cosine down to finalLearningRate over learningRateDecaySteps steps,
  // then stays there. A run can so be extended at the final rate without changing its past.
  std::int64_t learningRateDecaySteps = 0;
  std::int64_t learningRateDecayStart = -1;
  double finalLearningRate = 2e-5;
  double gradientClip = 1.0;
  double emaDecay = 0.9999;  // with warm-up min(decay, (1 + n) / (10 + n)) at step n
  std::uint64_t seed = 0;
  std::int64_t checkpointEvery = 100;
  std::filesystem::path statePath;  // full training state, for resuming
  std::filesystem::path modelPath;  // EMA weights for inference, written with each checkpoint
  double holdoutFraction = 0.25;    // the last rows of bins are never sampled
  bool augment = true;              // rot90 + horizontal flip
  bool mixedPrecision = true;       // bf16 autocast on CUDA (ignored on CPU)
};

// The Adam learning rate of step `step` (0-based) under `options`.
double learningRateAt(const TrainingOptions& options, std::int64_t step);

struct TrainingProgress {
  std::int64_t step = 0, steps = 0;
  double loss = 0;  // mean over the steps since the last report
  double learningRate = 0;
  double stepsPerSecond = 0;
  std::string device;
};

// Boundary-aware DDPM training (METHOD.md): per step, random 2 × 2-patch windows of the
// training rows, uniform t, ε-prediction; loss = MSE(original grid) + MSE(half-patch collage).
// Adam, global-norm gradient clipping, EMA. Every random draw of a step is seeded from
// (seed, step), so a run resumed from its state file is bit-identical to an uninterrupted one.
class ModelTrainer {
 public:
  ModelTrainer(MorphologyModel model, std::shared_ptr<const PairedSection> data,
               TrainingOptions options);
  ~ModelTrainer();

  // Continues from options.statePath when it exists (refusing one of another configuration,
  // gene panel or seed). Returns the step training starts at.
  std::int64_t resumeIfPossible();
  // Trains to options.steps; `report` is called about once a second and after the last step;
  // returning false stops after writing a checkpoint.
  void run(const std::function<bool(const TrainingProgress&)>& report);
  void writeCheckpoint() const;

  std::int64_t step() const;
  MorphologyModel& model();          // the trained weights
  MorphologyModel emaModel() const;  // the EMA weights, as written to modelPath
  // Rows of bins [0, trainingRows) are sampled; the rest are held out.
  int trainingRows() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace teramind
