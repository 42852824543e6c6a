#include <chrono>
#include <filesystem>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "Commands.h"
#include "ProgressBar.h"
#include "common/FileError.h"
#include "io/SpatialDataset.h"
#include "model/ComputeRuntime.h"
#include "model/ModelConfig.h"
#include "model/ModelTrainer.h"
#include "model/MorphologyModel.h"
#include "model/PairedSection.h"
#include "model/PairedSectionFile.h"
#include "transcriptomics/GenePanel.h"

namespace teramind::cli {
namespace {

void printModel(const ModelConfig& c, std::int64_t parameters,
                const std::vector<std::string>* genes) {
  fmt::print("config: {}\n", c.name);
  fmt::print("genes: {}\n", c.genes);
  fmt::print("model_channels: {}\n", c.modelChannels);
  fmt::print("channel_mult: {}\n", fmt::join(c.channelMult, " "));
  fmt::print("res_blocks_per_level: {}\n", c.resBlocksPerLevel);
  fmt::print("embed_channels: {}\n", c.embedChannels);
  fmt::print("attention_resolutions: {}\n", fmt::join(c.attentionResolutions, " "));
  fmt::print("gene_pyramid_channels: {}\n", fmt::join(c.genePyramidChannels, " "));
  fmt::print("patch: {} px x {} sections x {} stains\n", c.patchSize, c.outputSections, c.stains);
  fmt::print("gene_input: {} genes x {} sections x {}x{} bins of {} px\n", c.genes, c.geneSections,
             c.geneBinsPerPatch, c.geneBinsPerPatch, c.binPixels());
  fmt::print("pixel_um: {}\n", c.pixelUm);
  fmt::print("diffusion: T={} linear beta {}..{}, epsilon prediction\n", c.timesteps, c.betaStart,
             c.betaEnd);
  if (genes) fmt::print("gene_panel: {}\n", fmt::join(*genes, " "));
  fmt::print("parameters: {}\n", parameters);
}

struct InfoArguments {
  std::string config;
  std::string weights;
  int genes = 0;
  bool tensors = false;
};

void runInfo(const InfoArguments& a) {
  if (a.config.empty() == a.weights.empty())
    throw std::invalid_argument("give exactly one of --config NAME or --weights FILE");
  if (!a.config.empty()) {
    const auto config = namedModelConfig(a.config, a.genes);
    std::vector<std::string> genes(std::size_t(config.genes));
    for (std::size_t g = 0; g < genes.size(); ++g) genes[g] = fmt::format("gene{}", g);
    MorphologyModel model(config, genes, 0);
    printModel(config, model.parameterCount(), nullptr);
    if (a.tensors)
      for (const auto& p : model.parameters())
        fmt::print("{} [{}]\n", p.name, fmt::join(p.shape, ", "));
    return;
  }
  const auto model = MorphologyModel::load(a.weights);
  printModel(model.config(), model.parameterCount(), &model.genes());
  for (const auto& [k, v] : model.metadata())
    if (k != "format") fmt::print("{}: {}\n", k, v);
  if (a.tensors)
    for (const auto& p : model.parameters())
      fmt::print("{} [{}]\n", p.name, fmt::join(p.shape, ", "));
}

struct TrainArguments {
  std::string data;
  std::string config = "demo";
  int genes = 0;
  std::string panel;
  std::string out;
  std::string state;
  std::string init;
  TrainingOptions options;
  int threads = 0;
  std::string commandLine;
};

// The pathway genes of METHOD.md first (where the data has them), then the most expressed.
const std::vector<std::string> kRequiredGenes = {"Slc17a6", "Slc17a7", "Cldn5",
                                                 "Aqp4",    "Th",      "Nr4a2"};

struct TrainingData {
  std::filesystem::path path;
  ModelConfig config;
  std::vector<std::string> genes;
  std::shared_ptr<PairedSection> section;
};

// A dataset is binned and resampled here; a paired section saved by `teramind prepare` is used
// as it is, its genes the panel unless --panel names another order.
TrainingData trainingData(const std::string& dataArg, const std::string& configName, int geneCount,
                          const std::string& panel) {
  TrainingData d;
  d.path = dataArg.empty() ? bundledDemoDataset() : std::filesystem::path(dataArg);
  if (!panel.empty()) d.genes = GenePanel::resolve(panel).genes;
  if (isPairedSectionFile(d.path)) {
    if (d.genes.empty()) d.genes = pairedSectionGenes(d.path);
    if (geneCount > 0 && geneCount != static_cast<int>(d.genes.size()))
      throw std::invalid_argument(fmt::format("{} holds {} genes, not --genes {}", d.path.string(),
                                              d.genes.size(), geneCount));
    d.config = namedModelConfig(configName, static_cast<int>(d.genes.size()));
    d.section = std::make_shared<PairedSection>(openPairedSection(d.path, d.config, d.genes));
    return d;
  }
  ProgressBar reading("reading");
  const SpatialDataset dataset = loadSpatialDataset(d.path, std::ref(reading));
  d.config = namedModelConfig(configName, d.genes.empty() ? geneCount : int(d.genes.size()));
  if (d.genes.empty()) {
    d.genes = mostExpressedGenes(dataset, d.config.genes, kRequiredGenes);
    if (static_cast<int>(d.genes.size()) < d.config.genes)
      throw std::invalid_argument(fmt::format("the data has {} genes, configuration {} needs {}",
                                              d.genes.size(), d.config.name, d.config.genes));
  }
  d.section = std::make_shared<PairedSection>(preparePairedSection(dataset, d.config, d.genes));
  return d;
}

struct PrepareArguments {
  std::string data;
  std::string config = "demo";
  int genes = 0;
  std::string panel;
  std::string out;
};

void runPrepare(const PrepareArguments& a) {
  const std::filesystem::path out(a.out);
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  const auto d = trainingData(a.data, a.config, a.genes, a.panel);
  savePairedSection(a.out, *d.section, d.path.string());
  fmt::print("data: {} ({} x {} bins of {:.3f} um, {} planes, {} x {} px, {} genes)\n",
             d.path.string(), d.section->grid.width, d.section->grid.height, d.section->grid.binUm,
             d.section->planes(), d.section->widthPx(), d.section->heightPx(), d.genes.size());
  fmt::print("paired_section: {} ({} bytes)\n", a.out, std::filesystem::file_size(a.out));
}

// Fine-tuning starts from a checkpoint's weights (EMA and all), with fresh optimiser moments.
MorphologyModel initialModel(const std::filesystem::path& file, const ModelConfig& config,
                             const std::vector<std::string>& genes) {
  auto model = MorphologyModel::load(file);
  if (!sameArchitecture(model.config(), config))
    throw FileError(file, fmt::format("is configuration {}, not {}: it cannot start this training",
                                      model.config().name, config.name));
  if (model.genes() != genes)
    throw FileError(file, "has another gene panel (or order) than the training data");
  const auto step = model.metadata().count("step") ? model.metadata().at("step") : "?";
  model.metadata().clear();
  model.metadata()["initial_weights"] = fmt::format("{} (step {})", file.string(), step);
  return model;
}

void runTrain(TrainArguments a) {
  const auto runtime = configureComputeRuntime(a.threads);
  const auto d = trainingData(a.data, a.config, a.genes, a.panel);
  const auto& config = d.config;
  const auto& genes = d.genes;
  const auto& section = d.section;
  const auto& data = d.path;
  a.options.modelPath = a.out;
  a.options.statePath = a.state.empty()
                            ? std::filesystem::path(a.out).replace_extension(".state.safetensors")
                            : std::filesystem::path(a.state);
  // Fail now, not after hours of training, when an output cannot be written.
  for (const auto& file : {a.options.modelPath, a.options.statePath})
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  MorphologyModel model = a.init.empty() ? MorphologyModel(config, genes, a.options.seed)
                                         : initialModel(a.init, config, genes);
  model.metadata()["training_command"] = a.commandLine;
  model.metadata()["training_data"] = data.string();
  model.metadata()["holdout_fraction"] = fmt::format("{}", a.options.holdoutFraction);
  ModelTrainer trainer(std::move(model), section, a.options);
  const auto start = trainer.resumeIfPossible();
  fmt::print("data: {} ({} x {} bins of {:.3f} um, {} planes, {} x {} px)\n", data.string(),
             section->grid.width, section->grid.height, section->grid.binUm, section->planes(),
             section->widthPx(), section->heightPx());
  fmt::print("training_rows: {} of {} (the rest held out)\n", trainer.trainingRows(),
             section->grid.height);
  fmt::print("config: {} ({} parameters, {} genes)\n", config.name,
             trainer.model().parameterCount(), config.genes);
  fmt::print("device: {} ({} threads)\n", runtime.device, runtime.threads);
  if (start > 0) fmt::print("resumed: step {} from {}\n", start, a.options.statePath.string());
  std::fflush(stdout);
  ProgressBar bar("training");
  const auto t0 = std::chrono::steady_clock::now();
  auto lastLog = t0;
  trainer.run([&](const TrainingProgress& p) {
    const auto detail = fmt::format("step {}/{} loss {:.4f} lr {:.1e} {:.2f} steps/s", p.step,
                                    p.steps, p.loss, p.learningRate, p.stepsPerSecond);
    bar(double(p.step) / double(p.steps), detail);
    const auto now = std::chrono::steady_clock::now();
    if (!bar.drawing() && (now - lastLog > std::chrono::seconds(30) || p.step == p.steps)) {
      fmt::print("{}\n", detail);
      std::fflush(stdout);
      lastLog = now;
    }
    return true;
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("steps: {}\n", trainer.step());
  fmt::print("training_seconds: {:.1f}\n", seconds);
  fmt::print("model: {}\n", a.out);
  fmt::print("state: {}\n", a.options.statePath.string());
}

}  // namespace

void addModelCommands(CLI::App& app, const std::string& commandLine) {
  auto* model = app.add_subcommand("model", "Model configurations and checkpoints");
  model->require_subcommand(1);
  auto* info = model->add_subcommand(
      "info", "Print a configuration or a checkpoint and its parameter count");
  static InfoArguments infoArgs;
  info->add_option("--config", infoArgs.config, "official-229, official-500, demo or tiny");
  info->add_option("--weights", infoArgs.weights, "a .safetensors checkpoint");
  info->add_option("--genes", infoArgs.genes, "gene count for demo/tiny");
  info->add_flag("--tensors", infoArgs.tensors, "list every tensor name and shape");
  info->callback([] { runInfo(infoArgs); });

  auto* train =
      app.add_subcommand("train", "Train the model on paired transcripts and DAPI/PolyT images");
  static TrainArguments trainArgs;
  trainArgs.commandLine = commandLine;
  train->add_option("--data", trainArgs.data,
                    "spatial dataset with stains, or a paired section from `teramind prepare` "
                    "(default: the bundled demo)");
  train->add_option("--config", trainArgs.config, "model configuration")->capture_default_str();
  train->add_option("--genes", trainArgs.genes,
                    "panel size: pathway genes, then the most expressed");
  train->add_option("--panel", trainArgs.panel,
                    "gene panel preset or JSON file instead of --genes");
  train->add_option("--out", trainArgs.out, "model checkpoint (.safetensors), EMA weights")
      ->required();
  train->add_option("--state", trainArgs.state,
                    "training state for resuming (default OUT.state.safetensors)");
  train->add_option("--init", trainArgs.init,
                    "start from this checkpoint's weights (fine-tuning; same configuration and "
                    "genes), not from random ones");
  auto& o = trainArgs.options;
  train->add_option("--steps", o.steps, "total optimiser steps")->capture_default_str();
  train->add_option("--batch", o.batch, "2x2-patch windows per step")->capture_default_str();
  train->add_option("--lr", o.learningRate, "Adam learning rate")->capture_default_str();
  train
      ->add_option("--lr-decay-steps", o.learningRateDecaySteps,
                   "cosine-decay the learning rate over the last N steps")
      ->capture_default_str();
  train->add_option("--lr-decay-start", o.learningRateDecayStart,
                    "step the decay starts at (default: so that it ends at --steps; the rate "
                    "stays at --lr-final after it)");
  train->add_option("--lr-final", o.finalLearningRate, "learning rate at the last step")
      ->capture_default_str();
  train->add_option("--grad-clip", o.gradientClip, "global gradient-norm clip")
      ->capture_default_str();
  train->add_option("--ema", o.emaDecay, "EMA decay")->capture_default_str();
  train->add_option("--seed", o.seed, "seed of weights, crops, timesteps and noise")
      ->capture_default_str();
  train->add_option("--holdout", o.holdoutFraction, "fraction of bin rows (at the bottom) held out")
      ->capture_default_str();
  train->add_option("--checkpoint-every", o.checkpointEvery, "steps between checkpoints")
      ->capture_default_str();
  train->add_flag("!--no-augment", o.augment, "disable rot90/flip augmentation");
  train->add_option("--threads", trainArgs.threads, "CPU threads (default: all cores)");
  train->callback([] { runTrain(trainArgs); });

  auto* prepare = app.add_subcommand(
      "prepare",
      "Bin transcripts and resample stains onto a model's grid once, for `train --data` on a "
      "machine without the raw dataset");
  static PrepareArguments prepareArgs;
  prepare->add_option("--data", prepareArgs.data,
                      "spatial dataset with stains (default: the bundled demo)");
  prepare->add_option("--config", prepareArgs.config, "model configuration")->capture_default_str();
  prepare->add_option("--genes", prepareArgs.genes,
                      "panel size: pathway genes, then the most expressed");
  prepare->add_option("--panel", prepareArgs.panel,
                      "gene panel preset or JSON file instead of --genes");
  prepare->add_option("--out", prepareArgs.out, "paired section (.safetensors)")->required();
  prepare->callback([] { runPrepare(prepareArgs); });
}

}  // namespace teramind::cli
