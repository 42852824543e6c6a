#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "synthetic/SyntheticSection.h"
#include "synthetic/SyntheticTissue.h"

namespace teramind::synthetic {

struct TranscriptCounts {
  std::int64_t rows = 0, background = 0, blanks = 0;
  std::vector<std::int64_t> perGene;  // by barcode_id: genes, then blanks
};

// Streams detected_transcripts.csv.gz, cell by cell in field-of-view order: molecules are drawn
// from each cell's own random stream and never held. `geneNames` is syntheticGeneNames(spec).
// `progress` gets the rows written so far. Atomic: the file appears whole or not at all.
TranscriptCounts writeSyntheticTranscripts(const SyntheticSectionSpec& spec,
                                           const SyntheticTissue& tissue,
                                           const std::vector<std::string>& geneNames,
                                           const std::filesystem::path& file,
                                           const std::function<void(std::int64_t)>& progress);

}  // namespace teramind::synthetic
