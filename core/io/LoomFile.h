#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/LoomFile.h is private to teramind_io; use io/SpatialDataset.h"
#endif

#include <filesystem>

#include "transcriptomics/ReadProgress.h"
#include "transcriptomics/SpatialTranscriptome.h"

namespace teramind {

// A loom file (HDF5): /matrix genes × cells, /row_attrs/Gene, /col_attrs/{CellID, X, Y[, Z]}.
// Coordinates are kept in the file's unit; `pixelSizeUm` (0 = read from size_um2/size_pix when
// present, else 1) converts them to µm; with neither, coordinates stay in pixels and
// coordinateUnit is "px". Cell ids come from /col_attrs/CellID, else the column numbers.
// The matrix is read a block of cells at a time; a negative, NaN or infinite count is an error
// naming the gene and the cell. Throws FileError naming the file and the problem.
CellTable readLoom(const std::filesystem::path& file, double pixelSizeUm = 0,
                   const ReadProgress& progress = {});

}  // namespace teramind
