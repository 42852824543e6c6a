#include "analysis/PathwayRegression.h"

#include <cmath>
#include <cstddef>
#include <stdexcept>

#include <fmt/core.h>

namespace teramind {

PathwayRegression pathwayRegression(const PathwayMap& map, const PathwayMapInput& input) {
  const std::size_t bins = std::size_t(map.width) * std::size_t(map.height);
  if (map.width != input.width || map.height != input.height || map.bothExpressed.size() != bins ||
      map.rawLevel.size() != bins || input.countA.size() != bins || input.countB.size() != bins)
    throw std::invalid_argument("pathwayRegression: the map and its input differ in size");
  PathwayRegression r;
  for (int y = 0; y < map.height; ++y)
    for (int x = 0; x < map.width; ++x) {
      const std::size_t i = std::size_t(y) * std::size_t(map.width) + std::size_t(x);
      if (!map.bothExpressed[i]) continue;
      r.x.push_back(x);
      r.y.push_back(y);
      r.level.push_back(map.rawLevel[i]);
      r.log2A.push_back(std::log2(input.countA[i] + 1.0));
      r.log2B.push_back(std::log2(input.countB[i] + 1.0));
    }
  return r;
}

std::string pathwayRegressionCsv(const PathwayRegression& r, const std::string& geneA,
                                 const std::string& geneB) {
  std::string csv = fmt::format("x_bin,y_bin,level,log2_expr_{},log2_expr_{}\n", geneA, geneB);
  for (std::size_t i = 0; i < r.level.size(); ++i)
    csv += fmt::format("{},{},{:.6g},{:.6g},{:.6g}\n", r.x[i], r.y[i], r.level[i], r.log2A[i],
                       r.log2B[i]);
  return csv;
}

}  // namespace teramind
