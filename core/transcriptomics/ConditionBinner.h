#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "transcriptomics/BinnedCondition.h"
#include "transcriptomics/GenePanel.h"
#include "transcriptomics/SpatialTranscriptome.h"

namespace teramind {

struct BinningOptions {
  // METHOD.md: 16×16 pixels of ≈0.108 µm, sum-pooled, no normalisation.
  double binUm = 16 * 0.108;
  // Corner of bin (0,0) in section µm. Default: the data's minimum snapped down to a multiple
  // of the bin size, so crops of one section share a lattice.
  std::optional<std::pair<double, double>> originUm;
  // Grid size in bins; default: just enough to hold every point.
  std::optional<std::pair<std::int32_t, std::int32_t>> sizeBins;
  double planeSpacingUm = 1.5;
};

struct BinningResult {
  BinnedCondition condition;
  std::vector<std::string> missingGenes;  // panel genes the data lacks (their channels are 0)
  double binned = 0;                      // molecules (or expression) placed into bins
  double outsideGrid = 0;                 // dropped because they fall outside an explicit grid
  double notInPanel = 0;                  // of genes the panel does not list (controls included)
};

// Sum-pools transcripts into per-gene count images. Without a panel every gene of the catalogue
// (controls excluded) becomes a channel, in catalogue order; with one, the channels are the
// panel's genes in panel order. Throws std::invalid_argument for a bad bin size.
BinningResult binTranscripts(const TranscriptTable& transcripts, const BinningOptions& options,
                             const GenePanel* panel = nullptr);
// The same for cell tables: each cell's expression goes to the bin of its centroid; `z` is
// taken as the plane index when `zAsPlane`, else every cell goes to plane 0.
BinningResult binCells(const CellTable& cells, const BinningOptions& options,
                       const GenePanel* panel = nullptr, bool zAsPlane = false);

}  // namespace teramind
