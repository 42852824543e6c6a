#pragma once

#include <cstdint>
#include <vector>

#include "transcriptomics/BinnedCondition.h"

namespace teramind {

// A condition frozen for reading by window, as generation reads it: per gene and plane, the
// non-zero bins of each row in ascending x (compressed sparse rows). It costs 8 bytes per
// non-zero bin plus 8 per row of each gene and plane, not genes × planes × bins as dense
// counts do (official-229 on a whole 10 × 8 mm section: ~2 GB against ~160 GB), and reads a
// window in time proportional to its rows and its non-zero bins.
class RowCompressedCounts {
 public:
  RowCompressedCounts() = default;
  explicit RowCompressedCounts(const BinnedCondition& condition);

  const BinGrid& grid() const { return grid_; }
  std::size_t geneCount() const { return genes_; }
  // 0 outside the grid.
  float get(int gene, int plane, int y, int x) const;
  // The bins [x0, x0 + w) × [y0, y0 + h) of one gene and plane into out (w × h, row-major);
  // bins outside the grid read 0.
  void readWindow(int gene, int plane, int x0, int y0, int w, int h, float* out) const;
  // Whether any bin of that box holds a count.
  bool anyInBox(int gene, int plane, int x0, int y0, int w, int h) const;

 private:
  // The entries of row y of (gene, plane): [rowStart_[r], rowStart_[r + 1]).
  std::size_t row(int gene, int plane, int y) const {
    return (std::size_t(gene) * std::size_t(grid_.planes) + std::size_t(plane)) *
               std::size_t(grid_.height) +
           std::size_t(y);
  }
  BinGrid grid_;
  std::size_t genes_ = 0;
  std::vector<std::uint64_t> rowStart_;
  std::vector<std::int32_t> x_;
  std::vector<float> value_;
};

}  // namespace teramind
