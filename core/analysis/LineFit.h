#pragma once

#include <cstddef>
#include <vector>

namespace teramind {

// A least-squares line y = slope · x + intercept through paired values, with Pearson's r.
struct LineFit {
  double slope = 0, intercept = 0, r = 0;
  std::size_t n = 0;  // pairs used
};

// All zero but n for fewer than 2 pairs; slope 0 (intercept the mean of y) when x is constant,
// r then NaN (see pearson). `x` and `y` must have the same size.
LineFit fitLine(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace teramind
