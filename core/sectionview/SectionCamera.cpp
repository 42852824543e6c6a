#include "sectionview/SectionCamera.h"

#include <algorithm>
#include <cmath>

namespace teramind {

std::array<double, 2> SectionCamera::screenToSection(double x, double y) const {
  return {centreXUm + (x - width * 0.5) * umPerPixel, centreYUm + (y - height * 0.5) * umPerPixel};
}

std::array<double, 2> SectionCamera::sectionToScreen(double xUm, double yUm) const {
  return {(xUm - centreXUm) / umPerPixel + width * 0.5,
          (yUm - centreYUm) / umPerPixel + height * 0.5};
}

RectUm SectionCamera::visibleUm() const {
  const auto [x0, y0] = screenToSection(0, 0);
  const auto [x1, y1] = screenToSection(width, height);
  return {x0, y0, x1, y1};
}

void SectionCamera::zoomAt(double x, double y, double factor, double minUmPerPixel,
                           double maxUmPerPixel) {
  if (!(factor > 0) || !std::isfinite(factor)) return;
  const auto [xUm, yUm] = screenToSection(x, y);
  double scale = umPerPixel / factor;
  if (minUmPerPixel > 0) scale = std::max(scale, minUmPerPixel);
  if (maxUmPerPixel > 0) scale = std::min(scale, maxUmPerPixel);
  umPerPixel = scale;
  // The point under the cursor stays: solve screenToSection(x, y) == (xUm, yUm) for the centre.
  centreXUm = xUm - (x - width * 0.5) * umPerPixel;
  centreYUm = yUm - (y - height * 0.5) * umPerPixel;
}

void SectionCamera::pan(double dx, double dy) {
  centreXUm -= dx * umPerPixel;
  centreYUm -= dy * umPerPixel;
}

void SectionCamera::fit(const RectUm& extent, double margin) {
  if (extent.empty() || !std::isfinite(extent.width()) || !std::isfinite(extent.height())) return;
  margin = std::max(0.0, margin);
  centreXUm = (extent.x0 + extent.x1) * 0.5;
  centreYUm = (extent.y0 + extent.y1) * 0.5;
  // `margin` of the extent's size on each side.
  const double grow = 1 + 2 * margin;
  umPerPixel = std::max(extent.width() * grow / std::max(width, 1),
                        extent.height() * grow / std::max(height, 1));
}

int levelForScale(const PyramidInfo& info, double umPerPixel) {
  // A level whose pixel is the screen pixel up to rounding (1e-9 relative) still counts.
  const double largest = umPerPixel * (1 + 1e-9);
  int best = 0;
  double bestPixelUm = 0;
  for (std::size_t l = 0; l < info.levels.size(); ++l) {
    const double pixelUm = info.levels[l].pixelUm;
    if (pixelUm <= largest && pixelUm > bestPixelUm) {
      best = int(l);
      bestPixelUm = pixelUm;
    }
  }
  return best;
}

std::vector<TileKey> tilesCovering(const PyramidInfo& info, int source, int level, int channel,
                                   int plane, const RectUm& rect) {
  const std::int64_t rows = info.tileRows(level), cols = info.tileCols(level);
  if (rows == 0 || cols == 0 || rect.empty()) return {};
  const double tileUm = info.tile * info.levels[std::size_t(level)].pixelUm;
  if (!(tileUm > 0) || !std::isfinite(rect.width()) || !std::isfinite(rect.height())) return {};
  // Tile indices [first, last] of a span [a, b), clipped to [0, count).
  auto span = [tileUm](double a, double b, double origin, std::int64_t count) {
    const double first = std::floor((a - origin) / tileUm);
    const double last = std::ceil((b - origin) / tileUm) - 1;
    return std::array<std::int64_t, 2>{std::int64_t(std::clamp(first, 0.0, double(count))),
                                       std::int64_t(std::clamp(last, -1.0, double(count - 1)))};
  };
  const auto [col0, col1] = span(rect.x0, rect.x1, info.originXUm, cols);
  const auto [row0, row1] = span(rect.y0, rect.y1, info.originYUm, rows);
  std::vector<TileKey> keys;
  if (row1 < row0 || col1 < col0) return keys;
  keys.reserve(std::size_t((row1 - row0 + 1) * (col1 - col0 + 1)));
  for (std::int64_t row = row0; row <= row1; ++row)
    for (std::int64_t col = col0; col <= col1; ++col)
      keys.push_back(TileKey{source, level, channel, plane, row, col});
  // Nearest the centre first: what the eye is on is read first.
  const double cx = (rect.x0 + rect.x1) * 0.5, cy = (rect.y0 + rect.y1) * 0.5;
  auto distance = [&](const TileKey& k) {
    const double dx = info.originXUm + (double(k.col) + 0.5) * tileUm - cx;
    const double dy = info.originYUm + (double(k.row) + 0.5) * tileUm - cy;
    return dx * dx + dy * dy;
  };
  std::stable_sort(keys.begin(), keys.end(),
                   [&](const TileKey& a, const TileKey& b) { return distance(a) < distance(b); });
  return keys;
}

RectUm tileRectUm(const PyramidInfo& info, int level, std::int64_t row, std::int64_t col) {
  if (level < 0 || level >= int(info.levels.size())) return {};
  // The whole tile, past the image's edge too: its pixels there are NaN, so the tile's pixels
  // map onto this rectangle evenly.
  const double tileUm = info.tile * info.levels[std::size_t(level)].pixelUm;
  const double x0 = info.originXUm + double(col) * tileUm;
  const double y0 = info.originYUm + double(row) * tileUm;
  return {x0, y0, x0 + tileUm, y0 + tileUm};
}

RectUm extentUm(const PyramidInfo& info) {
  return {info.originXUm, info.originYUm, info.originXUm + info.widthUm(),
          info.originYUm + info.heightUm()};
}

}  // namespace teramind
