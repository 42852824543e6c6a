#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "volume/PhysicalFrame.h"

namespace teramind {

// One bin of a section stack: in-plane bin column/row and the z-plane (or section) index.
struct BinIndex {
  std::int32_t x = 0, y = 0, plane = 0;
  bool operator==(const BinIndex& o) const { return x == o.x && y == o.y && plane == o.plane; }
};

// The lattice of bins over a section: square bins of `binUm` whose bin (0,0) has its corner at
// (originXUm, originYUm); planes are `planeSpacingUm` apart. Coordinates are the section's own µm.
struct BinGrid {
  double originXUm = 0, originYUm = 0;
  double binUm = 16 * 0.108;
  std::int32_t width = 0, height = 0, planes = 1;
  double planeSpacingUm = 1.5;

  bool contains(const BinIndex& b) const {
    return b.x >= 0 && b.y >= 0 && b.plane >= 0 && b.x < width && b.y < height && b.plane < planes;
  }
  // The bin a point falls in (half-open bins); it may lie outside the grid.
  BinIndex binAt(double xUm, double yUm, std::int32_t plane) const;
  Vec3 binCentreUm(const BinIndex& b) const;  // z = plane × spacing
  std::uint64_t binCount() const {
    return std::uint64_t(width) * std::uint64_t(height) * std::uint64_t(planes);
  }
  bool operator==(const BinGrid& o) const;
};

// Per-gene count images on a BinGrid, stored sparsely: only non-zero bins take memory, so a
// whole section with hundreds of genes costs what its transcripts cost, not genes × pixels.
class BinnedCondition {
 public:
  // Grid limits of the packed bin key.
  static constexpr std::int32_t kMaxExtent = 1 << 26;
  static constexpr std::int32_t kMaxPlanes = 1 << 12;

  BinnedCondition() = default;
  // Throws std::invalid_argument for a grid beyond the key limits or duplicate gene names.
  BinnedCondition(const BinGrid& grid, std::vector<std::string> geneNames);

  const BinGrid& grid() const { return grid_; }
  std::size_t geneCount() const { return genes_.size(); }
  const std::vector<std::string>& geneNames() const { return genes_; }
  const std::string& geneName(std::size_t g) const { return genes_.at(g); }
  std::optional<std::size_t> geneIndex(const std::string& name) const;

  float get(std::size_t gene, const BinIndex& bin) const;
  // Bins outside the grid are rejected with std::out_of_range; setting 0 frees the bin.
  void set(std::size_t gene, const BinIndex& bin, float value);
  void add(std::size_t gene, const BinIndex& bin, float value) {
    update(gene, bin, [value](float old) { return old + value; });
  }
  // Replaces a bin's value by `next(old)` with one hash lookup (binning's inner loop); a zero
  // result frees the bin. If `next` throws, the condition is unchanged.
  template <typename Next>
  void update(std::size_t gene, const BinIndex& bin, Next&& next) {
    if (!grid_.contains(bin)) throw std::out_of_range("bin outside the condition's grid");
    auto& channel = channels_.at(gene);
    const auto [it, inserted] = channel.try_emplace(key(bin), 0.0f);
    float value;
    try {
      value = next(it->second);
    } catch (...) {
      if (inserted) channel.erase(it);
      throw;
    }
    if (value == 0.0f)
      channel.erase(it);
    else
      it->second = value;
  }

  // Replaces one gene's bins by `entries`: packed keys (key()), each once, inside the grid, with
  // non-zero values; throws std::invalid_argument otherwise. Bulk loading for the binner:
  // different genes may be filled from different threads at once.
  void fillChannel(std::size_t gene, const std::vector<std::pair<std::uint64_t, float>>& entries);

  void forEachNonZero(std::size_t gene,
                      const std::function<void(const BinIndex&, float)>& visit) const;
  std::size_t nonZeroCount(std::size_t gene) const { return channels_.at(gene).size(); }
  std::size_t nonZeroCount() const;
  double total(std::size_t gene) const;
  // Non-zero bins of one gene in ascending key order (stable for files and comparisons).
  std::vector<std::pair<BinIndex, float>> sortedEntries(std::size_t gene) const;
  // A dense w×h tile (row-major, x fastest) of one gene and plane; bins outside read as 0.
  std::vector<float> denseTile(std::size_t gene, std::int32_t plane, std::int32_t x0,
                               std::int32_t y0, std::int32_t w, std::int32_t h) const;

  // Bit-exact equality of grid, genes and every stored value.
  bool operator==(const BinnedCondition& other) const;
  bool operator!=(const BinnedCondition& other) const { return !(*this == other); }

  static std::uint64_t key(const BinIndex& b) {
    return (std::uint64_t(b.plane) << 52) | (std::uint64_t(b.y) << 26) | std::uint64_t(b.x);
  }
  static BinIndex unpack(std::uint64_t k) {
    return {std::int32_t(k & 0x3FFFFFF), std::int32_t((k >> 26) & 0x3FFFFFF),
            std::int32_t(k >> 52)};
  }

 private:
  BinGrid grid_;
  std::vector<std::string> genes_;
  std::vector<std::unordered_map<std::uint64_t, float>> channels_;
};

}  // namespace teramind
