#pragma once

#include "volume/AffineTransform.h"

namespace teramind {

class Atlas;

// What an edit needs from outside the condition at apply time. Kept out of the edits so that
// they stay plain values: the same edit replays against any placement the caller supplies.
struct PaintContext {
  const Atlas* atlas = nullptr;    // only atlas-region selections need it
  AffineTransform sectionToAtlas;  // section µm (x, y, plane × spacing) → atlas µm
};

}  // namespace teramind
