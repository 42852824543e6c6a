#pragma once

#include <string>
#include <vector>

namespace teramind {

// The gm-UNet hyper-parameters. The official configurations reproduce CTPLab/Tera-MIND's
// `unet_ours` model exactly (same tensor names, shapes and parameter counts); the small ones
// keep its structure with fewer channels so it trains on a CPU.
struct ModelConfig {
  std::string name = "custom";
  int genes = 229;         // tokens of the gene-gene block (rna_num)
  int modelChannels = 64;  // base channels of the UNet
  std::vector<int> channelMult{1, 2, 4, 8};
  int resBlocksPerLevel = 2;
  int embedChannels = 512;                    // time embedding
  std::vector<int> attentionResolutions{16};  // in-plane sizes with gene-conditioned attention
  // Gene feature channels at the levels above the deepest one, deep to shallow (the deepest
  // level gets the gene-gene block's `genes` channels).
  std::vector<int> genePyramidChannels{128, 64, 32};
  int patchSize = 64;        // in-plane pixels of one patch
  int geneBinsPerPatch = 4;  // gene bins across one patch (16 px bins)
  int geneSections = 4;      // sections of gene context (outputs plus one neighbour each side)
  int outputSections = 2;    // sections generated per patch
  int stains = 2;            // DAPI, PolyT
  int attentionWindows = 2;  // windows per axis in the gene-conditioned attention
  float dropout = 0.1f;
  double pixelUm = 0.108;  // in-plane pixel the model was trained at
  // Diffusion (DDPM, linear beta, epsilon prediction).
  int timesteps = 1000;
  double betaStart = 1e-4;
  double betaEnd = 0.02;

  int levels() const { return static_cast<int>(channelMult.size()); }
  int geneTokenDim() const { return geneBinsPerPatch * geneBinsPerPatch * geneSections; }
  int binPixels() const { return patchSize / geneBinsPerPatch; }

  // Throws std::invalid_argument naming the first inconsistent field.
  void validate() const;
};

// "official-229", "official-500", "demo", "tiny". `genes` > 0 overrides the gene count of the
// small configurations (the official ones fix it). Throws std::invalid_argument for an unknown
// name, listing the known ones.
ModelConfig namedModelConfig(const std::string& name, int genes = 0);

// Same architecture and diffusion schedule (the name may differ).
bool sameArchitecture(const ModelConfig& a, const ModelConfig& b);
std::vector<std::string> namedModelConfigNames();

std::string toJson(const ModelConfig& config);
ModelConfig modelConfigFromJson(const std::string& json);

}  // namespace teramind
