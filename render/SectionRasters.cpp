#include "SectionRasters.h"

#include <algorithm>
#include <stdexcept>

#include "analysis/Colormap.h"

namespace teramind::render {
namespace {

std::uint8_t toByte(float v) {
  return std::uint8_t(std::clamp((v + 1.0f) * 127.5f, 0.0f, 255.0f) + 0.5f);
}

}  // namespace

SectionRaster generatedTileRaster(const std::vector<float>& core, int tilePixels, int stains,
                                  int sections, int section, StainDisplay display,
                                  const TilePlacement& placement) {
  const std::size_t plane = std::size_t(tilePixels) * std::size_t(tilePixels);
  if (core.size() != std::size_t(stains) * std::size_t(sections) * plane || section < 0 ||
      section >= sections || stains < 1)
    throw std::invalid_argument("a generated tile's values do not match its shape");
  auto channel = [&](int stain) {
    return core.data() +
           (std::size_t(stain) * std::size_t(sections) + std::size_t(section)) * plane;
  };
  SectionRaster r;
  r.width = r.height = tilePixels;
  r.xUm = placement.xUm;
  r.yUm = placement.yUm;
  r.widthUm = r.heightUm = tilePixels * placement.pixelUm;
  r.zUm = placement.zUm;
  r.rgba.resize(plane * 4);
  const float* dapi = channel(0);
  const float* polyT = channel(std::min(1, stains - 1));
  for (std::size_t i = 0; i < plane; ++i) {
    std::uint8_t* p = &r.rgba[4 * i];
    switch (display) {
      case StainDisplay::Dapi:
        p[0] = p[1] = p[2] = toByte(dapi[i]);
        break;
      case StainDisplay::PolyT:
        p[0] = p[1] = p[2] = toByte(polyT[i]);
        break;
      case StainDisplay::Composite:
        p[0] = 0;
        p[1] = toByte(polyT[i]);
        p[2] = toByte(dapi[i]);
        break;
    }
    p[3] = 255;
  }
  return r;
}

SectionRaster binValueRaster(const std::vector<float>& values, const BinGrid& grid, double zUm,
                             double maxValue, double opacity) {
  const std::size_t n = std::size_t(grid.width) * std::size_t(grid.height);
  if (values.size() != n) throw std::invalid_argument("bin values do not match the grid");
  SectionRaster r;
  r.width = grid.width;
  r.height = grid.height;
  r.xUm = grid.originXUm;
  r.yUm = grid.originYUm;
  r.widthUm = grid.width * grid.binUm;
  r.heightUm = grid.height * grid.binUm;
  r.zUm = zUm;
  r.rgba.assign(n * 4, 0);
  const auto alpha = std::uint8_t(std::clamp(opacity, 0.0, 1.0) * 255 + 0.5);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(values[i] > 0)) continue;
    const auto c = viridis(maxValue > 0 ? values[i] / maxValue : 1.0);
    std::copy(c.begin(), c.end(), &r.rgba[4 * i]);
    r.rgba[4 * i + 3] = alpha;
  }
  return r;
}

SectionRaster stainRaster(const Image3D<std::uint8_t>& stain, int maxSide) {
  const std::int64_t w = stain.dims()[0], h = stain.dims()[1];
  SectionRaster r;
  if (w <= 0 || h <= 0 || maxSide < 1) return r;
  const std::int64_t factor = std::max<std::int64_t>(1, (std::max(w, h) + maxSide - 1) / maxSide);
  r.width = int(std::max<std::int64_t>(1, w / factor));
  r.height = int(std::max<std::int64_t>(1, h / factor));
  r.rgba.resize(std::size_t(r.width) * std::size_t(r.height) * 4);
  for (std::int64_t y = 0; y < r.height; ++y)
    for (std::int64_t x = 0; x < r.width; ++x) {
      std::uint32_t sum = 0, n = 0;
      for (std::int64_t dy = 0; dy < factor && y * factor + dy < h; ++dy)
        for (std::int64_t dx = 0; dx < factor && x * factor + dx < w; ++dx, ++n)
          sum += stain(x * factor + dx, y * factor + dy, 0);
      const auto v = std::uint8_t(sum / std::max<std::uint32_t>(1, n));
      std::uint8_t* p = &r.rgba[(std::size_t(y) * std::size_t(r.width) + std::size_t(x)) * 4];
      p[0] = p[1] = p[2] = v;
      p[3] = 255;
    }
  const auto& f = stain.frame();
  r.xUm = f.origin()[0] - 0.5 * f.spacing()[0];
  r.yUm = f.origin()[1] - 0.5 * f.spacing()[1];
  // The raster covers the whole factor-blocks it averaged.
  r.widthUm = double(r.width * factor) * f.spacing()[0];
  r.heightUm = double(r.height * factor) * f.spacing()[1];
  r.zUm = f.origin()[2];
  return r;
}

}  // namespace teramind::render
