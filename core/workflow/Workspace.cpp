#include "workflow/Workspace.h"

#include <functional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "conditions/ConditionEditJson.h"

namespace teramind {

Workspace::Workspace(std::shared_ptr<const Atlas> atlas) : atlas_(std::move(atlas)) {
  if (!atlas_) throw std::invalid_argument("a workspace needs an atlas");
}

void Workspace::setDataset(std::shared_ptr<const SpatialDataset> dataset,
                           std::filesystem::path source) {
  dataset_ = std::move(dataset);
  datasetPath_ = std::move(source);
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
  const nlohmann::json source = {{"dataset", datasetPath_.string()},
                                 {"model", modelPath_.string()},
                                 {"bin_um", prepared.section->grid.binUm}};
  condition_ = std::make_unique<ConditionDocument>(std::move(prepared.measured), paintContext(),
                                                   source.dump());
  section_ = std::move(prepared.section);
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
  std::string edits;
  if (condition_)
    for (const auto& edit : condition_->edits()) edits += editToJson(edit) + "\n";
  char digest[17];
  std::snprintf(digest, sizeof digest, "%016zx", std::hash<std::string>{}(edits));
  const nlohmann::json job = {
      {"model",
       modelPath_.empty() ? std::string() : std::filesystem::absolute(modelPath_).string()},
      {"data",
       datasetPath_.empty() ? std::string() : std::filesystem::absolute(datasetPath_).string()},
      {"edits", edits.empty() ? std::string() : std::string(digest)}};
  return job.dump();
}

}  // namespace teramind
