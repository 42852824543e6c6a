#include <gtest/gtest.h>

#include "volume/PhysicalFrame.h"

namespace teramind {
namespace {

void expectNear(const Vec3& a, const Vec3& b, double tol = 1e-9) {
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(a[i], b[i], tol) << "component " << i;
}

TEST(PhysicalFrame, IdentityMapsIndexToSpacingTimesIndexPlusOrigin) {
  PhysicalFrame frame({10, 20, 30}, {0.5, 2, 4});
  expectNear(frame.indexToPhysical({2, 3, 4}), {11, 26, 46});
  expectNear(frame.physicalToIndex({11, 26, 46}), {2, 3, 4});
}

TEST(PhysicalFrame, RotatedFrameRoundTrips) {
  // Axis 0 runs along -y, axis 1 along +x, axis 2 along +z.
  const Mat3 direction{{{0, 1, 0}, {-1, 0, 0}, {0, 0, 1}}};
  PhysicalFrame frame({5, 5, 5}, {2, 3, 4}, direction);
  expectNear(frame.indexToPhysical({1, 0, 0}), {5, 3, 5});
  expectNear(frame.indexToPhysical({0, 1, 0}), {8, 5, 5});
  for (const Vec3& index : {Vec3{0, 0, 0}, Vec3{1.5, -2, 7}, Vec3{100, 3, 0.25}})
    expectNear(frame.physicalToIndex(frame.indexToPhysical(index)), index);
}

TEST(PhysicalFrame, NearestVoxelInsideOrNone) {
  PhysicalFrame frame({0, 0, 0}, {100, 100, 100});
  const Size3 dims{132, 80, 114};
  EXPECT_EQ(frame.physicalToVoxel({149, 0, 0}, dims), (Index3{1, 0, 0}));
  EXPECT_EQ(frame.physicalToVoxel({151, 0, 0}, dims), (Index3{2, 0, 0}));
  EXPECT_FALSE(frame.physicalToVoxel({-51, 0, 0}, dims));
  EXPECT_FALSE(frame.physicalToVoxel({0, 7950, 0}, dims));
  EXPECT_TRUE(frame.physicalToVoxel({0, 7949, 0}, dims));
}

TEST(PhysicalFrame, ShiftedFramePlacesSubGrid) {
  const Mat3 direction{{{0, 1, 0}, {-1, 0, 0}, {0, 0, 1}}};
  PhysicalFrame frame({1, 2, 3}, {2, 3, 4}, direction);
  const PhysicalFrame sub = frame.shifted({4, 5, 6});
  expectNear(sub.indexToPhysical({1, 1, 1}), frame.indexToPhysical({5, 6, 7}));
}

TEST(PhysicalFrame, RejectsBadGeometry) {
  EXPECT_THROW(PhysicalFrame({0, 0, 0}, {1, 0, 1}), std::invalid_argument);
  EXPECT_THROW(PhysicalFrame({0, 0, 0}, {1, -2, 1}), std::invalid_argument);
  EXPECT_THROW(PhysicalFrame({0, 0, 0}, {1, 1, 1}, Mat3{{{1, 0, 0}, {1, 0, 0}, {0, 0, 1}}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace teramind
