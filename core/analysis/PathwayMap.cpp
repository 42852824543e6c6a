#include "analysis/PathwayMap.h"

#include <cmath>
#include <stdexcept>

namespace teramind {

std::vector<float> gaussianSmooth(const std::vector<float>& image, int width, int height,
                                  double sigma) {
  if (sigma <= 0) return image;
  const int r = static_cast<int>(std::ceil(3 * sigma));
  std::vector<double> k(std::size_t(2 * r + 1));
  double sum = 0;
  for (int i = -r; i <= r; ++i)
    sum += k[std::size_t(i + r)] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (auto& v : k) v /= sum;
  std::vector<float> tmp(image.size(), 0.0f), out(image.size(), 0.0f);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      double acc = 0;
      for (int i = -r; i <= r; ++i)
        if (x + i >= 0 && x + i < width)
          acc += k[std::size_t(i + r)] * image[std::size_t(y) * width + x + i];
      tmp[std::size_t(y) * width + x] = float(acc);
    }
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      double acc = 0;
      for (int i = -r; i <= r; ++i)
        if (y + i >= 0 && y + i < height)
          acc += k[std::size_t(i + r)] * tmp[std::size_t(y + i) * width + x];
      out[std::size_t(y) * width + x] = float(acc);
    }
  return out;
}

PathwayMap computePathwayMap(const PathwayMapInput& in, double sigmaBins) {
  const std::size_t n = std::size_t(in.width) * std::size_t(in.height);
  if (in.countA.size() != n || in.countB.size() != n || in.attention.size() != 4 * n ||
      in.genes < 1)
    throw std::invalid_argument("pathway map inputs do not match the grid");
  PathwayMap m;
  m.width = in.width;
  m.height = in.height;
  m.level.assign(n, 0.0f);
  m.weightedA.assign(n, 0.0f);
  m.weightedB.assign(n, 0.0f);
  m.bothExpressed.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const float* a = &in.attention[4 * i];
    const float ca = in.countA[i], cb = in.countB[i];
    m.weightedA[i] = a[0] * ca + a[1] * cb;
    m.weightedB[i] = a[2] * ca + a[3] * cb;
    if (ca > 0 && cb > 0) {
      m.bothExpressed[i] = 1;
      m.level[i] = float(std::log2(double(a[1]) * in.genes + 1.0));
    }
  }
  m.rawLevel = m.level;
  m.level = gaussianSmooth(m.level, in.width, in.height, sigmaBins);
  return m;
}

}  // namespace teramind
