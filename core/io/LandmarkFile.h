#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "transcriptomics/LandmarkPlacement.h"

namespace teramind {

// The landmarks CSV (docs/placement.md): a header naming the columns
//   name,section_x_um,section_y_um,atlas_x_um,atlas_y_um,atlas_z_um
// in any order (other columns, e.g. the residual_um we write, are ignored), then one pair per
// row. Plain or gzip, quoted fields allowed (DelimitedTextReader). An empty name becomes
// "L<row>"; a name used twice is refused, as is any row that is not a pair of finite numbers:
// FileError names the file, the line and the column. At most kMaxLandmarks rows.
constexpr std::size_t kMaxLandmarks = 10000;
std::vector<Landmark> readLandmarks(const std::filesystem::path& file);

// The CSV text of `landmarks`, numbers written to round-trip exactly; with a fit of the same
// landmarks, a residual_um column too.
std::string landmarksCsv(const std::vector<Landmark>& landmarks,
                         const std::optional<LandmarkFit>& fit = std::nullopt);
// Writes landmarksCsv atomically (never a half-written file). Throws FileError.
void writeLandmarks(const std::filesystem::path& file, const std::vector<Landmark>& landmarks,
                    const std::optional<LandmarkFit>& fit = std::nullopt);

}  // namespace teramind
