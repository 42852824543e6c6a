#include "transcriptomics/ConditionBinner.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <thread>
#include <utility>

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

// Runs work(t) for t in [0, threads), t > 0 on threads of their own; rethrows the first failure.
template <typename Work>
void onThreads(unsigned threads, Work&& work) {
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  auto guarded = [&](unsigned t) {
    try {
      work(t);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
  guarded(0);
  for (auto& thread : pool) thread.join();
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

unsigned bitsFor(std::int32_t extent) {
  unsigned bits = 0;
  while ((std::int64_t(1) << bits) < extent) ++bits;
  return bits;
}

// Sorts keys of `bits` significant bits: LSD radix by bytes (skipping bytes all keys share)
// for the thousands of molecules of a typical gene, std::sort for a few.
template <typename Key>
void sortKeys(Key* keys, std::size_t n, unsigned bits, std::vector<Key>& scratch) {
  if (n < 256) {
    std::sort(keys, keys + n);
    return;
  }
  const unsigned digits = (bits + 7) / 8;
  std::vector<std::array<std::size_t, 256>> histogram(digits);
  for (auto& h : histogram) h.fill(0);
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned d = 0; d < digits; ++d) ++histogram[d][(keys[i] >> (8 * d)) & 0xFF];
  scratch.resize(std::max(scratch.size(), n));
  Key* from = keys;
  Key* to = scratch.data();
  for (unsigned d = 0; d < digits; ++d) {
    auto& h = histogram[d];
    if (h[(from[0] >> (8 * d)) & 0xFF] == n) continue;  // one value: order unchanged
    std::size_t at = 0;
    for (auto& count : h) at += std::exchange(count, at);
    for (std::size_t i = 0; i < n; ++i) to[h[(from[i] >> (8 * d)) & 0xFF]++] = from[i];
    std::swap(from, to);
  }
  if (from != keys) std::copy(from, from + n, keys);
}

// Molecules sorted by (channel, bin) and counted per run give the same counts as adding them
// one by one into hash maps, in a fraction of the time. Bins are packed as (plane, y, x) with
// just the bits the grid needs, so sorting them sorts BinnedCondition keys.
template <typename Key>
void binTranscriptsSorted(BinningResult& result, const TranscriptTable& transcripts,
                          const std::vector<std::int64_t>& channelOfFeature, bool& overflow) {
  BinnedCondition& condition = result.condition;
  const BinGrid grid = condition.grid();
  const std::size_t n = transcripts.size(), channelCount = condition.geneCount();
  const unsigned xBits = bitsFor(grid.width), yBits = bitsFor(grid.height);
  const unsigned keyBits = xBits + yBits + bitsFor(grid.planes);
  const Key xMask = Key((std::uint64_t(1) << xBits) - 1);
  const Key yMask = Key((std::uint64_t(1) << yBits) - 1);
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 2u);
  auto range = [&](unsigned t) {
    return std::pair<std::size_t, std::size_t>(n * t / threads, n * (t + 1) / threads);
  };
  // The channel of molecule i and its packed bin; -1 off the panel, -2 outside the grid.
  auto place = [&](std::size_t i, Key& key) -> std::int64_t {
    const std::int64_t channel = channelOfFeature[transcripts.gene[i]];
    if (channel < 0) return -1;
    const BinIndex bin = grid.binAt(transcripts.x[i], transcripts.y[i], transcripts.plane[i]);
    if (!grid.contains(bin)) return -2;
    key = Key((Key(bin.plane) << (xBits + yBits)) | (Key(bin.y) << xBits) | Key(bin.x));
    return channel;
  };

  // Pass 1: molecules per channel and thread, and the ones that are not binned.
  std::vector<std::vector<std::size_t>> counts(threads, std::vector<std::size_t>(channelCount));
  std::vector<std::uint64_t> notInPanel(threads), outsideGrid(threads);
  onThreads(threads, [&](unsigned t) {
    const auto [begin, end] = range(t);
    auto& count = counts[t];
    Key key{};
    for (std::size_t i = begin; i < end; ++i) {
      const std::int64_t channel = place(i, key);
      if (channel == -1)
        ++notInPanel[t];
      else if (channel == -2)
        ++outsideGrid[t];
      else
        ++count[std::size_t(channel)];
    }
  });
  std::uint64_t binned = 0;
  for (unsigned t = 0; t < threads; ++t) {
    result.notInPanel += double(notInPanel[t]);
    result.outsideGrid += double(outsideGrid[t]);
    for (const std::size_t c : counts[t]) binned += c;
  }
  result.binned = double(binned);

  // Channels go in batches whose keys fit a bounded buffer (or one channel, if larger).
  constexpr std::size_t kBatchKeys = std::size_t(4) << 20;
  std::vector<std::size_t> channelTotal(channelCount);
  for (std::size_t c = 0; c < channelCount; ++c)
    for (unsigned t = 0; t < threads; ++t) channelTotal[c] += counts[t][c];
  std::vector<Key> keys;
  std::atomic<bool> overflowed{false};
  for (std::size_t first = 0; first < channelCount;) {
    std::size_t last = first, total = 0;
    while (last < channelCount && (last == first || total + channelTotal[last] <= kBatchKeys))
      total += channelTotal[last++];
    // Where each thread's molecules of each channel go: channel by channel, thread by thread,
    // so each channel's keys keep file order.
    std::vector<std::vector<std::size_t>> cursor(threads, std::vector<std::size_t>(last - first));
    std::vector<std::size_t> start(last - first + 1);
    for (std::size_t c = first, at = 0; c < last; ++c) {
      start[c - first] = at;
      for (unsigned t = 0; t < threads; ++t) {
        cursor[t][c - first] = at;
        at += counts[t][c];
      }
    }
    start[last - first] = total;
    keys.resize(total);
    onThreads(threads, [&](unsigned t) {
      const auto [begin, end] = range(t);
      auto& at = cursor[t];
      Key key{};
      for (std::size_t i = begin; i < end; ++i) {
        // Only this batch's molecules need their bin computed.
        const std::int64_t gene = channelOfFeature[transcripts.gene[i]];
        if (gene < std::int64_t(first) || gene >= std::int64_t(last)) continue;
        const std::int64_t channel = place(i, key);
        if (channel >= 0) keys[at[std::size_t(channel) - first]++] = key;
      }
    });
    std::atomic<std::size_t> nextChannel{first};
    onThreads(threads, [&](unsigned) {
      std::vector<std::pair<std::uint64_t, float>> entries;
      std::vector<Key> scratch;
      for (std::size_t c; (c = nextChannel++) < last;) {
        const auto begin = keys.begin() + std::ptrdiff_t(start[c - first]);
        const auto end = keys.begin() + std::ptrdiff_t(start[c - first + 1]);
        sortKeys(keys.data() + start[c - first], std::size_t(end - begin), keyBits, scratch);
        entries.clear();
        for (auto run = begin; run != end;) {
          const auto next = std::find_if(run, end, [&](Key k) { return k != *run; });
          const auto molecules = double(next - run);
          // Beyond 2^24 a float no longer holds every integer: the caller redoes it molecule
          // by molecule to fail exactly where adding them one at a time does.
          if (molecules > kExactFloatCounts) overflowed = true;
          const Key k = *run;
          const BinIndex bin{std::int32_t(k & xMask), std::int32_t((k >> xBits) & yMask),
                             std::int32_t(k >> (xBits + yBits))};
          entries.emplace_back(BinnedCondition::key(bin), float(molecules));
          run = next;
        }
        if (overflowed) return;
        condition.fillChannel(c, entries);
      }
    });
    if (overflowed) {
      overflow = true;
      return;
    }
    first = last;
  }
}

}  // namespace

BinningResult binTranscripts(const TranscriptTable& transcripts, const BinningOptions& options,
                             const GenePanel* panel) {
  ChannelMap channels = mapChannels(transcripts.genes, panel);
  const auto [lo, hi] = bounds(transcripts.x, transcripts.y);
  const BinGrid grid =
      makeGrid(options, lo.first, lo.second, hi.first, hi.second, transcripts.planeCount());
  BinningResult result;
  result.condition = BinnedCondition(grid, channels.names);
  result.missingGenes = channels.missing;
  bool overflow = false;
  if (bitsFor(grid.width) + bitsFor(grid.height) + bitsFor(grid.planes) <= 32)
    binTranscriptsSorted<std::uint32_t>(result, transcripts, channels.channelOfFeature, overflow);
  else
    binTranscriptsSorted<std::uint64_t>(result, transcripts, channels.channelOfFeature, overflow);
  if (!overflow) return result;
  // Some bin holds more than 2^24 molecules: molecule by molecule, this throws naming the gene
  // whose bin overflows first in file order.
  result = BinningResult{};
  result.condition = BinnedCondition(grid, channels.names);
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
