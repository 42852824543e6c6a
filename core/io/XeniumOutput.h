#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/XeniumOutput.h is private to teramind_io (use io/SpatialDataset.h)"
#endif

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/DatasetReadOptions.h"
#include "transcriptomics/ReadProgress.h"
#include "transcriptomics/TextFormatReaders.h"

namespace teramind {

struct SpatialDataset;

// A 10x Xenium output folder (Xenium Onboard Analysis) as the instrument writes it:
//   experiment.xenium                         JSON run manifest: pixel_size (µm per morphology
//                                             pixel), z_step_size (µm), panel_name, images
//   transcripts.parquet | .csv.gz | .csv      one row per molecule: feature_name, x_location,
//                                             y_location, z_location (µm), qv (Phred quality)
//   cell_boundaries.*, nucleus_boundaries.*   cell_id, vertex_x, vertex_y (µm), one ring per cell
//   morphology_focus / _mip / morphology .ome.tif   DAPI, pixel (0, 0) at µm (0, 0)

// What experiment.xenium says that the reader uses (10x's published values when absent).
struct XeniumExperiment {
  double pixelUm = 0.2125;                    // the morphology images' pixel size
  double zStepUm = 3.0;                       // the z-stack's step: our plane spacing
  std::string panel;                          // "Xenium Mouse Brain GEX (248 targets)"
  std::vector<std::filesystem::path> images;  // morphology images named, best first
};
// Throws FileError naming the file and the field when it is not JSON or a field is malformed.
XeniumExperiment readXeniumExperiment(const std::filesystem::path& file);

// The transcripts file of a folder: transcripts.parquet, else .csv.gz, else .csv.
std::optional<std::filesystem::path> xeniumTranscriptsFile(const std::filesystem::path& folder);
// A CSV (plain or gzip) or Parquet table with Xenium's feature_name, x_location, y_location.
bool isXeniumTranscriptsFile(const std::filesystem::path& file);
// A folder with experiment.xenium, or with a transcripts file of Xenium's columns.
bool isXeniumOutputFolder(const std::filesystem::path& folder);

// Reads a Xenium folder, its experiment.xenium, or one of its transcripts files (the rest of
// the folder beside it is used as well) into a dataset:
// - molecules with qv >= options.minQv (default 20, as 10x recommend) are kept, and
//   dataset.qualityFilter says how many of how many; the gene catalogue holds every feature
//   seen, kept or not (controls flagged by name: NegControlProbe_, NegControlCodeword_,
//   BLANK_, UnassignedCodeword_, DeprecatedCodeword_);
// - z_location becomes a plane index: planes are z_step_size apart (placement.planeSpacingUm)
//   and plane 0 is the z step holding the lowest kept molecule, steps aligned to multiples of
//   z_step_size in the instrument's z. Xenium's z is continuous, so this bins it like
//   MERSCOPE's z-planes without the empty planes below the tissue;
// - cell and nucleus boundaries are listed in dataset.cellBoundaries (read them with
//   readCellBoundaryFile), the morphology image as a DAPI stain placed by dataset.stainPixelUm.
// Without `withTranscripts` only the stains and boundaries are listed. Throws FileError naming
// the file, the line or row and the column: missing columns, non-finite coordinates, a qv that
// is not a number, no molecule passing the filter. Nothing is returned half-read.
SpatialDataset loadXeniumOutput(const std::filesystem::path& path,
                                const ReadProgress& progress = {}, bool withTranscripts = true,
                                const DatasetReadOptions& options = {});

// Xenium cell or nucleus boundaries (CSV, gzip or Parquet): cell_id, vertex_x, vertex_y µm.
std::vector<CellPolygon> readXeniumBoundaries(const std::filesystem::path& file,
                                              const ReadProgress& progress = {});

}  // namespace teramind
