#include "studio/GeneMapping.h"

#include <algorithm>
#include <set>

namespace teramind {
namespace {

std::string listed(const std::vector<std::string>& genes, std::size_t shown) {
  std::string text;
  for (std::size_t i = 0; i < genes.size() && i < shown; ++i) text += (i ? ", " : "") + genes[i];
  if (genes.size() > shown) text += ", … (" + std::to_string(genes.size() - shown) + " more)";
  return text;
}

}  // namespace

GeneMapping mapGenes(const std::vector<std::string>& datasetGenes,
                     const std::vector<std::string>& modelGenes) {
  const std::set<std::string> data(datasetGenes.begin(), datasetGenes.end());
  const std::set<std::string> model(modelGenes.begin(), modelGenes.end());
  GeneMapping mapping;
  for (const auto& g : modelGenes)
    (data.count(g) ? mapping.measured : mapping.missing).push_back(g);
  for (const auto& g : data)
    if (!model.count(g)) mapping.unknown.push_back(g);
  return mapping;
}

std::string GeneMapping::summary() const {
  std::string text = std::to_string(measured.size()) + " of " +
                     std::to_string(measured.size() + missing.size()) + " model genes measured";
  if (!missing.empty()) text += "; missing (zero): " + listed(missing, 8);
  if (!unknown.empty())
    text += "; " + std::to_string(unknown.size()) +
            " data genes outside the model: " + listed(unknown, 8);
  return text;
}

}  // namespace teramind
