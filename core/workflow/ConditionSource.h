#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "io/SpatialDataset.h"
#include "transcriptomics/BinnedCondition.h"
#include "transcriptomics/ReadProgress.h"

namespace teramind {

class MorphologyModel;

// Where a condition document's condition came from: enough to bin it again and replay the
// edits (`teramind replay`), and the atlas its region selections were made in. Written by the
// CLI (`teramind paint`) and the studio alike; docs/workflow.md gives the schema.
struct ConditionSource {
  static constexpr const char* kSchema = "teramind-condition-source";
  static constexpr int kVersion = 2;

  std::filesystem::path data;      // the dataset (absolute)
  std::filesystem::path model;     // empty: binned on `panel` at `binUm`; else binned for this
                                   // model (its genes, bin size, planes) as the studio does
  double binUm = 16 * 0.108;       // with a model: its bin, recorded for readers
  std::vector<std::string> panel;  // empty: every gene; with a model: its genes, for readers
  std::filesystem::path atlas;     // atlas directory
  int atlasResolutionUm = 0;       // 0: the finest in `atlas`
  DatasetReadOptions read;         // how `data` is read (--columns, --pixel-um, …); none: as is

  // {"schema":…,"version":2,"data":…,"model":…,"bin_um":…,"panel":[…],"atlas":…,
  //  "atlas_resolution_um":…[,"read":{…}]}; "read" (io/DatasetReadOptionsJson.h) only when
  // options are given, so documents without them are as before. Throws FileError naming
  // `data` for a path JSON cannot hold.
  std::string toJson() const;
  // Reads v2, the old CLI form (data/bin_um/panel/atlas/atlas_resolution_um, no schema) and
  // the old studio form (dataset/model/bin_um: no atlas, so the bundled one). Relative paths
  // are taken from the document's folder. Throws FileError(document, …) naming the missing or
  // bad key.
  static ConditionSource fromJson(const std::filesystem::path& document, const std::string& json);
};

struct BinnedSource {
  BinnedCondition condition;
  SectionPlacement placement;
};

// Bins the source again exactly as it was binned when the document was made: with a model as
// Workspace::prepare does (preparePairedSection on the model's genes, StainImages::Skip, the
// measured condition), else binDataset on the panel at binUm. Throws FileError.
BinnedSource binConditionSource(const ConditionSource& source, ReadProgress progress = {});
// The same with the source's model already loaded (the studio has it open).
BinnedSource binConditionSource(const ConditionSource& source, const MorphologyModel& model,
                                ReadProgress progress = {});

}  // namespace teramind
