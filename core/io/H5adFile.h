#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "transcriptomics/ReadProgress.h"
#include "transcriptomics/SpatialTranscriptome.h"

namespace teramind {

struct H5adOptions {
  // Allen Brain Cell Atlas cell_metadata.csv: cell_label, x, y, z (section µm or mm) and, when
  // present, x_reconstructed/y_reconstructed/z_reconstructed or x_ccf/y_ccf/z_ccf (mm) used to
  // fit the section → atlas placement.
  std::optional<std::filesystem::path> cellMetadataCsv;
  // Column of `var` holding gene symbols; empty picks gene_symbol, then the var index.
  std::string geneSymbolColumn;
};

// An AnnData .h5ad (HDF5): X dense or sparse (CSR or CSC), obs index as cell ids, var gene
// symbols, spatial coordinates from obsm/spatial or the metadata CSV.
// Throws FileError naming the file and the problem.
CellTable readH5ad(const std::filesystem::path& file, const H5adOptions& options = {},
                   const ReadProgress& progress = {});

}  // namespace teramind
