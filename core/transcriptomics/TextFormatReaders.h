#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "transcriptomics/ReadProgress.h"
#include "transcriptomics/SpatialTranscriptome.h"

namespace teramind {

// Vizgen/MERSCOPE detected transcripts (detected_transcripts.csv[.gz] or the Giotto crop's
// vizgen_transcripts.gz): columns gene, global_x, global_y (µm) and global_z (plane index).
TranscriptTable readVizgenTranscripts(const std::filesystem::path& file,
                                      const ReadProgress& progress = {});

// One cell outline on one plane, in section µm.
struct CellPolygon {
  std::string id;
  std::vector<std::pair<double, double>> vertices;
};
// Cell boundaries as a vertex CSV (x, y, poly_ID; one ring per id, vertices in order).
// `yNegated`: the file stores −y (Giotto's convention); the result is in section µm.
std::vector<CellPolygon> readCellPolygons(const std::filesystem::path& file, bool yNegated,
                                          const ReadProgress& progress = {});

// A cell × gene CSV with centroids (Zhuang-lab MERFISH: index, cell_volume, pos_x, pos_y,
// then one column per gene). Coordinates come from pos_x/pos_y[/pos_z], center_x/center_y,
// or x/y[/z]; known per-cell metadata columns are not genes.
CellTable readCellByGeneCsv(const std::filesystem::path& file, const ReadProgress& progress = {});

// STARmap's pair: a location file (x y z per cell, no header) and a gene × cell expression
// matrix (first line the cell ids, then "gene" followed by one count per cell). Cells pair
// with locations by position. Coordinates are the stack's voxel indices (unit "voxel").
CellTable readStarmap(const std::filesystem::path& locations,
                      const std::filesystem::path& expression, const ReadProgress& progress = {});

}  // namespace teramind
