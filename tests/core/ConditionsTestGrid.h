#pragma once

#include "transcriptomics/BinnedCondition.h"

namespace teramind::test {

// 200 × 150 bins of 50 µm with an off-zero origin, two planes 100 µm apart: the grid the
// conditions tests paint on.
inline BinGrid conditionsTestGrid() {
  BinGrid g;
  g.originXUm = -1000;
  g.originYUm = 500;
  g.binUm = 50;
  g.width = 200;
  g.height = 150;
  g.planes = 2;
  g.planeSpacingUm = 100;
  return g;
}

}  // namespace teramind::test
