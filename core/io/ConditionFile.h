#pragma once

#include <filesystem>

#include "transcriptomics/BinnedCondition.h"

namespace teramind {

// A binned condition as an OpenVDB file: one FloatGrid per gene (named after it, in panel
// order), index space (bin x, bin y, plane), the BinGrid in file metadata. Only non-zero bins
// are stored, so a file costs what the transcripts cost. Writes atomically; reading checks the
// metadata and throws FileError naming the file and the problem.
void writeCondition(const std::filesystem::path& file, const BinnedCondition& condition);
BinnedCondition readCondition(const std::filesystem::path& file);
// Whether `file` is an OpenVDB file written by writeCondition (reads metadata only).
bool isConditionFile(const std::filesystem::path& file);

}  // namespace teramind
