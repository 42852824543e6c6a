#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conditions/PaintContext.h"
#include "conditions/Selection.h"
#include "generation/TileGrid.h"
#include "transcriptomics/BinnedCondition.h"

namespace teramind {

// What a user asks a generation job to cover: a box of gene bins, or the bins a selection
// (atlas structure, polygon, brush) covers on the section, on one plane pair or all of them.
struct RegionChoice {
  std::optional<std::array<int, 4>> box;  // bins x, y, width, height
  std::optional<Selection> selection;
  std::string description;  // how messages name the selection ("CA1 (Field CA1)" …)
  int plane = 0;            // first output plane
  bool allPlanes = false;   // every plane pair of the section, one after another
};

// A choice resolved against a section: the tile grid's box, which bins were asked for and the
// plane pairs, one lock-step job each.
struct GenerationRegion {
  std::array<int, 4> box{};            // bins x, y, width, height
  std::vector<std::uint8_t> selected;  // [by][bx] of the section grid; empty: every bin
  std::vector<int> firstPlanes;
  std::string description;

  // Whether a tile of `tileBins` meets a selected bin of `grid`.
  bool tileSelected(const BinGrid& grid, TileIndex tile, int tileBins) const;
};

// Throws std::invalid_argument naming the problem: planes outside the section, a box of no
// size, a selection covering no bin.
GenerationRegion resolveGenerationRegion(const RegionChoice& choice, const BinGrid& grid,
                                         int outputSections, const PaintContext& context);

// "X,Y,WIDTH,HEIGHT" in bins; throws std::invalid_argument.
std::array<int, 4> parseBinBox(const std::string& text);

}  // namespace teramind
