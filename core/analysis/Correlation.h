#pragma once

#include <vector>

namespace teramind {

// Pearson's r of paired values; NaN when either side is constant or fewer than 2 pairs.
double pearson(const std::vector<double>& a, const std::vector<double>& b);
// Spearman's ρ: Pearson's r of the ranks, ties given their mean rank.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace teramind
