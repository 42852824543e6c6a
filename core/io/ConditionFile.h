#pragma once

#include <filesystem>

#include "transcriptomics/BinnedCondition.h"

namespace teramind {

// A binned condition on disk, by extension:
// - .vdb: OpenVDB, one FloatGrid per gene (named after it, in panel order), index space (bin x,
//   bin y, plane), the BinGrid in metadata; opens in any VDB viewer, but every touched 8³ leaf
//   costs ~2 KiB, so large scattered conditions are refused with a pointer to .h5.
// - .h5: HDF5, per-gene sorted (bin, value) runs, chunked and deflated: ~12 bytes per non-zero
//   bin whatever the grid (see ConditionHdf5File.h).
// Only non-zero bins are stored. Writes atomically; reading checks the metadata and throws
// FileError naming the file and the problem.
void writeCondition(const std::filesystem::path& file, const BinnedCondition& condition);
BinnedCondition readCondition(const std::filesystem::path& file);
// The compact format where this build has it (".h5"), else ".vdb".
const char* preferredConditionExtension();
// Whether `file` is a condition written by writeCondition (reads metadata only).
bool isConditionFile(const std::filesystem::path& file);

}  // namespace teramind
