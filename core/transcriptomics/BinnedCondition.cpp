#include "transcriptomics/BinnedCondition.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <stdexcept>

namespace teramind {

BinIndex BinGrid::binAt(double xUm, double yUm, std::int32_t plane) const {
  // Far-away (or non-finite) points map to -1: outside every grid, and no overflowing cast.
  auto index = [&](double v, double origin) {
    const double i = std::floor((v - origin) / binUm);
    return i >= 0 && i < double(BinnedCondition::kMaxExtent) ? std::int32_t(i) : -1;
  };
  return {index(xUm, originXUm), index(yUm, originYUm), plane};
}

Vec3 BinGrid::binCentreUm(const BinIndex& b) const {
  return {originXUm + (b.x + 0.5) * binUm, originYUm + (b.y + 0.5) * binUm,
          b.plane * planeSpacingUm};
}

bool BinGrid::operator==(const BinGrid& o) const {
  return originXUm == o.originXUm && originYUm == o.originYUm && binUm == o.binUm &&
         width == o.width && height == o.height && planes == o.planes &&
         planeSpacingUm == o.planeSpacingUm;
}

BinnedCondition::BinnedCondition(const BinGrid& grid, std::vector<std::string> geneNames)
    : grid_(grid), genes_(std::move(geneNames)), channels_(genes_.size()) {
  if (!std::isfinite(grid.originXUm) || !std::isfinite(grid.originYUm) ||
      !std::isfinite(grid.binUm) || !std::isfinite(grid.planeSpacingUm))
    throw std::invalid_argument("bin grid origin, bin size and plane spacing must be finite");
  if (!(grid.binUm > 0) || grid.width < 0 || grid.height < 0 || grid.planes < 1 ||
      grid.width > kMaxExtent || grid.height > kMaxExtent || grid.planes > kMaxPlanes)
    throw std::invalid_argument("bin grid out of range (bin size, extent or plane count)");
  std::set<std::string> seen;
  for (const auto& g : genes_)
    if (!seen.insert(g).second) throw std::invalid_argument("gene '" + g + "' appears twice");
}

std::optional<std::size_t> BinnedCondition::geneIndex(const std::string& name) const {
  const auto found = std::find(genes_.begin(), genes_.end(), name);
  if (found == genes_.end()) return std::nullopt;
  return std::size_t(found - genes_.begin());
}

float BinnedCondition::get(std::size_t gene, const BinIndex& bin) const {
  if (!grid_.contains(bin)) return 0.0f;
  const auto& channel = channels_.at(gene);
  const auto found = channel.find(key(bin));
  return found == channel.end() ? 0.0f : found->second;
}

void BinnedCondition::set(std::size_t gene, const BinIndex& bin, float value) {
  if (!grid_.contains(bin)) throw std::out_of_range("bin outside the condition's grid");
  auto& channel = channels_.at(gene);
  if (value == 0.0f)
    channel.erase(key(bin));
  else
    channel[key(bin)] = value;
}

void BinnedCondition::fillChannel(std::size_t gene,
                                  const std::vector<std::pair<std::uint64_t, float>>& entries) {
  auto& channel = channels_.at(gene);
  channel.clear();
  channel.reserve(entries.size());
  for (const auto& [k, v] : entries) {
    if (!grid_.contains(unpack(k)) || v == 0.0f || !channel.emplace(k, v).second) {
      channel.clear();
      throw std::invalid_argument("bulk bins of " + genes_[gene] +
                                  " repeat a bin, lie outside the grid or are zero");
    }
  }
}

void BinnedCondition::forEachNonZero(
    std::size_t gene, const std::function<void(const BinIndex&, float)>& visit) const {
  for (const auto& [k, v] : channels_.at(gene)) visit(unpack(k), v);
}

std::size_t BinnedCondition::nonZeroCount() const {
  std::size_t n = 0;
  for (const auto& c : channels_) n += c.size();
  return n;
}

double BinnedCondition::total(std::size_t gene) const {
  // Summed in key order so the result does not depend on hash-table layout.
  double sum = 0;
  for (const auto& [bin, v] : sortedEntries(gene)) sum += v;
  return sum;
}

std::vector<std::pair<BinIndex, float>> BinnedCondition::sortedEntries(std::size_t gene) const {
  const auto& channel = channels_.at(gene);
  std::vector<std::pair<std::uint64_t, float>> raw(channel.begin(), channel.end());
  std::sort(raw.begin(), raw.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<BinIndex, float>> out;
  out.reserve(raw.size());
  for (const auto& [k, v] : raw) out.emplace_back(unpack(k), v);
  return out;
}

std::vector<float> BinnedCondition::denseTile(std::size_t gene, std::int32_t plane, std::int32_t x0,
                                              std::int32_t y0, std::int32_t w,
                                              std::int32_t h) const {
  std::vector<float> tile(std::size_t(w) * std::size_t(h), 0.0f);
  const auto& channel = channels_.at(gene);
  for (std::int32_t j = 0; j < h; ++j)
    for (std::int32_t i = 0; i < w; ++i) {
      const BinIndex b{x0 + i, y0 + j, plane};
      if (!grid_.contains(b)) continue;
      const auto found = channel.find(key(b));
      if (found != channel.end())
        tile[std::size_t(j) * std::size_t(w) + std::size_t(i)] = found->second;
    }
  return tile;
}

bool BinnedCondition::operator==(const BinnedCondition& other) const {
  if (!(grid_ == other.grid_) || genes_ != other.genes_) return false;
  for (std::size_t g = 0; g < channels_.size(); ++g) {
    const auto& a = channels_[g];
    const auto& b = other.channels_[g];
    if (a.size() != b.size()) return false;
    for (const auto& [k, v] : a) {
      const auto found = b.find(k);
      if (found == b.end() || std::memcmp(&found->second, &v, sizeof v) != 0) return false;
    }
  }
  return true;
}

}  // namespace teramind
