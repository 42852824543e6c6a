#include "generation/ColumnDecomposition.h"

#include <stdexcept>

#include <fmt/core.h>

namespace teramind {

ColumnStrip columnStrip(const TileGrid& whole, int parts, int part, LockstepOptions options) {
  if (parts < 1 || part < 0 || part >= parts)
    throw std::invalid_argument(fmt::format("part {} of {} does not exist", part, parts));
  if (whole.cols() < parts)
    throw std::invalid_argument(fmt::format(
        "{} processes need at least as many tile columns; the region has {}", parts, whole.cols()));
  const int first = static_cast<int>(std::int64_t(whole.cols()) * part / parts);
  const int last = static_cast<int>(std::int64_t(whole.cols()) * (part + 1) / parts) - 1;
  const int from = first - (part > 0 ? 1 : 0), to = last + (part + 1 < parts ? 1 : 0);
  const int b = whole.tileBins();
  ColumnStrip strip;
  strip.grid = TileGrid(b, (whole.firstCol() + from) * b, whole.firstRow() * b, (to - from + 1) * b,
                        whole.rows() * b);
  for (int r = 0; r < whole.rows(); ++r)
    for (int c = from; c <= to; ++c) strip.grid.setActive(r, c - from, whole.active(r, c));
  strip.options = options;
  strip.options.ghostFirstColumn = part > 0;
  strip.options.ghostLastColumn = part + 1 < parts;
  strip.part = part;
  strip.parts = parts;
  return strip;
}

}  // namespace teramind
