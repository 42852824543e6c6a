#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/CosmxOutput.h is private to teramind_io (use io/SpatialDataset.h)"
#endif

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/DatasetReadOptions.h"
#include "transcriptomics/ReadProgress.h"

namespace teramind {

struct SpatialDataset;

// A NanoString CosMx flat-file export, as AtoMx writes it (names may carry a run prefix, e.g.
// Run5642_S3_Quarter_tx_file.csv):
//   *tx_file.csv[.gz]          one row per molecule: fov, cell_ID, x_global_px, y_global_px,
//                              x_local_px, y_local_px, z (focal-slice index), target, CellComp
//   *fov_positions_file.csv    fov, x_global_px, y_global_px: each FOV's origin on the slide
//   CellLabels/CellLabels_F###.tif, CompartmentLabels/CompartmentLabels_F###.tif
//                              per-FOV segmentation images (F### = the FOV id)
// Global pixels become section µm by the pixel size: DatasetReadOptions::pixelUm (--pixel-um)
// when given, else kCosmxDefaultPixelUm.

// 0.18 µm/px: the pixel size NanoString states for its public FFPE NSCLC lung release (the
// Lung*_Rep* sets, the fixture's source). Later instruments and AtoMx exports state another in
// the run's CosMx-ReadMe (e.g. 0.12028 µm/px): pass it with --pixel-um.
inline constexpr double kCosmxDefaultPixelUm = 0.18;

// The export's transcripts table in `folder`, when it has one. Throws FileError when it holds
// several (name the one to read).
std::optional<std::filesystem::path> cosmxTranscriptsFile(const std::filesystem::path& folder);

// Whether a table header is CosMx's transcript table: a `target` column and the FOV pixel
// columns (global or only local; the reader refuses the latter by name).
bool isCosmxTranscriptHeader(const std::vector<std::string>& header);

// fov id → its origin in global pixels (x, y). Throws FileError naming the file and line.
std::map<int, std::pair<double, double>> readCosmxFovPositions(const std::filesystem::path& file);

// Reads a CosMx export given as its folder or its tx_file: the transcripts (unless
// `withTranscripts` is false) and, as cellBoundaries, each FOV's CellLabels image with its
// placement (outlined when read through readCellBoundaryFile): the FOV's origin from the
// positions file, image rows running against global y (row r lies at y = origin_y + height − r;
// on the fixture 98 % of molecules with a cell_ID land in that cell's outline so, 2-9 %
// without the flip). Everything is checked before anything is returned: a missing column, a
// non-finite or non-integral coordinate, an unusable pixel size, label images without the
// positions file, a label image of an FOV the positions file does not list, a label image
// whose header is not one (its pixels are read when outlined): FileError naming the file and
// the place.
SpatialDataset loadCosmxOutput(const std::filesystem::path& path, const ReadProgress& progress = {},
                               const DatasetReadOptions& options = {}, bool withTranscripts = true);

}  // namespace teramind
