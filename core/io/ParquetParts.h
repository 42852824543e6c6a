#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ParquetParts.h is private to teramind_io"
#endif

#include <filesystem>
#include <vector>

namespace teramind {

// A Parquet dataset as dask and spatialdata write it: `element/name` is one file, or a folder
// of parts (part.0.parquet, part.1.parquet, … read in part order, then any other .parquet in
// name order; _metadata and hidden files skipped). Throws FileError when it is missing, empty,
// has a gap in its numbered parts or more than a million of them.
std::vector<std::filesystem::path> parquetParts(const std::filesystem::path& element,
                                                const char* name);

}  // namespace teramind
