#pragma once

#include <algorithm>
#include <vector>

namespace teramind {

// Counts of values in `bins` equal bins over 0…maximum (a transfer function's value axis);
// values at or below zero (outside the tissue) are left out so they do not swamp the rest.
template <typename T>
std::vector<double> valueHistogram(const std::vector<T>& values, int bins) {
  std::vector<double> counts(std::size_t(std::max(bins, 1)), 0.0);
  double top = 0;
  for (const T& v : values) top = std::max(top, double(v));
  if (!(top > 0)) return counts;
  for (const T& v : values)
    if (double(v) > 0) {
      const auto b =
          std::min(counts.size() - 1, std::size_t(double(v) / top * double(counts.size())));
      counts[b] += 1;
    }
  return counts;
}

}  // namespace teramind
