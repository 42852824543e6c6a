#include "analysis/HierarchicalClustering.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "analysis/Correlation.h"

namespace teramind {

std::vector<std::size_t> averageLinkageOrder(const std::vector<double>& d, std::size_t n) {
  if (d.size() != n * n) throw std::invalid_argument("the distance matrix must be n × n");
  // Active clusters: their leaves (in order) and sizes; distances between clusters kept in `D`.
  std::vector<std::vector<std::size_t>> leaves(n);
  for (std::size_t i = 0; i < n; ++i) leaves[i] = {i};
  std::vector<double> D = d;
  std::vector<bool> active(n, true);
  for (std::size_t merges = 1; merges < n; ++merges) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t a = 0, b = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (active[i])
        for (std::size_t j = i + 1; j < n; ++j)
          if (active[j] && D[i * n + j] < best) {
            best = D[i * n + j];
            a = i;
            b = j;
          }
    const double na = double(leaves[a].size()), nb = double(leaves[b].size());
    for (std::size_t k = 0; k < n; ++k)
      if (active[k] && k != a && k != b) {
        const double v = (na * D[a * n + k] + nb * D[b * n + k]) / (na + nb);
        D[a * n + k] = D[k * n + a] = v;
      }
    leaves[a].insert(leaves[a].end(), leaves[b].begin(), leaves[b].end());
    leaves[b].clear();
    active[b] = false;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (active[i]) return leaves[i];
  return {};
}

std::vector<double> rowCorrelationDistances(const std::vector<double>& m, std::size_t n) {
  std::vector<std::vector<double>> rows(n);
  for (std::size_t i = 0; i < n; ++i)
    rows[i].assign(m.begin() + std::ptrdiff_t(i * n), m.begin() + std::ptrdiff_t((i + 1) * n));
  std::vector<double> d(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double r = pearson(rows[i], rows[j]);
      d[i * n + j] = d[j * n + i] = std::isnan(r) ? 1.0 : 1.0 - r;
    }
  return d;
}

}  // namespace teramind
