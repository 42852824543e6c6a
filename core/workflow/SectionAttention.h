#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/GeneAttentionAggregate.h"
#include "analysis/PathwayMap.h"
#include "conditions/PolygonSelection.h"
#include "model/MorphologyModel.h"
#include "model/PairedSection.h"
#include "volume/AffineTransform.h"

namespace teramind {

class Atlas;

struct SectionAttentionRequest {
  int plane = 0;                          // first output plane
  std::optional<PolygonSelection> roi;    // aggregated as region "roi"
  std::vector<std::size_t> trackedGenes;  // genes whose pair maps can be drawn afterwards
};

// The gene-gene block's attention over a whole section, aggregated per region — "section",
// "roi" and every atlas structure under a patch centre with all its ancestors — and, for the
// tracked genes, kept per patch so any tracked pair's pathway map can be drawn without another
// pass. The CLI's `attention` and the studio's attention dock both compute this.
class SectionAttention {
 public:
  // `progress` gets the fraction of patch rows done. `atlas` may be null (no structures).
  static SectionAttention compute(const MorphologyModel& model, const PairedSection& section,
                                  const Atlas* atlas, const AffineTransform& sectionToAtlas,
                                  const SectionAttentionRequest& request,
                                  const std::function<void(double)>& progress = {});

  const GeneAttentionAggregate& aggregate() const { return aggregate_; }
  const std::vector<std::string>& genes() const { return genes_; }
  const std::vector<std::size_t>& trackedGenes() const { return tracked_; }
  // Per region (the aggregate's regions), per gene: the counts in the region's patches over
  // the output planes analysed. A gene with 0 in a region is not expressed there.
  const std::map<std::string, std::vector<double>>& geneTotals() const { return geneTotals_; }
  // Per-bin inputs of a pathway map for genes a → b (both tracked; std::invalid_argument
  // otherwise), counts summed over the job's output planes.
  PathwayMapInput pathwayInput(std::size_t a, std::size_t b) const;
  // Genes in average-linkage order of their attention profiles in `region`.
  std::vector<std::size_t> clusteredOrder(const std::string& region = "section") const;
  // The genes a matrix view shows: clusteredOrder(region), kept to `panel` when it is given
  // (the studio's "panel only"), so the heatmap and its CSV export list the same genes.
  std::vector<std::size_t> shownOrder(const std::string& region,
                                      const std::vector<std::string>& panel = {}) const;

 private:
  explicit SectionAttention(int genes) : aggregate_(genes) {}

  GeneAttentionAggregate aggregate_;
  std::vector<std::string> genes_;
  std::vector<std::size_t> tracked_;
  std::map<std::string, std::vector<double>> geneTotals_;
  int width_ = 0, height_ = 0, binsPerPatch_ = 1, patchCols_ = 0, patchRows_ = 0;
  std::vector<float> trackedAttention_;            // [patch row][patch col][tracked q][tracked k]
  std::vector<std::vector<float>> trackedCounts_;  // [tracked][y][x]
};

}  // namespace teramind
