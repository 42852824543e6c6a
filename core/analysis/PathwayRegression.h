#pragma once

#include <string>
#include <vector>

#include "analysis/PathwayMap.h"

namespace teramind {

// The bins of a pathway map where both genes are expressed: the unsmoothed level against each
// gene's log2(count + 1), for the regression `teramind attention` prints and writes.
struct PathwayRegression {
  std::vector<int> x, y;                    // bins, row-major order
  std::vector<double> level, log2A, log2B;  // per bin
};

PathwayRegression pathwayRegression(const PathwayMap& map, const PathwayMapInput& input);

// "x_bin,y_bin,level,log2_expr_<A>,log2_expr_<B>", values with 6 significant digits.
std::string pathwayRegressionCsv(const PathwayRegression& regression, const std::string& geneA,
                                 const std::string& geneB);

}  // namespace teramind
