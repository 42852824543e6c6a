#pragma once

#include <gtest/gtest.h>

#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "transcriptomics/BinnedCondition.h"
#include "volume/AffineTransform.h"

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

// The test grid placed coronally in the bundled 100 µm CCF (PIR axes):
//   atlas AP = plane × spacing + 7500, atlas DV = y − 300, atlas LR = x + 1650,
// so the 10 × 7.5 mm section spans most of the brain's width and height at the hippocampus.
inline AffineTransform coronalPlacement() {
  return AffineTransform(Mat3{{{0, 0, 1}, {0, 1, 0}, {1, 0, 0}}}, Vec3{7500, -300, 1650});
}

// A suite that shares one bundled atlas, loaded once.
class BundledAtlasTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { atlas_ = new Atlas(Atlas::load(bundledAtlasDirectory())); }
  static void TearDownTestSuite() {
    delete atlas_;
    atlas_ = nullptr;
  }
  static inline Atlas* atlas_ = nullptr;
};

}  // namespace teramind::test
