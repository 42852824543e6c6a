#include "model/PairedSection.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fmt/core.h>

#include "common/AsciiCase.h"
#include "common/FileError.h"

namespace teramind {

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
  if (section.sparseCounts) {
    section.counts.clear();
    section.sparseCounts = std::make_shared<const RowCompressedCounts>(condition);
    return;
  }
  const std::size_t planes = std::size_t(section.grid.planes), gw = std::size_t(section.grid.width),
                    gh = std::size_t(section.grid.height);
  section.counts.assign(section.genes.size() * planes * gh * gw, 0.0f);
  for (std::size_t g = 0; g < section.genes.size(); ++g)
    condition.forEachNonZero(g, [&](const BinIndex& b, float v) {
      section.counts[((g * planes + std::size_t(b.plane)) * gh + std::size_t(b.y)) * gw +
                     std::size_t(b.x)] = v;
    });
}

namespace {

BinnedCondition repeatSinglePlane(const BinnedCondition& single, int planes) {
  BinGrid grid = single.grid();
  grid.planes = planes;
  std::vector<std::string> names;
  for (std::size_t g = 0; g < single.geneCount(); ++g) names.push_back(single.geneName(g));
  BinnedCondition repeated(grid, std::move(names));
  for (std::size_t g = 0; g < single.geneCount(); ++g)
    single.forEachNonZero(g, [&](const BinIndex& b, float v) {
      for (int z = 0; z < planes; ++z) repeated.set(g, {b.x, b.y, z}, v);
    });
  return repeated;
}

}  // namespace

PairedSection preparePairedSection(const SpatialDataset& dataset, const ModelConfig& config,
                                   const std::vector<std::string>& genes,
                                   const std::function<void(BinnedCondition&)>& editCondition,
                                   StainImages stainImages) {
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
  section.measuredPlanes = binned.grid().planes;
  if (binned.grid().planes == 1 && config.outputSections > 1)
    binned = repeatSinglePlane(binned, config.outputSections);
  if (editCondition) editCondition(binned);
  section.grid = binned.grid();
  if (stainImages == StainImages::Skip)
    section.sparseCounts = std::make_shared<const RowCompressedCounts>(binned);
  else
    replaceCounts(section, binned);
  const int planes = section.grid.planes;

  section.stainNames = {"DAPI", "PolyT"};
  if (stainImages == StainImages::Skip) return section;
  if (dataset.transcripts() && dataset.transcripts()->size() && !dataset.stains.empty()) {
    // A transform that misses the transcripts would pair counts with empty stains.
    const MosaicCoverage m = measureMosaicCoverage(dataset);
    if (m.insideMosaic == 0)
      throw FileError(dataset.micronToPixelTransform.value_or(dataset.source),
                      fmt::format("places no transcript on the mosaics: transcripts span x "
                                  "{:.1f}..{:.1f} y {:.1f}..{:.1f} um, {} spans x {:.1f}..{:.1f} "
                                  "y {:.1f}..{:.1f} um",
                                  m.transcripts.xMin, m.transcripts.xMax, m.transcripts.yMin,
                                  m.transcripts.yMax, m.mosaicFile, m.mosaic.xMin, m.mosaic.xMax,
                                  m.mosaic.yMin, m.mosaic.yMax));
  }
  const std::size_t plane = std::size_t(section.widthPx()) * section.heightPx();
  section.stains.assign(section.stainNames.size() * planes * plane, -1.0f);
  // Every image is found first (a missing one is named before any is read), then they are
  // resampled in parallel, one libtiff handle each; each writes only its own slice.
  std::vector<const StainImage*> images;
  for (std::size_t s = 0; s < section.stainNames.size(); ++s)
    for (int z = 0; z < planes; ++z) {
      auto it =
          std::find_if(dataset.stains.begin(), dataset.stains.end(), [&](const StainImage& im) {
            return asciiLower(im.stain) == asciiLower(section.stainNames[s]) && im.plane == z;
          });
      if (it == dataset.stains.end())
        throw FileError(dataset.source, fmt::format("no {} image for plane {} (training needs DAPI "
                                                    "and PolyT on every plane)",
                                                    section.stainNames[s], z));
      images.push_back(&*it);
    }
  std::atomic<std::size_t> next{0};
  std::mutex failure;
  std::exception_ptr error;
  auto work = [&] {
    for (std::size_t i = next++; i < images.size(); i = next++) try {
        dataset.openStain(*images[i])
            .resample(section.grid.originXUm, section.grid.originYUm, config.pixelUm,
                      section.widthPx(), section.heightPx(), section.stains.data() + i * plane);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(failure);
        if (!error) error = std::current_exception();
        next = images.size();
      }
  };
  {
    std::vector<std::thread> threads;
    const auto count =
        std::min<std::size_t>(images.size(), std::max(1u, std::thread::hardware_concurrency()));
    for (std::size_t t = 1; t < count; ++t) try {
        threads.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // fewer threads: the same result, later
      }
    work();
    for (auto& thread : threads) thread.join();
  }
  if (error) std::rethrow_exception(error);
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
  if (section.sparseCounts) {
    for (int g = 0; g < genes; ++g)
      for (int d = 0; d < config.geneSections; ++d)
        section.sparseCounts->readWindow(
            g, z0 - before + d, bx0, by0, widthBins, heightBins,
            out.data() + (std::size_t(g) * config.geneSections + d) * heightBins * widthBins);
    return out;
  }
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
