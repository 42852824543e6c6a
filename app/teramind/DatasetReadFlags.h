#pragma once

#include <CLI/CLI.hpp>

#include "io/DatasetReadOptions.h"

namespace teramind::cli {

// The flags every command that reads a dataset takes (info, bin, generate, attention):
// --columns, --pixel-um, --min-qv, --landmarks. They fill `options`, which must outlive parsing.
void addDatasetReadFlags(CLI::App& command, DatasetReadOptions& options);

}  // namespace teramind::cli
