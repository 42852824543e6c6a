#pragma once

#include <cstdint>
#include <vector>

namespace teramind {

// A tile's place in the section's global tile grid (tile (0, 0) starts at bin (0, 0)), so a
// tile's index — and the noise seeded from it — does not depend on the region asked for.
struct TileIndex {
  int row = 0, col = 0;
  bool operator==(const TileIndex& o) const { return row == o.row && col == o.col; }
  bool operator<(const TileIndex& o) const { return row < o.row || (row == o.row && col < o.col); }
};

// The tiles covering a box of bins on one section: whole tiles of `tileBins` × `tileBins`
// bins, aligned to the global grid, each either active (generated) or skipped (no condition).
class TileGrid {
 public:
  TileGrid() = default;
  // Tiles meeting bins [bx0, bx0 + widthBins) × [by0, by0 + heightBins).
  TileGrid(int tileBins, int bx0, int by0, int widthBins, int heightBins);

  int tileBins() const { return tileBins_; }
  int firstRow() const { return firstRow_; }
  int firstCol() const { return firstCol_; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  std::int64_t tileCount() const { return std::int64_t(rows_) * cols_; }
  // Local (0-based) row/column to the global index and back.
  TileIndex global(int localRow, int localCol) const {
    return {firstRow_ + localRow, firstCol_ + localCol};
  }
  bool contains(TileIndex t) const {
    return t.row >= firstRow_ && t.row < firstRow_ + rows_ && t.col >= firstCol_ &&
           t.col < firstCol_ + cols_;
  }

  bool active(int localRow, int localCol) const {
    return active_[std::size_t(localRow) * std::size_t(cols_) + std::size_t(localCol)] != 0;
  }
  void setActive(int localRow, int localCol, bool on) {
    active_[std::size_t(localRow) * std::size_t(cols_) + std::size_t(localCol)] = on ? 1 : 0;
  }
  std::int64_t activeCount() const;

 private:
  int tileBins_ = 1, firstRow_ = 0, firstCol_ = 0, rows_ = 0, cols_ = 0;
  std::vector<std::uint8_t> active_;
};

}  // namespace teramind
