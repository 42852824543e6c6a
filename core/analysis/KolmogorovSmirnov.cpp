#include "analysis/KolmogorovSmirnov.h"

#include <algorithm>
#include <cmath>

namespace teramind {

double kolmogorovSmirnovStatistic(std::vector<double> a, std::vector<double> b) {
  if (a.empty() || b.empty()) return std::nan("");
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double na = double(a.size()), nb = double(b.size());
  std::size_t i = 0, j = 0;
  double largest = 0;
  // Walk the merged values; both functions are compared only once every copy of the current
  // value has been counted, so ties between the samples do not open a false gap.
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    largest = std::max(largest, std::abs(double(i) / na - double(j) / nb));
  }
  // Once one sample is used up its function is 1 and the other's only rises towards it: the gap
  // can only shrink from there.
  return largest;
}

}  // namespace teramind
