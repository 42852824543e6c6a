#include "model/PairedSection.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

#include <fmt/core.h>

#include "common/FileError.h"

namespace teramind {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Box average of `image` over each output pixel's µm footprint.
void resampleStain(const Image3D<std::uint8_t>& image, const BinGrid& grid, int binPixels,
                   double pixelUm, float* out) {
  const int w = grid.width * binPixels, h = grid.height * binPixels;
  const auto& dims = image.dims();
  auto index = [&](double xUm, double yUm) { return image.frame().physicalToIndex({xUm, yUm, 0}); };
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double x0 = grid.originXUm + x * pixelUm, y0 = grid.originYUm + y * pixelUm;
      const auto a = index(x0, y0), b = index(x0 + pixelUm, y0 + pixelUm);
      const auto i0 = static_cast<std::int64_t>(std::ceil(std::min(a[0], b[0]) - 0.5));
      const auto i1 = static_cast<std::int64_t>(std::ceil(std::max(a[0], b[0]) - 0.5));
      const auto j0 = static_cast<std::int64_t>(std::ceil(std::min(a[1], b[1]) - 0.5));
      const auto j1 = static_cast<std::int64_t>(std::ceil(std::max(a[1], b[1]) - 0.5));
      double sum = 0;
      std::int64_t n = 0;
      for (auto j = std::max<std::int64_t>(j0, 0); j < std::min<std::int64_t>(j1, dims[1]); ++j)
        for (auto i = std::max<std::int64_t>(i0, 0); i < std::min<std::int64_t>(i1, dims[0]); ++i) {
          sum += image(i, j, 0);
          ++n;
        }
      out[std::size_t(y) * w + x] = n ? static_cast<float>(sum / n / 127.5 - 1.0) : -1.0f;
    }
  }
}

}  // namespace

std::vector<std::string> mostExpressedGenes(const SpatialDataset& dataset, int count,
                                            const std::vector<std::string>& required) {
  BinningOptions options;
  options.binUm = 1000;
  const auto binned = binDataset(dataset, options).condition;
  std::vector<std::size_t> order(binned.geneCount());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return binned.total(a) > binned.total(b); });
  std::vector<std::string> genes;
  for (const auto& r : required)
    if (binned.geneIndex(r) && static_cast<int>(genes.size()) < count) genes.push_back(r);
  for (auto g : order) {
    if (static_cast<int>(genes.size()) >= count) break;
    const auto& name = binned.geneName(g);
    if (std::find(genes.begin(), genes.end(), name) == genes.end()) genes.push_back(name);
  }
  return genes;
}

void replaceCounts(PairedSection& section, const BinnedCondition& condition) {
  if (!(condition.grid() == section.grid) || condition.geneNames() != section.genes)
    throw std::invalid_argument("the condition's grid or genes differ from the section's");
  const std::size_t planes = std::size_t(section.grid.planes), gw = std::size_t(section.grid.width),
                    gh = std::size_t(section.grid.height);
  section.counts.assign(section.genes.size() * planes * gh * gw, 0.0f);
  for (std::size_t g = 0; g < section.genes.size(); ++g)
    condition.forEachNonZero(g, [&](const BinIndex& b, float v) {
      section.counts[((g * planes + std::size_t(b.plane)) * gh + std::size_t(b.y)) * gw +
                     std::size_t(b.x)] = v;
    });
}

PairedSection preparePairedSection(const SpatialDataset& dataset, const ModelConfig& config,
                                   const std::vector<std::string>& genes,
                                   const std::function<void(BinnedCondition&)>& editCondition) {
  config.validate();
  PairedSection section;
  section.binPixels = config.binPixels();
  section.genes = genes;
  BinningOptions options;
  options.binUm = config.binPixels() * config.pixelUm;
  options.planeSpacingUm = dataset.placement().planeSpacingUm;
  GenePanel panel;
  panel.name = "model";
  panel.genes = genes;
  auto binned = binDataset(dataset, options, &panel).condition;
  if (editCondition) editCondition(binned);
  section.grid = binned.grid();
  replaceCounts(section, binned);
  const int planes = section.grid.planes;

  section.stainNames = {"DAPI", "PolyT"};
  const std::size_t plane = std::size_t(section.widthPx()) * section.heightPx();
  section.stains.assign(section.stainNames.size() * planes * plane, -1.0f);
  for (std::size_t s = 0; s < section.stainNames.size(); ++s) {
    for (int z = 0; z < planes; ++z) {
      auto it =
          std::find_if(dataset.stains.begin(), dataset.stains.end(), [&](const StainImage& im) {
            return lower(im.stain) == lower(section.stainNames[s]) && im.plane == z;
          });
      if (it == dataset.stains.end())
        throw FileError(dataset.source, fmt::format("no {} image for plane {} (training needs DAPI "
                                                    "and PolyT on every plane)",
                                                    section.stainNames[s], z));
      resampleStain(dataset.readStain(*it), section.grid, section.binPixels, config.pixelUm,
                    section.stains.data() + (s * planes + z) * plane);
    }
  }
  return section;
}

ModelWindow extractWindow(const PairedSection& section, const ModelConfig& config, int bx0, int by0,
                          int widthBins, int heightBins, int z0) {
  ModelWindow w;
  w.widthBins = widthBins;
  w.heightBins = heightBins;
  const int bp = section.binPixels, wp = widthBins * bp, hp = heightBins * bp;
  const int stains = static_cast<int>(section.stainNames.size());
  w.stains.assign(std::size_t(stains) * config.outputSections * hp * wp, -1.0f);
  for (int s = 0; s < stains; ++s)
    for (int z = 0; z < config.outputSections; ++z) {
      if (z0 + z < 0 || z0 + z >= section.planes()) continue;
      for (int y = 0; y < hp; ++y) {
        const int sy = by0 * bp + y;
        if (sy < 0 || sy >= section.heightPx()) continue;
        float* row = w.stains.data() + ((std::size_t(s) * config.outputSections + z) * hp + y) * wp;
        for (int x = 0; x < wp; ++x) {
          const int sx = bx0 * bp + x;
          if (sx >= 0 && sx < section.widthPx()) row[x] = section.stain(s, z0 + z, sy, sx);
        }
      }
    }
  w.genes = extractGeneWindow(section, config, bx0, by0, widthBins, heightBins, z0);
  return w;
}

std::vector<float> extractGeneWindow(const PairedSection& section, const ModelConfig& config,
                                     int bx0, int by0, int widthBins, int heightBins, int z0) {
  const int genes = static_cast<int>(section.genes.size());
  const int before = (config.geneSections - config.outputSections) / 2;
  std::vector<float> out(std::size_t(genes) * config.geneSections * heightBins * widthBins, 0.0f);
  for (int g = 0; g < genes; ++g)
    for (int d = 0; d < config.geneSections; ++d) {
      const int z = z0 - before + d;
      if (z < 0 || z >= section.planes()) continue;
      for (int by = 0; by < heightBins; ++by) {
        const int sy = by0 + by;
        if (sy < 0 || sy >= section.grid.height) continue;
        for (int bx = 0; bx < widthBins; ++bx) {
          const int sx = bx0 + bx;
          if (sx < 0 || sx >= section.grid.width) continue;
          out[((std::size_t(g) * config.geneSections + d) * heightBins + by) * widthBins + bx] =
              section.count(g, z, sy, sx);
        }
      }
    }
  return out;
}

}  // namespace teramind
