#pragma once

#include <filesystem>
#include <string>

#include "model/ModelConfig.h"
#include "model/PairedSection.h"
#include "transcriptomics/ReadProgress.h"

namespace teramind {

// A paired section saved once, so that training can run where the raw export is not: a GPU
// node needs neither the transcript table (gigabytes for a whole section) nor ITK for the
// stain mosaics. A safetensors file: `stains` F32 [stain][plane][y][x], `counts` F32
// [gene][plane][by][bx], and the grid, bin size, genes and stain names as metadata.
void savePairedSection(const std::filesystem::path& file, const PairedSection& section,
                       const std::string& source);

// Throws FileError naming the file when it is not a paired section, or its tensors disagree
// with its grid, genes or stains.
PairedSection loadPairedSection(const std::filesystem::path& file);

// A regular file whose safetensors header says it is a paired section (only the header is read).
bool isPairedSectionFile(const std::filesystem::path& file);
// The gene order of a paired section, from its header alone.
std::vector<std::string> pairedSectionGenes(const std::filesystem::path& file);

// The section's counts in the order of `genes`; throws std::invalid_argument naming the first
// gene the section lacks.
PairedSection withGeneOrder(const PairedSection& section, const std::vector<std::string>& genes);

// The section a model trains on or is evaluated on: a paired-section file (its genes put in the
// model's order, its bin size checked against the configuration's) or a dataset, binned and
// resampled here. Throws FileError naming the file when a saved section has another bin size.
PairedSection openPairedSection(const std::filesystem::path& data, const ModelConfig& config,
                                const std::vector<std::string>& genes,
                                const ReadProgress& progress = {});

}  // namespace teramind
