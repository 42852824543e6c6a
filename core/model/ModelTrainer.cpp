#include "model/ModelTrainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "model/MorphologyModelImpl.h"
#include "model/PatchTensors.h"

namespace teramind {

namespace {

std::uint64_t stepSeed(std::uint64_t seed, std::int64_t step) {
  // splitmix64 of (seed, step): independent streams per step.
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + std::uint64_t(step) + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

double learningRateAt(const TrainingOptions& o, std::int64_t step) {
  const std::int64_t decayStart =
      o.learningRateDecayStart >= 0 ? o.learningRateDecayStart : o.steps - o.learningRateDecaySteps;
  if (o.learningRateDecaySteps <= 0 || step < decayStart) return o.learningRate;
  const double progress =
      std::min(1.0, double(step - decayStart) / double(o.learningRateDecaySteps));
  return o.finalLearningRate +
         (o.learningRate - o.finalLearningRate) * 0.5 * (1 + std::cos(M_PI * progress));
}

struct ModelTrainer::State {
  MorphologyModel model;
  std::shared_ptr<const PairedSection> data;
  TrainingOptions options;
  torch::Device device{torch::kCPU};
  std::vector<torch::Tensor> params, ema, adamM, adamV;
  std::vector<std::string> names;
  std::int64_t step = 0;
  DiffusionScheduleTensors schedule;

  State(MorphologyModel m, std::shared_ptr<const PairedSection> d, TrainingOptions o)
      : model(std::move(m)), data(std::move(d)), options(std::move(o)), schedule(model.config()) {}
};

ModelTrainer::ModelTrainer(MorphologyModel model, std::shared_ptr<const PairedSection> data,
                           TrainingOptions options)
    : state_(std::make_unique<State>(std::move(model), std::move(data), std::move(options))) {
  auto& s = *state_;
  const auto& c = s.model.config();
  if (s.options.learningRateDecaySteps < 0 || s.options.finalLearningRate < 0 ||
      (s.options.learningRateDecayStart < 0 && s.options.learningRateDecaySteps > s.options.steps))
    throw std::invalid_argument(fmt::format(
        "the learning-rate decay must last 0 to {} steps and end at a rate ≥ 0 (got {} steps to "
        "{})",
        s.options.steps, s.options.learningRateDecaySteps, s.options.finalLearningRate));
  if (s.data->genes != s.model.genes())
    throw std::invalid_argument("the training data's genes differ from the model's panel");
  const int windowBins = 2 * c.geneBinsPerPatch;
  if (s.data->grid.width < windowBins || trainingRows() < windowBins)
    throw std::invalid_argument(fmt::format(
        "the training region ({} × {} bins) is smaller than one 2 × 2-patch window ({} bins)",
        s.data->grid.width, trainingRows(), windowBins));
  if (s.data->planes() < c.outputSections)
    throw std::invalid_argument(fmt::format("the data has {} planes, the model generates {}",
                                            s.data->planes(), c.outputSections));
  s.device = modelDevice();
  auto& net = s.model.impl().net;
  net->to(s.device);
  net->train();
  for (auto& p : net->named_parameters()) {
    s.names.push_back(p.key());
    s.params.push_back(p.value());
    s.ema.push_back(p.value().detach().clone());
    s.adamM.push_back(torch::zeros_like(p.value()));
    s.adamV.push_back(torch::zeros_like(p.value()));
  }
  s.schedule.to(s.device);
}

ModelTrainer::~ModelTrainer() = default;

int ModelTrainer::trainingRows() const {
  const auto& g = state_->data->grid;
  return static_cast<int>(std::floor(g.height * (1.0 - state_->options.holdoutFraction)));
}

std::int64_t ModelTrainer::step() const {
  return state_->step;
}
MorphologyModel& ModelTrainer::model() {
  return state_->model;
}

MorphologyModel ModelTrainer::emaModel() const {
  const auto& s = *state_;
  MorphologyModel out(s.model.config(), s.model.genes(), 0);
  torch::NoGradGuard noGrad;
  auto params = out.impl().net->parameters();
  for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(s.ema[i].to(torch::kCPU));
  out.metadata() = s.model.metadata();
  out.metadata()["step"] = std::to_string(s.step);
  out.metadata()["weights"] = "ema";
  return out;
}

void ModelTrainer::writeCheckpoint() const {
  const auto& s = *state_;
  if (!s.options.statePath.empty()) {
    SafetensorsContent content;
    for (std::size_t i = 0; i < s.names.size(); ++i) {
      content.tensors["model." + s.names[i]] = toStoredTensor(s.params[i]);
      content.tensors["ema." + s.names[i]] = toStoredTensor(s.ema[i]);
      content.tensors["adam_m." + s.names[i]] = toStoredTensor(s.adamM[i]);
      content.tensors["adam_v." + s.names[i]] = toStoredTensor(s.adamV[i]);
    }
    content.metadata = s.model.metadata();
    content.metadata["format"] = "teramind-training-state";
    content.metadata["config"] = toJson(s.model.config());
    content.metadata["genes"] = nlohmann::json(s.model.genes()).dump();
    content.metadata["step"] = std::to_string(s.step);
    content.metadata["seed"] = std::to_string(s.options.seed);
    writeSafetensors(s.options.statePath, content);
  }
  if (!s.options.modelPath.empty()) emaModel().save(s.options.modelPath);
}

std::int64_t ModelTrainer::resumeIfPossible() {
  auto& s = *state_;
  if (s.options.statePath.empty() || !std::filesystem::exists(s.options.statePath)) return s.step;
  const auto& file = s.options.statePath;
  auto content = readSafetensors(file);
  auto& meta = content.metadata;
  if (meta["format"] != "teramind-training-state")
    throw FileError(file, "not a teramind training state (format '" + meta["format"] + "')");
  ModelConfig config;
  try {
    config = modelConfigFromJson(meta.at("config"));
  } catch (const std::exception& e) {
    throw FileError(file, std::string("bad configuration: ") + e.what());
  }
  if (!sameArchitecture(config, s.model.config()))
    throw FileError(file, "was trained with another model configuration (" + config.name + ")");
  if (meta["genes"] != nlohmann::json(s.model.genes()).dump())
    throw FileError(file, "was trained with another gene panel");
  if (meta["seed"] != std::to_string(s.options.seed))
    throw FileError(file, "was trained with seed " + meta["seed"] + ", not " +
                              std::to_string(s.options.seed) +
                              " (resuming would not reproduce it)");
  loadTensors(s.names, s.params, content, "model.", file);
  loadTensors(s.names, s.ema, content, "ema.", file);
  loadTensors(s.names, s.adamM, content, "adam_m.", file);
  loadTensors(s.names, s.adamV, content, "adam_v.", file);
  s.step = std::stoll(meta.at("step"));
  return s.step;
}

void ModelTrainer::run(const std::function<bool(const TrainingProgress&)>& report) {
  auto& s = *state_;
  const auto& c = s.model.config();
  auto& net = s.model.impl().net;
  const int windowBins = 2 * c.geneBinsPerPatch;
  const int rows = trainingRows();
  const bool cuda = s.device.is_cuda();
  auto lastReport = std::chrono::steady_clock::now();
  std::int64_t stepsSinceReport = 0;
  double lossSinceReport = 0;
  auto emit = [&](bool force) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - lastReport).count();
    if (!force && seconds < 1.0) return true;
    TrainingProgress p;
    p.step = s.step;
    p.steps = s.options.steps;
    p.loss = stepsSinceReport ? lossSinceReport / stepsSinceReport : 0;
    p.learningRate = learningRateAt(s.options, std::max<std::int64_t>(0, s.step - 1));
    p.stepsPerSecond = seconds > 0 ? stepsSinceReport / seconds : 0;
    p.device = cuda ? "cuda" : "cpu";
    lastReport = now;
    stepsSinceReport = 0;
    lossSinceReport = 0;
    return report ? report(p) : true;
  };

