#include "studio/SectionOverview.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/FileError.h"

namespace teramind {
namespace {

Image3D<std::uint8_t> densityImage(const std::vector<float>& x, const std::vector<float>& y,
                                   int maxSide) {
  const auto [x0, x1] = std::minmax_element(x.begin(), x.end());
  const auto [y0, y1] = std::minmax_element(y.begin(), y.end());
  const double width = std::max(double(*x1) - *x0, 1e-3),
               height = std::max(double(*y1) - *y0, 1e-3);
  const double pixelUm = std::max(width, height) / double(std::max(maxSide, 1));
  const auto w = std::int64_t(std::clamp(std::ceil(width / pixelUm), 1.0, double(maxSide)));
  const auto h = std::int64_t(std::clamp(std::ceil(height / pixelUm), 1.0, double(maxSide)));
  std::vector<std::uint32_t> counts(std::size_t(w * h), 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto c = std::min<std::int64_t>(w - 1, std::int64_t((x[i] - *x0) / pixelUm));
    const auto r = std::min<std::int64_t>(h - 1, std::int64_t((y[i] - *y0) / pixelUm));
    ++counts[std::size_t(r * w + c)];
  }
  // Scaled to a high percentile of the occupied pixels: a few dense spots do not blacken the rest.
  std::vector<std::uint32_t> occupied;
  for (const auto c : counts)
    if (c) occupied.push_back(c);
  const std::size_t k = std::size_t(double(occupied.size() - 1) * 0.99);
  std::nth_element(occupied.begin(), occupied.begin() + std::ptrdiff_t(k), occupied.end());
  const double top = std::max<double>(1, occupied[k]);
  Image3D<std::uint8_t> image(
      {w, h, 1}, PhysicalFrame({*x0 + pixelUm / 2, *y0 + pixelUm / 2, 0}, {pixelUm, pixelUm, 1}));
  for (std::size_t i = 0; i < counts.size(); ++i)
    image.voxels()[i] = std::uint8_t(std::min(1.0, counts[i] / top) * 255.0 + 0.5);
  return image;
}

}  // namespace

Image3D<std::uint8_t> sectionOverview(const SpatialDataset& dataset, int maxSide) {
  if (!dataset.stains.empty()) return dataset.readStain(dataset.stains.front(), maxSide);
  if (const auto* t = dataset.transcripts(); t && t->size() > 0)
    return densityImage(t->x, t->y, maxSide);
  if (const auto* c = dataset.cells(); c && c->cellCount() > 0)
    return densityImage(c->x, c->y, maxSide);
  throw FileError(dataset.source, "holds no stain image and no molecules or cells to draw");
}

}  // namespace teramind
