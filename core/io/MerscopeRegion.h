#pragma once

#include <filesystem>
#include <optional>

#include "transcriptomics/ReadProgress.h"

namespace teramind {

struct SpatialDataset;

// A MERSCOPE region folder as the instrument (or `teramind synth-section`) writes it:
//   detected_transcripts.csv[.gz]                 µm, global_z = plane index
//   images/mosaic_<stain>_z<k>.tif                 every stain and plane found is listed
//   images/micron_to_mosaic_pixel_transform.csv    3×3, µm → mosaic pixel
// The transcripts file, when the folder has one.
std::optional<std::filesystem::path> merscopeTranscriptsFile(const std::filesystem::path& folder);

// Reads the transcripts (unless `withTranscripts` is false: the table stays empty) and lists
// the mosaics (read later, by window). Throws FileError naming the file and the problem:
// mosaics without the transform, a mosaic name without a plane …
SpatialDataset loadMerscopeRegion(const std::filesystem::path& folder,
                                  const ReadProgress& progress = {}, bool withTranscripts = true);

}  // namespace teramind
