#include "analysis/LineFit.h"

#include <stdexcept>

#include "analysis/Correlation.h"

namespace teramind {

LineFit fitLine(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("fitLine: x and y differ in length");
  LineFit f;
  f.n = x.size();
  if (f.n < 2) return f;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < f.n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= double(f.n);
  my /= double(f.n);
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < f.n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  f.slope = sxx > 0 ? sxy / sxx : 0;
  f.intercept = my - f.slope * mx;
  f.r = pearson(x, y);
  return f;
}

}  // namespace teramind
