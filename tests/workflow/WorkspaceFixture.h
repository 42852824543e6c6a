#pragma once

#include <filesystem>
#include <memory>

#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "conditions/ConditionEdit.h"
#include "io/SpatialDataset.h"
#include "model/ModelConfig.h"
#include "model/MorphologyModel.h"
#include "workflow/Workspace.h"

namespace teramind::test {

// The studio's path without a window: the bundled atlas and demo data, an untrained `tiny`
// model on the demo's 8 most expressed genes (Slc17a7 first) saved to `modelFile`, the
// condition prepared as the studio prepares it.
inline std::shared_ptr<const Atlas> bundledAtlas() {
  static auto atlas = std::make_shared<const Atlas>(Atlas::load(bundledAtlasDirectory()));
  return atlas;
}

inline std::shared_ptr<const SpatialDataset> demoDataset() {
  static auto dataset =
      std::make_shared<const SpatialDataset>(loadSpatialDataset(bundledDemoDataset()));
  return dataset;
}

inline std::shared_ptr<const MorphologyModel> tinyModel(const std::filesystem::path& modelFile) {
  auto genes = mostExpressedGenes(*demoDataset(), 8, {"Slc17a7"});
  auto model = std::make_shared<const MorphologyModel>(namedModelConfig("tiny"), genes, 3);
  std::filesystem::create_directories(modelFile.parent_path());
  model->save(modelFile);
  return model;
}

inline std::unique_ptr<Workspace> preparedWorkspace(const std::filesystem::path& modelFile) {
  auto workspace = std::make_unique<Workspace>(bundledAtlas());
  auto model = tinyModel(modelFile);
  workspace->setDataset(demoDataset(), bundledDemoDataset());
  workspace->setModel(model, modelFile);
  workspace->install(Workspace::prepare(*demoDataset(), *model));
  return workspace;
}

// Edits a user paints: a knockout in SSp-ul5 (which the demo crop covers) and a brush.
inline ConditionEdit knockOutInStructure(const Atlas& atlas, const std::string& gene) {
  const Structure* s = atlas.ontology().findAcronym("SSp-ul5");
  return ConditionEdit(gene, AtlasRegionSelection{s->id, std::nullopt}, KnockOut{});
}

inline ConditionEdit scaleDisk(const std::string& gene, double factor) {
  BrushStroke brush;
  brush.centres = {{6650, 4925, 0}};
  brush.radiusUm = 40;
  brush.shape = BrushStroke::Shape::Disk;
  return ConditionEdit(gene, brush, ScaleValue{factor});
}

}  // namespace teramind::test
