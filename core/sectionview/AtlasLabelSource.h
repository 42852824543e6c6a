#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "atlas/Atlas.h"
#include "sectionview/PyramidSource.h"
#include "sectionview/SectionCamera.h"
#include "transcriptomics/SpatialTranscriptome.h"

namespace teramind {

// The atlas annotation where the placed section cuts it, as a label pyramid over the section's
// extent: each pixel holds the index (in structureIds()) of the structure at its centre's CCF
// point (section µm, plane × plane spacing → sectionToAtlas), NaN outside the brain. The section
// view draws it as outlines. Pixels of level 0 are the atlas's own resolution in section µm.
class AtlasLabelSource : public PyramidSource {
 public:
  AtlasLabelSource(std::shared_ptr<const Atlas> atlas, const SectionPlacement& placement,
                   const RectUm& sectionExtentUm, int planes, int tile = 256);
  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int level, int channel, int plane, std::int64_t row,
                      std::int64_t col) const override;
  // The structure id of a label value; 0 for NaN (outside the brain) or a value no label has.
  StructureId structureOf(float label) const;

 private:
  std::shared_ptr<const Atlas> atlas_;
  SectionPlacement placement_;
  PyramidInfo info_;
  std::vector<StructureId> ids_;  // label value → id (fixed at construction: the annotation's ids)
  std::unordered_map<StructureId, float> labels_;
};

}  // namespace teramind
