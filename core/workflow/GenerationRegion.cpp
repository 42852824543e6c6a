#include "workflow/GenerationRegion.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

namespace teramind {

std::array<int, 4> parseBinBox(const std::string& text) {
  std::array<int, 4> r{};
  char c1 = 0, c2 = 0, c3 = 0;
  std::istringstream in(text);
  if (!(in >> r[0] >> c1 >> r[1] >> c2 >> r[2] >> c3 >> r[3]) || c1 != ',' || c2 != ',' ||
      c3 != ',' || r[2] <= 0 || r[3] <= 0 || !in.eof())
    throw std::invalid_argument(
        fmt::format("'{}' is not X,Y,WIDTH,HEIGHT in bins (positive size)", text));
  return r;
}

bool GenerationRegion::tileSelected(const BinGrid& g, TileIndex tile, int tileBins) const {
  if (selected.empty()) return true;
  for (int by = std::max(0, tile.row * tileBins);
       by < std::min(g.height, (tile.row + 1) * tileBins); ++by)
    for (int bx = std::max(0, tile.col * tileBins);
         bx < std::min(g.width, (tile.col + 1) * tileBins); ++bx)
      if (selected[std::size_t(by) * std::size_t(g.width) + std::size_t(bx)]) return true;
  return false;
}

GenerationRegion resolveGenerationRegion(const RegionChoice& choice, const BinGrid& g,
                                         int outputSections, const PaintContext& context) {
  GenerationRegion region;
  if (choice.allPlanes) {
    for (int z = 0; z + outputSections <= g.planes; z += outputSections)
      region.firstPlanes.push_back(z);
  } else {
    if (choice.plane < 0 || choice.plane + outputSections > g.planes)
      throw std::invalid_argument(fmt::format("plane {}: the data has planes 0…{}, a job makes {}",
                                              choice.plane, g.planes - 1, outputSections));
    region.firstPlanes = {choice.plane};
  }
  if (region.firstPlanes.empty())
    throw std::invalid_argument(fmt::format("the data has {} planes, the model makes {} at once",
                                            g.planes, outputSections));
  if (choice.box && choice.selection)
    throw std::invalid_argument("give a box of bins or a selection, not both");
  region.box = {0, 0, g.width, g.height};
  region.description = "the whole section";
  if (choice.box) {
    const auto& b = *choice.box;
    if (b[2] <= 0 || b[3] <= 0)
      throw std::invalid_argument(fmt::format("a box of {} x {} bins is empty", b[2], b[3]));
    // A box may reach past the section (tiles there are skipped), but not miss it entirely:
    // that would write an empty output and say nothing was wrong.
    if (b[0] >= g.width || b[1] >= g.height || b[0] + b[2] <= 0 || b[1] + b[3] <= 0)
      throw std::invalid_argument(
          fmt::format("the box x [{}, {}) y [{}, {}) lies outside the section's {} x {} bins", b[0],
                      b[0] + b[2], b[1], b[1] + b[3], g.width, g.height));
    region.box = b;
    region.description =
        fmt::format("bins x [{}, {}) y [{}, {})", b[0], b[0] + b[2], b[1], b[1] + b[3]);
  }
  if (!choice.description.empty()) region.description = choice.description;
  if (!choice.selection) return region;

  region.selected.assign(std::size_t(g.width) * std::size_t(g.height), 0);
  int x0 = g.width, y0 = g.height, x1 = -1, y1 = -1;
  for (const auto& bin : selectBins(*choice.selection, g, context)) {
    region.selected[std::size_t(bin.bin.y) * std::size_t(g.width) + std::size_t(bin.bin.x)] = 1;
    x0 = std::min(x0, bin.bin.x);
    y0 = std::min(y0, bin.bin.y);
    x1 = std::max(x1, bin.bin.x);
    y1 = std::max(y1, bin.bin.y);
  }
  if (x1 < 0)
    throw std::invalid_argument(fmt::format("{} covers no bin of the section", region.description));
  region.box = {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  return region;
}

}  // namespace teramind
