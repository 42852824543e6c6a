#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "atlas/Structure.h"
#include "conditions/PaintContext.h"
#include "conditions/SelectedBin.h"

namespace teramind {

// An atlas structure and all its descendants, as placed on the section: a bin is inside when
// the atlas labels its centre (mapped through PaintContext::sectionToAtlas) with the structure
// or a descendant. Weight 1. The atlas and placement come at apply time, not with the edit.
struct AtlasRegionSelection {
  StructureId structureId = 0;
  std::optional<std::int32_t> plane;  // empty: every plane of the grid

  // Throws std::invalid_argument for a negative plane index.
  void validate() const;
  // Throws std::invalid_argument without an atlas or for an id the atlas does not know.
  std::vector<SelectedBin> select(const BinGrid& grid, const PaintContext& context) const;

  bool operator==(const AtlasRegionSelection& o) const {
    return structureId == o.structureId && plane == o.plane;
  }
};

}  // namespace teramind
