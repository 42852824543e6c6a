#pragma once

#include "generation/LockstepScheduler.h"
#include "generation/TileGrid.h"

namespace teramind {

// One process's share of a grid split into vertical strips of whole tile columns: its own
// columns plus, where a neighbour exists, one ghost column each side that the neighbour steps
// and sends after every front. Rows are not split, so every process runs the same fronts.
struct ColumnStrip {
  TileGrid grid;            // own columns with their ghosts, active flags from the whole grid
  LockstepOptions options;  // ghost flags set
  int part = 0, parts = 1;
  int firstOwnedColumn() const { return options.ghostFirstColumn ? 1 : 0; }
  int lastOwnedColumn() const { return grid.cols() - (options.ghostLastColumn ? 2 : 1); }
};

// Part `part` of `parts` nearly equal strips. Throws when there are fewer columns than parts.
ColumnStrip columnStrip(const TileGrid& whole, int parts, int part, LockstepOptions options);

}  // namespace teramind
