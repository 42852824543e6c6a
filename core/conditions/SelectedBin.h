#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "transcriptomics/BinnedCondition.h"

namespace teramind {

// One bin an edit touches and how strongly: weight in (0, 1], 1 inside a hard edge.
struct SelectedBin {
  BinIndex bin;
  double weight = 1.0;
};

// Bins in ascending BinnedCondition::key order, so that edits touch them in a fixed order.
std::vector<SelectedBin> sortedSelection(const std::unordered_map<std::uint64_t, double>& weights);

}  // namespace teramind
