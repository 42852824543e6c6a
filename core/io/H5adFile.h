#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/H5adFile.h is private to teramind_io; use io/SpatialDataset.h"
#endif

#include <filesystem>
#include <optional>
#include <string>

#include "transcriptomics/ReadProgress.h"
#include "transcriptomics/SpatialTranscriptome.h"

namespace teramind {

struct H5adOptions {
  // Allen Brain Cell Atlas style cell_metadata.csv (plain or .gz), joined on cell_label = obs
  // index; rows for cells not in the h5ad are ignored, an h5ad cell without a row is an error.
  // Section coordinates come from x, y[, z] (or x_section, y_section[, z_section]); they are
  // taken as mm (stored as µm) when the file has ABC's brain_section_label column, else as µm.
  // When x_ccf, y_ccf, z_ccf (mm, CCFv3) are present too, placement.sectionToAtlas is the
  // least-squares affine fit section µm → CCF µm; it stays identity when the points do not
  // determine one (e.g. all cells of one flat section). Given, it wins over obsm/spatial.
  std::optional<std::filesystem::path> cellMetadataCsv;
  // Column of `var` holding gene symbols (plain strings or a categorical); empty picks
  // gene_symbol, then the var index. Repeated names get "-1", "-2", ... (anndata's
  // var_names_make_unique); a gene without a symbol keeps its var index name.
  std::string geneSymbolColumn;
};

// An AnnData .h5ad (HDF5, anndata >= 0.8 layout): X dense or sparse (CSR or CSC, read in
// blocks), obs index as cell ids, var gene symbols, spatial coordinates from obsm/spatial
// (cells × 2 or 3, taken as µm) or the metadata CSV; one of the two is required. X values must
// be finite and non-negative; explicit zeros are dropped and repeated indices summed.
// Throws FileError naming the file and the problem.
CellTable readH5ad(const std::filesystem::path& file, const H5adOptions& options = {},
                   const ReadProgress& progress = {});

}  // namespace teramind
