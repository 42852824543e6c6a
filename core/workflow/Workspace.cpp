#include "workflow/Workspace.h"

#include <stdexcept>

#include "workflow/JobFingerprint.h"

namespace teramind {

Workspace::Workspace(std::shared_ptr<const Atlas> atlas) : atlas_(std::move(atlas)) {
  if (!atlas_) throw std::invalid_argument("a workspace needs an atlas");
}

void Workspace::setDataset(std::shared_ptr<const SpatialDataset> dataset,
                           std::filesystem::path source, DatasetReadOptions read) {
  dataset_ = std::move(dataset);
  datasetPath_ = std::move(source);
  read_ = std::move(read);
  section_.reset();
  condition_.reset();
}

void Workspace::setModel(std::shared_ptr<const MorphologyModel> model,
                         std::filesystem::path source) {
  model_ = std::move(model);
  modelPath_ = std::move(source);
  section_.reset();
  condition_.reset();
}

Workspace::Prepared Workspace::prepare(const SpatialDataset& dataset,
                                       const MorphologyModel& model) {
  Prepared prepared;
  auto section = preparePairedSection(
      dataset, model.config(), model.genes(), [&](BinnedCondition& c) { prepared.measured = c; },
      StainImages::Skip);
  prepared.section = std::make_shared<const PairedSection>(std::move(section));
  return prepared;
}

void Workspace::install(Prepared prepared) {
  if (!dataset_ || !model_) throw std::logic_error("a workspace needs a dataset and a model");
  if (!prepared.section || !(prepared.measured.grid() == prepared.section->grid))
    throw std::invalid_argument("the prepared condition does not belong to its section");
  condition_ = std::make_unique<ConditionDocument>(std::move(prepared.measured), paintContext(),
                                                   conditionSource(*prepared.section).toJson());
  section_ = std::move(prepared.section);
}

ConditionSource Workspace::conditionSource(const PairedSection& section) const {
  const auto absolute = [](const std::filesystem::path& p) {
    return p.empty() ? p : std::filesystem::absolute(p).lexically_normal();
  };
  if (!dataset_ || !model_) throw std::logic_error("a workspace needs a dataset and a model");
  ConditionSource source;
  source.data = absolute(datasetPath_);
  // Without a model file (a model made in memory) the source still bins the same: the
  // model's genes at its bin size.
  source.model = absolute(modelPath_);
  source.binUm = section.grid.binUm;
  source.panel = model_->genes();
  source.atlas = absolute(atlas_->files().annotation.parent_path());
  source.atlasResolutionUm = atlas_->resolutionUm();
  source.read = read_;
  return source;
}

ConditionDocument& Workspace::condition() {
  if (!condition_) throw std::logic_error("the workspace's condition is not prepared yet");
  return *condition_;
}

const ConditionDocument& Workspace::condition() const {
  if (!condition_) throw std::logic_error("the workspace's condition is not prepared yet");
  return *condition_;
}

PaintContext Workspace::paintContext() const {
  return PaintContext{atlas_.get(),
                      dataset_ ? dataset_->placement().sectionToAtlas : AffineTransform()};
}

const BinGrid& Workspace::grid() const {
  if (!section_) throw std::logic_error("the workspace's condition is not prepared yet");
  return section_->grid;
}

std::shared_ptr<const PairedSection> Workspace::paintedSection() const {
  const auto& document = condition();
  if (document.edits().empty()) return section_;
  auto painted = std::make_shared<PairedSection>(*section_);
  replaceCounts(*painted, document.condition());
  return painted;
}

std::string Workspace::jobDescription() const {
  static const std::vector<ConditionEdit> none;
  return generationJobDescription(modelPath_, datasetPath_, condition_ ? condition_->edits() : none,
                                  read_);
}

}  // namespace teramind
