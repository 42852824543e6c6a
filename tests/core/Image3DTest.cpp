#include <gtest/gtest.h>

#include "volume/AnyVolume.h"

namespace teramind {
namespace {

Image3D<int> ramp(const Size3& dims, int channels = 1) {
  std::vector<std::string> names;
  for (int c = 0; c < channels; ++c) names.push_back("c" + std::to_string(c));
  Image3D<int> image(dims, PhysicalFrame({1, 2, 3}, {0.5, 0.5, 2}), names);
  for (int c = 0; c < channels; ++c)
    for (std::int64_t k = 0; k < dims[2]; ++k)
      for (std::int64_t j = 0; j < dims[1]; ++j)
        for (std::int64_t i = 0; i < dims[0]; ++i)
          image(i, j, k, c) = static_cast<int>(c * 100000 + i + 100 * j + 10000 * k);
  return image;
}

TEST(Image3D, AxisZeroVariesFastestAndChannelsArePlanar) {
  const auto image = ramp({4, 3, 2}, 2);
  EXPECT_EQ(image.voxels()[1], 1);
  EXPECT_EQ(image.voxels()[4], 100);
  EXPECT_EQ(image.voxels()[12], 10000);
  EXPECT_EQ(image.channelData(1)[0], 100000);
  EXPECT_EQ(image.channelIndex("c1"), 1);
  EXPECT_THROW(image.channelIndex("dapi"), std::out_of_range);
}

TEST(Image3D, CheckedAccessRejectsOutside) {
  auto image = ramp({4, 3, 2});
  EXPECT_EQ(image.at({3, 2, 1}), 10203);
  EXPECT_THROW(image.at({4, 0, 0}), std::out_of_range);
  EXPECT_THROW(image.at({0, 0, 0}, 1), std::out_of_range);
}

TEST(Image3D, RegionViewWritesThroughAndCopyKeepsPlacement) {
  auto image = ramp({6, 5, 4}, 2);
  const VoxelBox box{{1, 2, 1}, {3, 2, 2}};
  auto view = image.region(box);
  EXPECT_EQ(view(0, 0, 0, 1), image(1, 2, 1, 1));
  view.fill(-7, 0);
  EXPECT_EQ(image(3, 3, 2), -7);
  EXPECT_EQ(image(4, 3, 2), 20304);

  const Image3D<int> copy = image.copyRegion(box);
  EXPECT_EQ(copy.dims(), box.size);
  EXPECT_EQ(copy.channelNames(), image.channelNames());
  for (int c = 0; c < 2; ++c)
    for (std::int64_t k = 0; k < 2; ++k)
      for (std::int64_t j = 0; j < 2; ++j)
        for (std::int64_t i = 0; i < 3; ++i)
          EXPECT_EQ(copy(i, j, k, c), image(1 + i, 2 + j, 1 + k, c));
  const Vec3 a = copy.frame().indexToPhysical({0, 0, 0});
  const Vec3 b = image.frame().indexToPhysical({1, 2, 1});
  for (int axis = 0; axis < 3; ++axis) EXPECT_DOUBLE_EQ(a[axis], b[axis]);
  EXPECT_THROW(image.region({{4, 0, 0}, {3, 1, 1}}), std::out_of_range);
  EXPECT_EQ(image.copyRegion({{1, 1, 1}, {0, 2, 2}}).voxelCount(), 0);
  EXPECT_THROW(Image3D<int>({1 << 20, 1 << 20, 1 << 20}), std::invalid_argument);
}

TEST(Image3D, ValueRangePerChannel) {
  const auto image = ramp({4, 3, 2}, 2);
  EXPECT_EQ(image.valueRange(0), (std::pair<double, double>{0, 10203}));
  EXPECT_EQ(image.valueRange(1), (std::pair<double, double>{100000, 110203}));
}

TEST(AnyVolume, ConvertsVoxelTypes) {
  AnyVolume volume = ramp({2, 2, 2});
  EXPECT_EQ(voxelTypeOf(volume), VoxelType::Int32);
  const auto asFloat = convertVolume<float>(volume);
  EXPECT_FLOAT_EQ(asFloat(1, 1, 1), 10101.f);
  EXPECT_EQ(asFloat.voxelType(), VoxelType::Float32);
  // Same type from a temporary: the voxels are taken over, not copied.
  const int* data = std::get<Image3D<int>>(volume).voxels().data();
  EXPECT_EQ(convertVolume<int>(std::move(volume)).voxels().data(), data);
}

}  // namespace
}  // namespace teramind
