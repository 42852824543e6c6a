#include "model/ModelConfig.h"

#include <stdexcept>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace teramind {

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("model configuration: " + what);
}

}  // namespace

void ModelConfig::validate() const {
  require(genes >= 1, "genes must be at least 1");
  require(modelChannels >= 1 && embedChannels >= 2 && embedChannels % 2 == 0,
          "modelChannels must be positive and embedChannels even");
  require(levels() >= 2, "channelMult needs at least two levels");
  require(static_cast<int>(genePyramidChannels.size()) == levels() - 1,
          fmt::format("genePyramidChannels needs {} entries (one per level above the deepest)",
                      levels() - 1));
  require(resBlocksPerLevel >= 1, "resBlocksPerLevel must be at least 1");
  require(geneBinsPerPatch >= 1 && patchSize == geneBinsPerPatch * (1 << levels()),
          fmt::format("patchSize ({}) must be geneBinsPerPatch × 2^levels ({})", patchSize,
                      geneBinsPerPatch * (1 << levels())));
  require(outputSections >= 1 && geneSections >= outputSections,
          "geneSections must be at least outputSections");
  require(stains >= 1, "stains must be at least 1");
  const int deepest = patchSize >> (levels() - 1);
  for (int r : attentionResolutions)
    require(r >= deepest && r <= patchSize && r % attentionWindows == 0,
            fmt::format("attention resolution {} must lie in [{}, {}] and divide into {} windows",
                        r, deepest, patchSize, attentionWindows));
  require(attentionWindows >= 1, "attentionWindows must be at least 1");
  require(dropout >= 0.f && dropout < 1.f, "dropout must lie in [0, 1)");
  require(pixelUm > 0, "pixelUm must be positive");
  require(timesteps >= 2 && betaStart > 0 && betaEnd < 1 && betaStart < betaEnd,
          "diffusion schedule needs timesteps ≥ 2 and 0 < betaStart < betaEnd < 1");
}

ModelConfig namedModelConfig(const std::string& name, int genes) {
  ModelConfig c;
  c.name = name;
  if (name == "official-229" || name == "official-500") {
    c.genes = name == "official-229" ? 229 : 500;
    if (genes > 0 && genes != c.genes)
      throw std::invalid_argument(
          fmt::format("configuration {} has {} genes, not {}", name, c.genes, genes));
  } else if (name == "demo") {
    // CPU-trainable: the official 32-px patch variant (2×2 gene bins per patch) with 16 base
    // channels and one ResBlock per level, on 8× coarser pixels (0.87 µm) so a nucleus spans
    // ~10 px and a 16-px gene bin (13.9 µm) about one cell. 3.8 M parameters for 64 genes.
    c.genes = genes > 0 ? genes : 64;
    c.modelChannels = 16;
    c.channelMult = {1, 2, 3, 4};
    c.patchSize = 32;
    c.geneBinsPerPatch = 2;
    c.resBlocksPerLevel = 1;
    c.embedChannels = 128;
    c.genePyramidChannels = {32, 16, 8};
    c.dropout = 0.f;
    c.pixelUm = 0.8684;
  } else if (name == "tiny") {
    c.genes = genes > 0 ? genes : 8;
    c.modelChannels = 4;
    c.channelMult = {1, 2, 2, 2};
    c.patchSize = 32;
    c.geneBinsPerPatch = 2;
    c.resBlocksPerLevel = 1;
    c.embedChannels = 16;
    c.pixelUm = 0.8684;
    c.genePyramidChannels = {8, 4, 4};
    c.dropout = 0.f;
  } else {
    throw std::invalid_argument(fmt::format("unknown model configuration '{}' (known: {})", name,
                                            fmt::join(namedModelConfigNames(), ", ")));
  }
  c.validate();
  return c;
}

std::vector<std::string> namedModelConfigNames() {
  return {"official-229", "official-500", "demo", "tiny"};
}

bool sameArchitecture(const ModelConfig& a, const ModelConfig& b) {
  auto named = [](ModelConfig c) {
    c.name.clear();
    return toJson(c);
  };
  return named(a) == named(b);
}

std::string toJson(const ModelConfig& c) {
  nlohmann::json j = {{"name", c.name},
                      {"genes", c.genes},
                      {"model_channels", c.modelChannels},
                      {"channel_mult", c.channelMult},
                      {"res_blocks_per_level", c.resBlocksPerLevel},
                      {"embed_channels", c.embedChannels},
                      {"attention_resolutions", c.attentionResolutions},
                      {"gene_pyramid_channels", c.genePyramidChannels},
                      {"patch_size", c.patchSize},
                      {"gene_bins_per_patch", c.geneBinsPerPatch},
                      {"gene_sections", c.geneSections},
                      {"output_sections", c.outputSections},
                      {"stains", c.stains},
                      {"attention_windows", c.attentionWindows},
                      {"dropout", c.dropout},
                      {"pixel_um", c.pixelUm},
                      {"timesteps", c.timesteps},
                      {"beta_start", c.betaStart},
                      {"beta_end", c.betaEnd}};
  return j.dump();
}

ModelConfig modelConfigFromJson(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("model configuration is not JSON: ") + e.what());
  }
  ModelConfig c;
  try {
    c.name = j.at("name").get<std::string>();
    c.genes = j.at("genes").get<int>();
    c.modelChannels = j.at("model_channels").get<int>();
    c.channelMult = j.at("channel_mult").get<std::vector<int>>();
    c.resBlocksPerLevel = j.at("res_blocks_per_level").get<int>();
    c.embedChannels = j.at("embed_channels").get<int>();
    c.attentionResolutions = j.at("attention_resolutions").get<std::vector<int>>();
    c.genePyramidChannels = j.at("gene_pyramid_channels").get<std::vector<int>>();
    c.patchSize = j.at("patch_size").get<int>();
    c.geneBinsPerPatch = j.at("gene_bins_per_patch").get<int>();
    c.geneSections = j.at("gene_sections").get<int>();
    c.outputSections = j.at("output_sections").get<int>();
    c.stains = j.at("stains").get<int>();
    c.attentionWindows = j.at("attention_windows").get<int>();
    c.dropout = j.at("dropout").get<float>();
    c.pixelUm = j.at("pixel_um").get<double>();
    c.timesteps = j.at("timesteps").get<int>();
    c.betaStart = j.at("beta_start").get<double>();
    c.betaEnd = j.at("beta_end").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("model configuration: ") + e.what());
  }
  c.validate();
  return c;
}

}  // namespace teramind
