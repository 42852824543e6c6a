#include "transcriptomics/RowCompressedCounts.h"

#include <algorithm>

namespace teramind {

RowCompressedCounts::RowCompressedCounts(const BinnedCondition& condition)
    : grid_(condition.grid()), genes_(condition.geneCount()) {
  const std::size_t rows = genes_ * std::size_t(grid_.planes) * std::size_t(grid_.height);
  rowStart_.assign(rows + 1, 0);
  x_.reserve(condition.nonZeroCount());
  value_.reserve(condition.nonZeroCount());
  for (std::size_t g = 0; g < genes_; ++g) {
    // Ascending keys: plane, then y, then x.
    for (const auto& [bin, value] : condition.sortedEntries(g)) {
      ++rowStart_[row(int(g), bin.plane, bin.y) + 1];
      x_.push_back(bin.x);
      value_.push_back(value);
    }
  }
  for (std::size_t r = 0; r < rows; ++r) rowStart_[r + 1] += rowStart_[r];
}

float RowCompressedCounts::get(int gene, int plane, int y, int x) const {
  if (gene < 0 || std::size_t(gene) >= genes_ || !grid_.contains({x, y, plane})) return 0;
  const std::size_t r = row(gene, plane, y);
  const auto first = x_.begin() + std::ptrdiff_t(rowStart_[r]);
  const auto last = x_.begin() + std::ptrdiff_t(rowStart_[r + 1]);
  const auto it = std::lower_bound(first, last, x);
  return it != last && *it == x ? value_[std::size_t(it - x_.begin())] : 0.0f;
}

void RowCompressedCounts::readWindow(int gene, int plane, int x0, int y0, int w, int h,
                                     float* out) const {
  std::fill(out, out + std::size_t(std::max(w, 0)) * std::size_t(std::max(h, 0)), 0.0f);
  if (gene < 0 || std::size_t(gene) >= genes_ || plane < 0 || plane >= grid_.planes) return;
  for (int y = std::max(y0, 0); y < std::min(y0 + h, grid_.height); ++y) {
    const std::size_t r = row(gene, plane, y);
    const auto first = x_.begin() + std::ptrdiff_t(rowStart_[r]);
    const auto last = x_.begin() + std::ptrdiff_t(rowStart_[r + 1]);
    for (auto it = std::lower_bound(first, last, x0); it != last && *it < x0 + w; ++it)
      out[std::size_t(y - y0) * std::size_t(w) + std::size_t(*it - x0)] =
          value_[std::size_t(it - x_.begin())];
  }
}

bool RowCompressedCounts::anyInBox(int gene, int plane, int x0, int y0, int w, int h) const {
  if (gene < 0 || std::size_t(gene) >= genes_ || plane < 0 || plane >= grid_.planes) return false;
  for (int y = std::max(y0, 0); y < std::min(y0 + h, grid_.height); ++y) {
    const std::size_t r = row(gene, plane, y);
    const auto first = x_.begin() + std::ptrdiff_t(rowStart_[r]);
    const auto last = x_.begin() + std::ptrdiff_t(rowStart_[r + 1]);
    const auto it = std::lower_bound(first, last, x0);
    if (it != last && *it < x0 + w) return true;
  }
  return false;
}

}  // namespace teramind
