#pragma once

#include <filesystem>
#include <optional>

#include "transcriptomics/SpotTableColumns.h"

namespace teramind {

// How to read a dataset where its files do not say it themselves: the CLI's --columns,
// --pixel-um, --min-qv and --landmarks, and the same fields of a dataset.json.
struct DatasetReadOptions {
  std::optional<SpotTableColumns> columns;  // a spot table's column map
  std::optional<double> pixelUm;            // µm per coordinate unit of a spot table (or CosMx)
  std::optional<double> minQv;              // Xenium's quality filter; unset = 20, as 10x advise
  std::optional<std::filesystem::path> landmarks;  // section ↔ atlas point pairs (CSV)
};

}  // namespace teramind
