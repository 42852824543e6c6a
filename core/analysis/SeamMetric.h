#pragma once

#include <cstdint>
#include <vector>

namespace teramind {

// Gradient energy across tile borders against the energy inside tiles: squared differences
// of horizontally and vertically adjacent pixels, averaged separately over pairs that straddle
// a border and pairs within a tile. A seamless mosaic gives about 1; visible seams give more.
// Fed tile by tile so a whole-brain output never has to be in memory.
class SeamMeter {
 public:
  explicit SeamMeter(int tile) : tile_(tile) {}
  // The pairs inside one tile (tile × tile values, row-major).
  void addTile(const std::vector<float>& tile);
  // The pairs across a border: `left` and `right` tiles side by side, or `top` above `bottom`.
  void addHorizontalBorder(const std::vector<float>& left, const std::vector<float>& right);
  void addVerticalBorder(const std::vector<float>& top, const std::vector<float>& bottom);

  double borderEnergy() const { return borderPairs_ ? border_ / double(borderPairs_) : 0; }
  double interiorEnergy() const { return interiorPairs_ ? interior_ / double(interiorPairs_) : 0; }
  std::int64_t borderPairs() const { return borderPairs_; }
  // border / interior energy; 0 when either is unknown.
  double ratio() const;

 private:
  int tile_;
  double border_ = 0, interior_ = 0;
  std::int64_t borderPairs_ = 0, interiorPairs_ = 0;
};

}  // namespace teramind
