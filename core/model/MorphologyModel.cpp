#include "model/MorphologyModel.h"

#include <cstring>
#include <mutex>

#include <ATen/CPUGeneratorImpl.h>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "model/MorphologyModelImpl.h"

namespace teramind {

StoredTensor toStoredTensor(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  StoredTensor s;
  s.dtype = "F32";
  s.shape = c.sizes().vec();
  s.bytes.resize(static_cast<std::size_t>(c.numel()) * sizeof(float));
  std::memcpy(s.bytes.data(), c.data_ptr<float>(), s.bytes.size());
  return s;
}

torch::Tensor fromStoredTensor(const StoredTensor& s, const std::string& name,
                               const std::filesystem::path& file) {
  static const std::map<std::string, torch::ScalarType> types{{"F32", torch::kFloat32},
                                                              {"F16", torch::kFloat16},
                                                              {"BF16", torch::kBFloat16},
                                                              {"F64", torch::kFloat64}};
  auto it = types.find(s.dtype);
  if (it == types.end())
    throw FileError(file,
                    fmt::format("tensor '{}' has dtype {}, not a floating type", name, s.dtype));
  auto t = torch::empty(s.shape, torch::TensorOptions(it->second));
  std::memcpy(t.data_ptr(), s.bytes.data(), s.bytes.size());
  return t.to(torch::kFloat32);
}

void loadTensors(const std::vector<std::string>& names, std::vector<torch::Tensor>& targets,
                 const SafetensorsContent& content, const std::string& prefix,
                 const std::filesystem::path& file) {
  torch::NoGradGuard noGrad;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto name = prefix + names[i];
    auto& target = targets.at(i);
    auto it = content.tensors.find(name);
    if (it == content.tensors.end())
      throw FileError(file, fmt::format("tensor '{}' is missing (the model needs shape [{}])", name,
                                        fmt::join(target.sizes(), ", ")));
    if (it->second.shape != target.sizes().vec())
      throw FileError(
          file, fmt::format("tensor '{}' has shape [{}], the model needs [{}]", name,
                            fmt::join(it->second.shape, ", "), fmt::join(target.sizes(), ", ")));
    target.copy_(fromStoredTensor(it->second, name, file));
  }
}

void loadParameters(torch::nn::Module& net, const SafetensorsContent& content,
                    const std::string& prefix, const std::filesystem::path& file, bool exact) {
  auto params = net.named_parameters();
  std::vector<std::string> names;
  std::vector<torch::Tensor> tensors;
  for (auto& p : params) {
    names.push_back(p.key());
    tensors.push_back(p.value());
  }
  loadTensors(names, tensors, content, prefix, file);
  if (!exact) return;
  for (const auto& [name, t] : content.tensors)
    if (name.rfind(prefix, 0) == 0 && !params.contains(name.substr(prefix.size())))
      throw FileError(file,
                      fmt::format("tensor '{}' does not belong to this model configuration", name));
}

MorphologyModel::MorphologyModel(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

MorphologyModel::MorphologyModel(const ModelConfig& config, std::vector<std::string> genes,
                                 std::uint64_t seed)
    : impl_(std::make_shared<Impl>()) {
  config.validate();
  if (static_cast<int>(genes.size()) != config.genes)
    throw std::invalid_argument(fmt::format("configuration {} needs {} genes, the panel has {}",
                                            config.name, config.genes, genes.size()));
  impl_->config = config;
  impl_->genes = std::move(genes);
  // Initialise from `seed` without leaving LibTorch's global generator reseeded. The
  // generator's own mutex cannot be held here: every init draw locks it.
  static std::mutex constructionMutex;
  std::lock_guard<std::mutex> lock(constructionMutex);
  auto generator = at::detail::getDefaultCPUGenerator();
  const auto saved = generator.get_state();
  generator.set_current_seed(seed);
  impl_->net = network::GeneMorphUNet(config);
  generator.set_state(saved);
}

MorphologyModel MorphologyModel::load(const std::filesystem::path& file) {
  auto content = readSafetensors(file);
  auto& meta = content.metadata;
  ModelConfig config;
  try {
    if (meta.count("config"))
      config = modelConfigFromJson(meta.at("config"));
    else if (meta.count("config_name"))
      config = namedModelConfig(meta.at("config_name"));
    else
      throw FileError(file, "no model configuration in the metadata (config or config_name)");
  } catch (const std::invalid_argument& e) {
    throw FileError(file, e.what());
  }
  std::vector<std::string> genes;
  if (meta.count("genes")) {
    try {
      genes = nlohmann::json::parse(meta.at("genes")).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
      throw FileError(file,
                      std::string("metadata 'genes' is not a JSON list of names: ") + e.what());
    }
  } else {
    for (int g = 0; g < config.genes; ++g) genes.push_back(fmt::format("gene{}", g));
  }
  if (static_cast<int>(genes.size()) != config.genes)
    throw FileError(file, fmt::format("the gene panel lists {} genes, the configuration needs {}",
                                      genes.size(), config.genes));
  auto impl = std::make_shared<Impl>();
  impl->config = config;
  impl->genes = std::move(genes);
  impl->net = network::GeneMorphUNet(config);
  loadParameters(*impl->net, content, "", file, /*exact=*/true);
  impl->metadata = meta;
  impl->metadata.erase("config");
  impl->metadata.erase("genes");
  return MorphologyModel(std::move(impl));
}

void MorphologyModel::save(const std::filesystem::path& path) const {
  SafetensorsContent content;
  for (auto& p : impl_->net->named_parameters())
    content.tensors[p.key()] = toStoredTensor(p.value());
  content.metadata = impl_->metadata;
  content.metadata["format"] = "teramind-model";
  content.metadata["config"] = toJson(impl_->config);
  content.metadata["genes"] = nlohmann::json(impl_->genes).dump();
  writeSafetensors(path, content);
}

const ModelConfig& MorphologyModel::config() const {
  return impl_->config;
}
const std::vector<std::string>& MorphologyModel::genes() const {
  return impl_->genes;
}

std::int64_t MorphologyModel::parameterCount() const {
  std::int64_t n = 0;
  for (auto& p : impl_->net->parameters()) n += p.numel();
  return n;
}

std::vector<ParameterInfo> MorphologyModel::parameters() const {
  std::vector<ParameterInfo> out;
  for (auto& p : impl_->net->named_parameters()) out.push_back({p.key(), p.value().sizes().vec()});
  return out;
}

std::map<std::string, std::string>& MorphologyModel::metadata() {
  return impl_->metadata;
}
const std::map<std::string, std::string>& MorphologyModel::metadata() const {
  return impl_->metadata;
}

std::int64_t MorphologyModel::trainingStep() const {
  auto it = impl_->metadata.find("step");
  return it == impl_->metadata.end() ? 0 : std::stoll(it->second);
}

std::filesystem::path bundledDemoModel() {
  return resourceDirectory() / "models" / "demo.safetensors";
}

}  // namespace teramind
