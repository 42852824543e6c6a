#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/SpatialDataset.h"
#include "model/ModelConfig.h"
#include "transcriptomics/BinnedCondition.h"
#include "transcriptomics/RowCompressedCounts.h"

namespace teramind {

// A section stack prepared for the model: transcript counts binned on the model's gene bins
// and the stains resampled (box average) onto the model's pixel grid, aligned so one bin is
// exactly binPixels × binPixels pixels. This is what training and held-out evaluation crop.
struct PairedSection {
  BinGrid grid;  // gene bins; binUm = binPixels × pixelUm
  int binPixels = 16;
  std::vector<std::string> genes;  // channel order (the model's panel)
  std::vector<std::string> stainNames;
  std::vector<float> stains;  // [stain][plane][y][x], scaled img/127.5 − 1
  std::vector<float> counts;  // [gene][plane][by][bx], raw sums (training: crops read them fast)
  // Sections prepared for generation (StainImages::Skip) keep their counts sparse instead:
  // `counts` stays empty and count() reads these.
  std::shared_ptr<const RowCompressedCounts> sparseCounts;
  // The data's own planes: fewer than `grid.planes` when a single-plane section was repeated
  // to fill the model's output sections (see preparePairedSection).
  int measuredPlanes = 0;

  int planes() const { return grid.planes; }
  int widthPx() const { return grid.width * binPixels; }
  int heightPx() const { return grid.height * binPixels; }
  float stain(int s, int z, int y, int x) const {
    return stains[((std::size_t(s) * planes() + z) * heightPx() + y) * widthPx() + x];
  }
  float count(int g, int z, int by, int bx) const {
    if (sparseCounts) return sparseCounts->get(g, z, by, bx);
    return counts[((std::size_t(g) * planes() + z) * grid.height + by) * grid.width + bx];
  }
};

// Bins the dataset's transcripts at the model's bin size onto the given genes (absent genes
// stay zero) and resamples its DAPI and PolyT images. Throws FileError when a stain of a plane
// is missing or the dataset has no transcripts/cells.
// `editCondition` (optional) changes the binned counts before they are used: a painted
// condition (knock-out, scaling …) generated in place of the measured one.
// A single-plane section (most cell tables: MERFISH, osmFISH) is repeated onto the model's
// output sections, so it can be painted and generated like any other: each output section is
// conditioned on the one measured plane. Training still needs a stain for every plane.
// Stains are read by window (a whole-section mosaic never whole); generation, which reads only
// the counts, skips them (`stains` empty) and keeps the counts sparse (`sparseCounts`).
enum class StainImages { Resample, Skip };
PairedSection preparePairedSection(const SpatialDataset& dataset, const ModelConfig& config,
                                   const std::vector<std::string>& genes,
                                   const std::function<void(BinnedCondition&)>& editCondition = {},
                                   StainImages stainImages = StainImages::Resample);

// Replaces the section's counts by a condition on the same grid and genes (a painted one), in
// the form the section keeps them (dense or sparse); throws std::invalid_argument when the grid
// or the gene order differ.
void replaceCounts(PairedSection& section, const BinnedCondition& condition);

// The `count` genes with most molecules, `required` ones first (those the data lacks are
// skipped), in descending order of total.
std::vector<std::string> mostExpressedGenes(const SpatialDataset& dataset, int count,
                                            const std::vector<std::string>& required);

// The model inputs for a window of bins [bx0, bx0 + widthBins) × [by0, by0 + heightBins) and
// output planes [z0, z0 + outputSections). Gene sections extend (geneSections −
// outputSections) / 2 planes each side. Bins or planes outside the section read as zero
// counts; pixels outside as −1 (no signal).
struct ModelWindow {
  int widthBins = 0, heightBins = 0;
  std::vector<float> stains;  // [stain][outputSection][y][x]
  std::vector<float> genes;   // [gene][geneSection][by][bx]
};
ModelWindow extractWindow(const PairedSection& section, const ModelConfig& config, int bx0, int by0,
                          int widthBins, int heightBins, int z0);
// Only the genes of such a window (what inference reads): [gene][geneSection][by][bx].
std::vector<float> extractGeneWindow(const PairedSection& section, const ModelConfig& config,
                                     int bx0, int by0, int widthBins, int heightBins, int z0);

}  // namespace teramind
