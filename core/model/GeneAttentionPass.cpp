#include "model/GeneAttentionPass.h"

#include <stdexcept>

#include "model/MorphologyModelImpl.h"
#include "model/PatchTensors.h"

namespace teramind {

void geneAttentionPass(const MorphologyModel& model, const PairedSection& condition, int z0,
                       int bx0, int by0, int widthBins, int heightBins,
                       const std::function<void(const AttentionPatch&)>& visit, int batch) {
  const auto& c = model.config();
  if (condition.genes != model.genes())
    throw std::invalid_argument("the condition's genes differ from the model's panel");
  const int b = c.geneBinsPerPatch;
  auto floorDiv = [](int a, int d) { return a >= 0 ? a / d : -((-a + d - 1) / d); };
  // Patch centres j·b inside [bx0, bx0 + widthBins).
  const int j0 = floorDiv(bx0 + b - 1, b), j1 = floorDiv(bx0 + widthBins - 1, b);
  const int i0 = floorDiv(by0 + b - 1, b), i1 = floorDiv(by0 + heightBins - 1, b);
  if (j1 < j0 || i1 < i0) return;
  auto& net = model.impl().net;
  const torch::Device device = modelDevice();
  net->to(device);
  net->eval();
  torch::NoGradGuard noGrad;
  std::vector<std::pair<int, int>> pending;
  std::vector<torch::Tensor> genes;
  auto flush = [&] {
    if (pending.empty()) return;
    torch::Tensor attention;
    net->geneFeatures(torch::cat(genes).to(device), &attention);
    attention = attention.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto g2 = std::size_t(c.genes) * std::size_t(c.genes);
    for (std::size_t k = 0; k < pending.size(); ++k)
      visit({pending[k].first, pending[k].second, attention.data_ptr<float>() + k * g2});
    pending.clear();
    genes.clear();
  };
  for (int i = i0; i <= i1; ++i)
    for (int j = j0; j <= j1; ++j) {
      genes.push_back(
          geneWindowTensor(condition, c, j * b - b / 2, i * b - b / 2, b, b, z0).unsqueeze(0));
      pending.emplace_back(i, j);
      if (static_cast<int>(pending.size()) >= batch) flush();
    }
  flush();
}

}  // namespace teramind
