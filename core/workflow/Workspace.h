#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "atlas/Atlas.h"
#include "conditions/ConditionDocument.h"
#include "io/SpatialDataset.h"
#include "model/MorphologyModel.h"
#include "model/PairedSection.h"
#include "workflow/ConditionSource.h"

namespace teramind {

// The virtual brain being worked on in the studio: the atlas, a dataset placed in it, a model
// and — once prepared — the dataset binned on the model's genes as a condition document that
// paint edits change and jobs generate from.
class Workspace {
 public:
  explicit Workspace(std::shared_ptr<const Atlas> atlas);

  const Atlas& atlas() const { return *atlas_; }
  std::shared_ptr<const Atlas> sharedAtlas() const { return atlas_; }
  // A new dataset or model drops the prepared condition (and its edits). `read` is how the
  // dataset was read (a spot table's column map …): jobs and documents record it.
  void setDataset(std::shared_ptr<const SpatialDataset> dataset, std::filesystem::path source,
                  DatasetReadOptions read = {});
  void setModel(std::shared_ptr<const MorphologyModel> model, std::filesystem::path source);
  const SpatialDataset* dataset() const { return dataset_.get(); }
  std::shared_ptr<const SpatialDataset> sharedDataset() const { return dataset_; }
  const MorphologyModel* model() const { return model_.get(); }
  std::shared_ptr<const MorphologyModel> sharedModel() const { return model_; }
  const std::filesystem::path& datasetPath() const { return datasetPath_; }
  const std::filesystem::path& modelPath() const { return modelPath_; }
  const DatasetReadOptions& readOptions() const { return read_; }

  // The dataset binned for the model: slow (binning, stains), safe on any thread; install()
  // it on the owner's thread. Only the counts are kept: inference never reads the stains.
  struct Prepared {
    std::shared_ptr<const PairedSection> section;
    BinnedCondition measured;
  };
  static Prepared prepare(const SpatialDataset& dataset, const MorphologyModel& model);
  void install(Prepared prepared);
  bool ready() const { return condition_ != nullptr; }

  // Throws std::logic_error before install().
  ConditionDocument& condition();
  const ConditionDocument& condition() const;
  PaintContext paintContext() const;
  // The section with the painted counts, for a job or an attention pass.
  std::shared_ptr<const PairedSection> paintedSection() const;
  const BinGrid& grid() const;
  // What makes a job's output: model and data files and the painted edits, as
  // generationJobDescription (workflow/JobFingerprint.h) writes it for the CLI too.
  std::string jobDescription() const;
  // The condition document's source for a section prepared here (workflow/ConditionSource.h):
  // the dataset and model files, the model's bin and genes, the atlas directory and resolution.
  ConditionSource conditionSource(const PairedSection& section) const;

 private:
  std::shared_ptr<const Atlas> atlas_;
  std::shared_ptr<const SpatialDataset> dataset_;
  std::shared_ptr<const MorphologyModel> model_;
  std::filesystem::path datasetPath_, modelPath_;
  DatasetReadOptions read_;
  std::shared_ptr<const PairedSection> section_;
  std::unique_ptr<ConditionDocument> condition_;
};

}  // namespace teramind
