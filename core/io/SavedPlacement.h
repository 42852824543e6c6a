#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <vector>

#include "io/DatasetReadOptions.h"
#include "io/SpatialDataset.h"
#include "transcriptomics/LandmarkPlacement.h"

namespace teramind {

// Where a placement made from landmarks is kept "with the dataset" (docs/placement.md):
// - a dataset.json gets it in its own section_to_atlas (matrix_3x4, note, the landmarks file
//   name), rewritten atomically, with the landmarks CSV beside it (section_landmarks.csv);
// - any other data gets a sidecar beside it that the loader picks up: <file>.placement.json
//   and <file>.landmarks.csv for a file, teramind_placement.json and teramind_landmarks.csv
//   inside a folder (a MERSCOPE region, a STARmap pair), also for a folder format opened
//   through one of its files (Xenium, CosMx, STARmap: the same data, one sidecar).
struct PlacementFiles {
  std::filesystem::path placement;  // the manifest or the sidecar JSON
  std::filesystem::path landmarks;  // the CSV
  bool inManifest = false;
};
PlacementFiles placementFilesOf(const SpatialDataset& dataset);

// Writes the landmarks and the fitted placement where placementFilesOf says; every file is
// written atomically. A manifest keeps everything else the user wrote, in order, including a
// note of their own in section_to_atlas (the tool's goes to fit_note then); the fit's RMS and
// max go to landmark_rms_um and landmark_max_um. Throws FileError.
PlacementFiles savePlacement(const SpatialDataset& dataset, const std::vector<Landmark>& landmarks,
                             const LandmarkFit& fit);

// The landmarks file saved with this dataset, when there is one (to reopen the tool with it).
std::optional<std::filesystem::path> savedLandmarksFile(const SpatialDataset& dataset);

// What the loader does after reading a dataset: a sidecar placement replaces the data's own
// (manifest section_to_atlas, h5ad CCF fit), and --landmarks (options.landmarks) replaces
// both, fitted by fitLandmarks. The note says where the placement came from. Throws FileError
// naming the sidecar or the landmarks file (bad rows, degenerate pairs).
void applySavedPlacement(SpatialDataset& dataset, const DatasetReadOptions& options);

// The matrix as written and printed: row-major 3×4 with |v| < 1e-9 as 0 (a rotation's
// 7.3e-17 is a rounding error, not a value).
std::array<double, 12> cleanRowMajor(const AffineTransform& transform);

// The extent (µm) of the section's molecules or cell centres, when it has any.
std::optional<SectionExtentUm> sectionExtentOf(const SpatialDataset& dataset);

// The placement as `dataset` holds it, to change (transcripts or cells).
SectionPlacement& placementOf(SpatialDataset& dataset);

}  // namespace teramind
