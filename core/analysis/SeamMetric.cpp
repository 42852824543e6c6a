#include "analysis/SeamMetric.h"

namespace teramind {
namespace {
double squared(float a, float b) {
  return double(a - b) * double(a - b);
}
}  // namespace

void SeamMeter::addTile(const std::vector<float>& t) {
  const int T = tile_;
  for (int y = 0; y < T; ++y)
    for (int x = 0; x < T; ++x) {
      const float v = t[std::size_t(y) * T + x];
      if (x + 1 < T) interior_ += squared(v, t[std::size_t(y) * T + x + 1]);
      if (y + 1 < T) interior_ += squared(v, t[std::size_t(y + 1) * T + x]);
    }
  interiorPairs_ += 2 * std::int64_t(T) * (T - 1);
}

void SeamMeter::addHorizontalBorder(const std::vector<float>& left,
                                    const std::vector<float>& right) {
  const int T = tile_;
  for (int y = 0; y < T; ++y)
    border_ += squared(left[std::size_t(y) * T + T - 1], right[std::size_t(y) * T]);
  borderPairs_ += T;
}

void SeamMeter::addVerticalBorder(const std::vector<float>& top, const std::vector<float>& bottom) {
  const int T = tile_;
  for (int x = 0; x < T; ++x)
    border_ += squared(top[std::size_t(T - 1) * T + x], bottom[std::size_t(x)]);
  borderPairs_ += T;
}

double SeamMeter::ratio() const {
  return borderPairs_ && interiorPairs_ && interior_ > 0 ? borderEnergy() / interiorEnergy() : 0;
}

}  // namespace teramind
