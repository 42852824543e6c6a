#pragma once

// What the folder-format fuzz targets (xenium, cosmx, spatialdata) read of the folder they lay
// out: the dataset as `teramind info` and the studio load it, then every cell boundary file.

#include <filesystem>

#include "FuzzInput.h"
#include "io/SpatialDataset.h"

namespace teramind::fuzz {

// Loads `folder` and reads each cell boundary file, then calls `alsoRead(dataset)` for what else
// a format gives; aborts on an unclean refusal.
template <typename AlsoRead>
void readSpatialDatasetInput(const std::filesystem::path& folder, AlsoRead&& alsoRead) {
  expectCleanRefusal(folder, [&] {
    const SpatialDataset dataset = loadSpatialDataset(folder);
    for (const auto& boundaries : dataset.cellBoundaries)
      expectCleanRefusal(boundaries.file, [&] { readCellBoundaryFile(boundaries); });
    alsoRead(dataset);
  });
}

inline void readSpatialDatasetInput(const std::filesystem::path& folder) {
  readSpatialDatasetInput(folder, [](const SpatialDataset&) {});
}

}  // namespace teramind::fuzz
