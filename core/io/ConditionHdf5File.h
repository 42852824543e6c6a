#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ConditionHdf5File.h is private to teramind_io; use io/ConditionFile.h"
#endif

// Private to io/ConditionFile.cpp: the HDF5 layout of a binned condition.

#include <filesystem>

#include "transcriptomics/BinnedCondition.h"

namespace teramind::conditionh5 {

// Root attributes: format "teramind-binned-condition", version 1, bin_um, origin_um[2],
// extent[3] (width, height, planes), plane_spacing_um. Datasets: genes (strings),
// gene_offsets (uint64, genes + 1), bins (uint64 packed BinnedCondition::key, sorted per gene)
// and values (float32), the last two chunked and deflated: 12 bytes per non-zero bin before
// compression, whatever the grid.
void write(const std::filesystem::path& file, const BinnedCondition& condition);
BinnedCondition read(const std::filesystem::path& file);
bool isConditionFile(const std::filesystem::path& file);

}  // namespace teramind::conditionh5
