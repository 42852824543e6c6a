#pragma once

#include <memory>
#include <random>

#include "model/ModelConfig.h"
#include "model/PairedSection.h"

namespace teramind::test {

// A synthetic section for the `tiny` model: genes 0 and 1 mark bright round "nuclei" in DAPI,
// the others are noise. Deterministic.
inline std::shared_ptr<PairedSection> syntheticSection(const ModelConfig& c, int widthBins,
                                                       int heightBins, int planes = 2) {
  auto s = std::make_shared<PairedSection>();
  s->grid.width = widthBins;
  s->grid.height = heightBins;
  s->grid.planes = planes;
  s->grid.binUm = c.binPixels() * c.pixelUm;
  s->binPixels = c.binPixels();
  for (int g = 0; g < c.genes; ++g) s->genes.push_back("Gene" + std::to_string(g));
  s->stainNames = {"DAPI", "PolyT"};
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  s->counts.assign(std::size_t(c.genes) * planes * heightBins * widthBins, 0.f);
  const int w = s->widthPx(), h = s->heightPx();
  s->stains.assign(std::size_t(2) * planes * h * w, -0.9f);
  for (int z = 0; z < planes; ++z)
    for (int by = 0; by < heightBins; ++by)
      for (int bx = 0; bx < widthBins; ++bx) {
        const bool cell = u(rng) < 0.4f;
        for (int g = 0; g < c.genes; ++g) {
          const float v =
              g < 2 ? (cell ? 5.f + std::floor(u(rng) * 4) : 0.f) : std::floor(u(rng) * 2);
          s->counts[((std::size_t(g) * planes + z) * heightBins + by) * widthBins + bx] = v;
        }
        if (!cell) continue;
        const float cx = bx * s->binPixels + s->binPixels / 2.f,
                    cy = by * s->binPixels + s->binPixels / 2.f;
        for (int y = by * s->binPixels; y < (by + 1) * s->binPixels; ++y)
          for (int x = bx * s->binPixels; x < (bx + 1) * s->binPixels; ++x) {
            const float r = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
            if (r < s->binPixels * 0.35f) {
              s->stains[((0 * std::size_t(planes) + z) * h + y) * w + x] = 0.8f;
              s->stains[((1 * std::size_t(planes) + z) * h + y) * w + x] = 0.1f;
            }
          }
      }
  return s;
}

}  // namespace teramind::test
