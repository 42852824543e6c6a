#pragma once

#include <variant>
#include <vector>

#include "conditions/AtlasRegionSelection.h"
#include "conditions/BrushStroke.h"
#include "conditions/PolygonSelection.h"

namespace teramind {

// The bins an edit touches, as one of the paint tools describes them.
using Selection = std::variant<BrushStroke, PolygonSelection, AtlasRegionSelection>;

// Throws std::invalid_argument for parameters no grid could make sense of.
void validate(const Selection& selection);
// The selected bins of `grid` in ascending key order, each with a weight in (0, 1].
std::vector<SelectedBin> selectBins(const Selection& selection, const BinGrid& grid,
                                    const PaintContext& context);

}  // namespace teramind
