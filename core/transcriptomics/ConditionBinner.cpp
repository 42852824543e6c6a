#include "transcriptomics/ConditionBinner.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace teramind {
namespace {

struct ChannelMap {
  std::vector<std::string> names;
  std::vector<std::int64_t> channelOfFeature;  // -1: not a channel
  std::vector<std::string> missing;
};

ChannelMap mapChannels(const GeneCatalogue& catalogue, const GenePanel* panel) {
  ChannelMap map;
  map.channelOfFeature.assign(catalogue.size(), -1);
  if (!panel) {
    for (std::uint32_t f = 0; f < catalogue.size(); ++f) {
      if (catalogue.isControl(f)) continue;
      map.channelOfFeature[f] = std::int64_t(map.names.size());
      map.names.push_back(catalogue.name(f));
    }
    if (map.names.empty())
      throw std::invalid_argument("the data has no genes to bin (only control barcodes)");
    return map;
  }
  panel->validate();
  map.names = panel->genes;
  for (std::size_t c = 0; c < panel->genes.size(); ++c) {
    if (auto f = catalogue.find(panel->genes[c]))
      map.channelOfFeature[*f] = std::int64_t(c);
    else
      map.missing.push_back(panel->genes[c]);
  }
  return map;
}

BinGrid makeGrid(const BinningOptions& options, double minX, double minY, double maxX, double maxY,
                 std::int32_t planes) {
  if (!(options.binUm > 0) || !std::isfinite(options.binUm))
    throw std::invalid_argument("bin size must be a positive number of µm");
  BinGrid grid;
  grid.binUm = options.binUm;
  grid.planes = std::max(planes, 1);
  grid.planeSpacingUm = options.planeSpacingUm;
  if (options.originUm) {
    grid.originXUm = options.originUm->first;
    grid.originYUm = options.originUm->second;
  } else if (minX <= maxX) {
    // floor(min/b)·b can round above min; step back a bin so the minimum stays inside.
    grid.originXUm = std::floor(minX / options.binUm) * options.binUm;
    grid.originYUm = std::floor(minY / options.binUm) * options.binUm;
    if (grid.originXUm > minX) grid.originXUm -= options.binUm;
    if (grid.originYUm > minY) grid.originYUm -= options.binUm;
  }
  if (options.sizeBins) {
    grid.width = options.sizeBins->first;
    grid.height = options.sizeBins->second;
  } else if (minX <= maxX) {
    const double w = std::floor((maxX - grid.originXUm) / options.binUm) + 1;
    const double h = std::floor((maxY - grid.originYUm) / options.binUm) + 1;
    if (w > BinnedCondition::kMaxExtent || h > BinnedCondition::kMaxExtent)
      throw std::invalid_argument("the data spans more bins than a condition can hold");
    grid.width = std::max<std::int32_t>(1, std::int32_t(w));
    grid.height = std::max<std::int32_t>(1, std::int32_t(h));
  }
  return grid;
}

constexpr double kExactFloatCounts = 16777216.0;

template <typename Visit>
void placeInBins(BinningResult& result, const std::vector<float>& x, const std::vector<float>& y,
                 const std::vector<std::int32_t>& planes, Visit&& valuesOf) {
  BinnedCondition& condition = result.condition;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const BinIndex bin = condition.grid().binAt(x[i], y[i], planes[i]);
    const bool inside = condition.grid().contains(bin);
    valuesOf(i, [&](std::int64_t channel, double value) {
      if (channel < 0) {
        result.notInPanel += value;
      } else if (!inside) {
        result.outsideGrid += value;
      } else {
        condition.update(std::size_t(channel), bin, [&](float old) {
          const double sum = double(old) + value;
          // Beyond 2^24 a float no longer holds every integer: counts would stop adding up.
          if (sum > kExactFloatCounts)
            throw std::invalid_argument("a bin of " + condition.geneName(std::size_t(channel)) +
                                        " exceeds 2^24 counts; use a smaller bin");
          return float(sum);
        });
        result.binned += value;
      }
    });
  }
}

std::pair<std::pair<double, double>, std::pair<double, double>> bounds(
    const std::vector<float>& x, const std::vector<float>& y) {
  double minX = std::numeric_limits<double>::max(), minY = minX;
  double maxX = std::numeric_limits<double>::lowest(), maxY = maxX;
  for (std::size_t i = 0; i < x.size(); ++i) {
    minX = std::min(minX, double(x[i]));
    maxX = std::max(maxX, double(x[i]));
    minY = std::min(minY, double(y[i]));
    maxY = std::max(maxY, double(y[i]));
  }
  return {{minX, minY}, {maxX, maxY}};
}

}  // namespace

BinningResult binTranscripts(const TranscriptTable& transcripts, const BinningOptions& options,
                             const GenePanel* panel) {
  ChannelMap channels = mapChannels(transcripts.genes, panel);
  const auto [lo, hi] = bounds(transcripts.x, transcripts.y);
  BinningResult result;
  result.condition = BinnedCondition(
      makeGrid(options, lo.first, lo.second, hi.first, hi.second, transcripts.planeCount()),
      channels.names);
  result.missingGenes = channels.missing;
  std::vector<std::int32_t> planes(transcripts.plane.begin(), transcripts.plane.end());
  placeInBins(result, transcripts.x, transcripts.y, planes, [&](std::size_t i, auto&& put) {
    put(channels.channelOfFeature[transcripts.gene[i]], 1.0);
  });
  return result;
}

BinningResult binCells(const CellTable& cells, const BinningOptions& options,
                       const GenePanel* panel, bool zAsPlane) {
  ChannelMap channels = mapChannels(cells.genes, panel);
  std::vector<std::int32_t> planes(cells.cellCount(), 0);
  if (zAsPlane)
    for (std::size_t c = 0; c < planes.size(); ++c) {
      if (!(cells.z[c] >= 0) || cells.z[c] != std::floor(cells.z[c]) ||
          cells.z[c] >= BinnedCondition::kMaxPlanes)
        throw std::invalid_argument("cell " + cells.cellIds[c] + " has z " +
                                    std::to_string(cells.z[c]) + ", not a plane index");
      planes[c] = std::int32_t(cells.z[c]);
    }
  const std::int32_t planeCount =
      planes.empty() ? 1 : *std::max_element(planes.begin(), planes.end()) + 1;
  const auto [lo, hi] = bounds(cells.x, cells.y);
  BinningResult result;
  result.condition = BinnedCondition(
      makeGrid(options, lo.first, lo.second, hi.first, hi.second, planeCount), channels.names);
  result.missingGenes = channels.missing;
  placeInBins(result, cells.x, cells.y, planes, [&](std::size_t c, auto&& put) {
    for (std::uint64_t e = cells.rowStart[c]; e < cells.rowStart[c + 1]; ++e)
      put(channels.channelOfFeature[cells.entryGene[e]], double(cells.entryValue[e]));
  });
  return result;
}

}  // namespace teramind
