#include "transcriptomics/GeneCatalogue.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace teramind {

bool GeneCatalogue::isControlName(const std::string& name) {
  static constexpr std::array<std::string_view, 7> kPrefixes = {
      "blank", "negcontrol", "negprb", "unassigned", "deprecated", "systemcontrol", "intergenic"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return std::any_of(kPrefixes.begin(), kPrefixes.end(),
                     [&](std::string_view p) { return lower.rfind(p, 0) == 0; });
}

std::uint32_t GeneCatalogue::add(const std::string& name) {
  const auto found = index_.find(name);
  if (found != index_.end()) return found->second;
  const auto index = std::uint32_t(names_.size());
  names_.push_back(name);
  const bool control = isControlName(name);
  control_.push_back(control ? 1 : 0);
  controlCount_ += control ? 1 : 0;
  index_.emplace(name, index);
  return index;
}

std::optional<std::uint32_t> GeneCatalogue::find(const std::string& name) const {
  const auto found = index_.find(name);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

std::vector<std::string> GeneCatalogue::geneNames() const {
  std::vector<std::string> genes;
  genes.reserve(geneCount());
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (!control_[i]) genes.push_back(names_[i]);
  return genes;
}

}  // namespace teramind
