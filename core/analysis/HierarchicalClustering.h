#pragma once

#include <cstddef>
#include <vector>

namespace teramind {

// Leaf order of average-linkage (UPGMA) agglomerative clustering of n items given their
// n × n distance matrix (symmetric, row-major): the order a clustered heatmap shows. Ties merge
// the pair with the smallest indices first, so the order is deterministic.
std::vector<std::size_t> averageLinkageOrder(const std::vector<double>& distances, std::size_t n);

// 1 − Pearson's r between the rows of an n × n matrix (0 for identical profiles, 1 for a
// constant row): genes that attend alike end up together.
std::vector<double> rowCorrelationDistances(const std::vector<double>& matrix, std::size_t n);

}  // namespace teramind
