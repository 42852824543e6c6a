#pragma once

#ifndef TERAMIND_INSIDE_MODEL
#error "model/MorphologyModelImpl.h is private to teramind_model (LibTorch)"
#endif

// Private to the model library: the LibTorch side of MorphologyModel.

#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "io/SafetensorsFile.h"
#include "model/MorphologyModel.h"
#include "model/network/GeneMorphUNet.h"

namespace teramind {

struct MorphologyModel::Impl {
  ModelConfig config;
  std::vector<std::string> genes;
  network::GeneMorphUNet net{nullptr};
  std::map<std::string, std::string> metadata;
};

// Tensor ↔ safetensors conversions (F32 written; F32, F16, BF16 and F64 read as float32).
StoredTensor toStoredTensor(const torch::Tensor& t);
torch::Tensor fromStoredTensor(const StoredTensor& t, const std::string& name,
                               const std::filesystem::path& file);

// Copies `tensors[prefix + name]` into every parameter of `net`; throws FileError naming the
// first missing tensor or shape mismatch (and, when `exact`, the first unexpected tensor).
void loadParameters(torch::nn::Module& net, const SafetensorsContent& content,
                    const std::string& prefix, const std::filesystem::path& file, bool exact);
// The same for tensors named names[i] (training state: weights, EMA, Adam moments).
void loadTensors(const std::vector<std::string>& names, std::vector<torch::Tensor>& targets,
                 const SafetensorsContent& content, const std::string& prefix,
                 const std::filesystem::path& file);

}  // namespace teramind
