#pragma once

#include <string>

namespace teramind {

// A generic spot table's columns (pciSeq, Baysor, proseg, ISS pipelines): which column holds
// the gene and the coordinates. `z` is empty when the table is one plane.
struct SpotTableColumns {
  std::string gene, x, y, z;
};

// Parses a column map "gene=Gene,x=x,y=y[,z=z]" (keys in any order, each once; gene, x and y
// required). Throws std::invalid_argument saying what is wrong.
SpotTableColumns parseSpotTableColumns(const std::string& text);
// The inverse, as a dataset.json or a message shows it.
std::string formatSpotTableColumns(const SpotTableColumns& columns);

}  // namespace teramind
