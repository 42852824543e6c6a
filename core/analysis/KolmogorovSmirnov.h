#pragma once

#include <vector>

namespace teramind {

// The two-sample Kolmogorov-Smirnov statistic: the largest distance between the empirical
// distribution functions of `a` and `b`, sup_x |F_a(x) − F_b(x)|, in [0, 1] (as scipy's
// ks_2samp statistic). Ties are handled by stepping past every copy of a value in both samples
// before comparing. NaN when either sample is empty: there is no distribution to compare,
// and 0 would read as a perfect match.
double kolmogorovSmirnovStatistic(std::vector<double> a, std::vector<double> b);

}  // namespace teramind
