#include "analysis/NucleusCounter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace teramind {

int nucleusMinAreaPx(double pixelUm) {
  return std::max(4, static_cast<int>(std::lround(20.0 / (pixelUm * pixelUm))));
}

NucleusCount countNuclei(const GreyImage& image, int minAreaPx) {
  NucleusCount result;
  if (image.pixels.empty()) return result;
  const auto [lo, hi] = std::minmax_element(image.pixels.begin(), image.pixels.end());
  const double low = *lo, span = std::max(1e-12, double(*hi) - low);
  std::array<double, 256> histogram{};
  for (float v : image.pixels)
    histogram[std::min<std::size_t>(255, std::size_t((v - low) / span * 256))] += 1;
  // Otsu: maximise the between-class variance.
  const double total = double(image.pixels.size());
  double sumAll = 0;
  for (int i = 0; i < 256; ++i) sumAll += i * histogram[i];
  double weightBack = 0, sumBack = 0, best = -1;
  int bestLevel = 0;
  for (int i = 0; i < 256; ++i) {
    weightBack += histogram[i];
    if (weightBack == 0) continue;
    const double weightFore = total - weightBack;
    if (weightFore == 0) break;
    sumBack += i * histogram[i];
    const double meanBack = sumBack / weightBack, meanFore = (sumAll - sumBack) / weightFore;
    const double between = weightBack * weightFore * (meanBack - meanFore) * (meanBack - meanFore);
    if (between > best) {
      best = between;
      bestLevel = i;
    }
  }
  result.threshold = low + (bestLevel + 1) * span / 256;
  const int w = image.width, h = image.height;
  std::vector<char> seen(image.pixels.size(), 0);
  std::vector<int> stack;
  double areaSum = 0;
  for (int start = 0; start < w * h; ++start) {
    if (seen[start] || image.pixels[start] < result.threshold) continue;
    int area = 0;
    stack.assign(1, start);
    seen[start] = 1;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      ++area;
      const int x = p % w, y = p / w;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const int q = ny * w + nx;
          if (!seen[q] && image.pixels[q] >= result.threshold) {
            seen[q] = 1;
            stack.push_back(q);
          }
        }
    }
    if (area >= minAreaPx) {
      ++result.nuclei;
      areaSum += area;
      result.areasPx.push_back(area);
    }
  }
  result.meanAreaPx = result.nuclei ? areaSum / result.nuclei : 0;
  return result;
}

}  // namespace teramind
