#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/ModelConfig.h"

namespace teramind {

struct ParameterInfo {
  std::string name;  // the official state-dict name, e.g. "input_blocks.1.0.in_layers.2.weight"
  std::vector<std::int64_t> shape;
};

// The Tera-MIND gm-UNet with its gene panel: what a checkpoint holds and what sampling and
// training act on. LibTorch stays behind this class.
class MorphologyModel {
 public:
  // Fresh weights, deterministic for a seed. `genes` gives the panel order of the condition
  // channels; its size must equal config.genes.
  MorphologyModel(const ModelConfig& config, std::vector<std::string> genes, std::uint64_t seed);
  // A safetensors checkpoint (ours, or an official one converted by
  // tools/convert_official_checkpoint.py). Throws FileError naming the file and, for a
  // mismatch, the tensor.
  static MorphologyModel load(const std::filesystem::path& checkpoint);
  // Writes the weights with configuration, gene panel and `metadata` (step, training
  // command, …) as safetensors.
  void save(const std::filesystem::path& path) const;

  const ModelConfig& config() const;
  const std::vector<std::string>& genes() const;
  std::int64_t parameterCount() const;
  std::vector<ParameterInfo> parameters() const;
  std::map<std::string, std::string>& metadata();
  const std::map<std::string, std::string>& metadata() const;
  std::int64_t trainingStep() const;  // 0 when unknown

  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  explicit MorphologyModel(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// The demo model shipped in resources/models/ (trained on the bundled Vizgen crop).
std::filesystem::path bundledDemoModel();

}  // namespace teramind