  while (s.step < s.options.steps) {
    const std::uint64_t seed = stepSeed(s.options.seed, s.step);
    std::mt19937_64 rng(seed);
    torch::manual_seed(seed);  // dropout
    auto generator = at::detail::createCPUGenerator(seed ^ 0xD1B54A32D192ED03ull);

    // Crops drawn in order (the run depends on the seed only), cut in parallel: on a GPU the
    // windows of a large batch would otherwise cost more than the network.
    struct Crop {
      int bx, by, z0, rot;
      bool flip;
    };
    std::vector<Crop> crops(static_cast<std::size_t>(s.options.batch));
    for (auto& crop : crops) {
      crop.bx = std::uniform_int_distribution<int>(0, s.data->grid.width - windowBins)(rng);
      crop.by = std::uniform_int_distribution<int>(0, rows - windowBins)(rng);
      crop.z0 = std::uniform_int_distribution<int>(0, s.data->planes() - c.outputSections)(rng);
      crop.rot = std::uniform_int_distribution<int>(0, 3)(rng);
      crop.flip = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    }
    std::vector<torch::Tensor> xs(crops.size()), gs(crops.size());
    at::parallel_for(0, std::int64_t(crops.size()), 1, [&](std::int64_t begin, std::int64_t end) {
      for (auto b = std::size_t(begin); b < std::size_t(end); ++b) {
        const auto& crop = crops[b];
        auto window = extractWindow(*s.data, c, crop.bx, crop.by, windowBins, windowBins, crop.z0);
        auto [x, g] = windowTensors(window, c, static_cast<int>(s.data->stainNames.size()));
        if (s.options.augment) {
          x = torch::rot90(x, crop.rot, {-2, -1});
          g = torch::rot90(g, crop.rot, {-2, -1});
          if (crop.flip) {
            x = x.flip({-1});
            g = g.flip({-1});
          }
        }
        xs[b] = toPatches(x.contiguous(), c.patchSize);
        gs[b] = toPatches(g.contiguous(), c.geneBinsPerPatch);
      }
    });
    auto x0 = torch::cat(xs).to(s.device);
    auto genes = torch::cat(gs).to(s.device);
    auto t = torch::randint(0, c.timesteps, {s.options.batch}, generator, torch::kLong);
    auto noise = torch::randn(x0.sizes(), generator, torch::kFloat32).to(s.device);
    t = t.to(s.device);
    auto xt = s.schedule.diffuse(x0, t.repeat_interleave(4), noise);

    network::GeneMorphUNetImpl::Output out;
    {
      CudaAutocast autocast(cuda && s.options.mixedPrecision);
      out = net->forward(xt, t, genes, 2, 2, {true, true});
    }
    auto loss = torch::mse_loss(out.original.to(torch::kFloat32), noise) +
                torch::mse_loss(out.collage.to(torch::kFloat32), network::toCollage(noise, 2, 2));
    for (auto& p : s.params) p.mutable_grad() = torch::Tensor();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(s.params, s.options.gradientClip);
    {
      torch::NoGradGuard noGrad;
      const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
      const double n = static_cast<double>(s.step + 1);
      const double stepSize = learningRateAt(s.options, s.step) / (1 - std::pow(b1, n));
      const double vCorrection = std::sqrt(1 - std::pow(b2, n));
      // EMA warm-up (1 + n)/(10 + n): without it the average stays mostly the initial weights
      // for the first few thousand steps (0.999^1000 = 37 %).
      const double decay = std::min(s.options.emaDecay, (1 + n) / (10 + n));
      for (std::size_t i = 0; i < s.params.size(); ++i) {
        const auto& grad = s.params[i].grad();
        if (!grad.defined()) continue;
        s.adamM[i].mul_(b1).add_(grad, 1 - b1);
        s.adamV[i].mul_(b2).addcmul_(grad, grad, 1 - b2);
        s.params[i].addcdiv_(s.adamM[i], s.adamV[i].sqrt().div_(vCorrection).add_(eps), -stepSize);
        s.ema[i].mul_(decay).add_(s.params[i], 1 - decay);
      }
    }
    ++s.step;
    lossSinceReport += loss.item<double>();
    ++stepsSinceReport;
    const bool checkpoint =
        s.options.checkpointEvery > 0 && s.step % s.options.checkpointEvery == 0;
    if (checkpoint) writeCheckpoint();
    if (!emit(s.step == s.options.steps)) {
      if (!checkpoint) writeCheckpoint();
      return;
    }
  }
  writeCheckpoint();
}

}  // namespace teramind
