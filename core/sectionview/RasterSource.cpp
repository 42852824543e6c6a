#include "sectionview/RasterSource.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sectionview/HalvingLevels.h"

namespace teramind {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The next level: each pixel the mean of the (up to) 2 × 2 finite pixels under it, NaN where
// all are NaN or past the edge.
std::vector<float> halve(const std::vector<float>& fine, std::int64_t w, std::int64_t h,
                         std::int64_t cw, std::int64_t ch) {
  std::vector<float> coarse(std::size_t(cw * ch), kNaN);
  for (std::int64_t y = 0; y < ch; ++y)
    for (std::int64_t x = 0; x < cw; ++x) {
      double sum = 0;
      int n = 0;
      for (std::int64_t dy = 0; dy < 2; ++dy)
        for (std::int64_t dx = 0; dx < 2; ++dx) {
          const auto fx = 2 * x + dx, fy = 2 * y + dy;
          if (fx >= w || fy >= h) continue;
          const float v = fine[std::size_t(fy * w + fx)];
          if (std::isnan(v)) continue;
          sum += v;
          ++n;
        }
      if (n > 0) coarse[std::size_t(y * cw + x)] = float(sum / n);
    }
  return coarse;
}

}  // namespace

RasterSource::RasterSource(std::string name, std::string channel, std::int64_t width,
                           std::int64_t height, double pixelUm, double originXUm, double originYUm,
                           std::vector<std::vector<float>> planes, int tile) {
  if (planes.empty()) throw std::invalid_argument("raster '" + name + "' has no planes");
  if (width <= 0 || height <= 0 || !(std::isfinite(pixelUm) && pixelUm > 0))
    throw std::invalid_argument("raster '" + name + "' has no pixels or a bad pixel size");
  for (const auto& p : planes)
    if (p.size() / std::size_t(width) != std::size_t(height) || p.size() % std::size_t(width) != 0)
      throw std::invalid_argument("raster '" + name + "' has a plane of another size");
  info_.name = std::move(name);
  info_.channels = {std::move(channel)};
  info_.planes = int(planes.size());
  info_.tile = std::max(tile, 1);
  info_.originXUm = originXUm;
  info_.originYUm = originYUm;
  info_.levels = halvingLevels(width, height, pixelUm, info_.tile);

  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& p : planes)
    for (const float v : p)
      if (std::isfinite(v)) {
        lo = std::min<double>(lo, v);
        hi = std::max<double>(hi, v);
      }
  if (lo > hi) {  // nothing finite: any range draws nothing
    lo = 0;
    hi = 1;
  }
  setValueRange(hi, lo, hi > lo ? hi : lo + 1);

  levels_.resize(info_.levels.size());
  levels_[0] = std::move(planes);
  for (std::size_t l = 1; l < info_.levels.size(); ++l) {
    const auto& fine = info_.levels[l - 1];
    const auto& coarse = info_.levels[l];
    for (const auto& p : levels_[l - 1])
      levels_[l].push_back(halve(p, fine.width, fine.height, coarse.width, coarse.height));
  }
}

void RasterSource::setValueRange(double valueMax, double contrastMin, double contrastMax) {
  info_.valueMax = valueMax;
  info_.contrastMin = contrastMin;
  info_.contrastMax = contrastMax;
}

TilePixels RasterSource::readTile(int level, int channel, int plane, std::int64_t row,
                                  std::int64_t col) const {
  const int tile = info_.tile;
  TilePixels pixels(std::size_t(tile) * std::size_t(tile), kNaN);
  if (level < 0 || level >= int(levels_.size()) || channel != 0 || plane < 0 ||
      plane >= info_.planes || row < 0 || col < 0)
    return pixels;
  const PyramidLevel& l = info_.levels[std::size_t(level)];
  const auto& values = levels_[std::size_t(level)][std::size_t(plane)];
  const std::int64_t x0 = col * tile, y0 = row * tile;
  if (x0 >= l.width || y0 >= l.height) return pixels;
  const std::int64_t w = std::min<std::int64_t>(tile, l.width - x0);
  const std::int64_t h = std::min<std::int64_t>(tile, l.height - y0);
  for (std::int64_t y = 0; y < h; ++y)
    std::copy_n(values.begin() + (y0 + y) * l.width + x0, w, pixels.begin() + y * tile);
  return pixels;
}

}  // namespace teramind
