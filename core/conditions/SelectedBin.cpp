#include "conditions/SelectedBin.h"

#include <algorithm>

namespace teramind {

std::vector<SelectedBin> sortedSelection(const std::unordered_map<std::uint64_t, double>& weights) {
  std::vector<std::pair<std::uint64_t, double>> raw(weights.begin(), weights.end());
  std::sort(raw.begin(), raw.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<SelectedBin> out;
  out.reserve(raw.size());
  for (const auto& [key, weight] : raw) out.push_back({BinnedCondition::unpack(key), weight});
  return out;
}

}  // namespace teramind
