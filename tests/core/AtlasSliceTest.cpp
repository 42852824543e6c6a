#include <gtest/gtest.h>

#include "atlas/Atlas.h"
#include "atlas/AtlasSlice.h"
#include "common/ResourceLocator.h"

namespace teramind {
namespace {

class BundledAtlasSlices : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { atlas_ = new Atlas(Atlas::load(bundledAtlasDirectory())); }
  static void TearDownTestSuite() {
    delete atlas_;
    atlas_ = nullptr;
  }
  static Atlas* atlas_;
};
Atlas* BundledAtlasSlices::atlas_ = nullptr;

TEST_F(BundledAtlasSlices, EachOrientationHasTheSizeOfItsTwoFreeAxes) {
  const auto& dims = atlas_->annotation().dims();  // 132 × 80 × 114 at 100 µm
  const auto coronal = renderAtlasSlice(*atlas_, SliceOrientation::Coronal, 66);
  EXPECT_EQ(coronal.width, dims[2]);
  EXPECT_EQ(coronal.height, dims[1]);
  const auto horizontal = renderAtlasSlice(*atlas_, SliceOrientation::Horizontal, 40);
  EXPECT_EQ(horizontal.width, dims[2]);
  EXPECT_EQ(horizontal.height, dims[0]);
  const auto sagittal = renderAtlasSlice(*atlas_, SliceOrientation::Sagittal, 57);
  EXPECT_EQ(sagittal.width, dims[0]);
  EXPECT_EQ(sagittal.height, dims[1]);
  EXPECT_EQ(sagittal.rgba.size(), std::size_t(dims[0] * dims[1] * 4));
  EXPECT_THROW(renderAtlasSlice(*atlas_, SliceOrientation::Coronal, int(dims[0])),
               std::out_of_range);
}

TEST_F(BundledAtlasSlices, PixelsMapToTheVoxelsWhoseLabelTheyShow) {
  // CA1 in a coronal slice through the hippocampus: the pixel at the voxel's column and row
  // is drawn in CA1's colour once CA1 is selected, and a pixel outside the brain stays black.
  const auto& ontology = atlas_->ontology();
  const StructureId ca1 = ontology.byAcronym("CA1").id;
  const auto box = atlas_->boundingBox(ca1);
  ASSERT_TRUE(box);
  const auto& ann = atlas_->annotation();
  std::optional<Index3> inside;
  const std::int64_t i = box->begin[0] + box->size[0] / 2;
  for (std::int64_t j = 0; j < ann.dims()[1] && !inside; ++j)
    for (std::int64_t k = 0; k < ann.dims()[2] && !inside; ++k)
      if (ann(i, j, k) == ca1) inside = Index3{i, j, k};
  ASSERT_TRUE(inside);
  AtlasSliceStyle style;
  style.selected = ca1;
  style.boundaries = false;
  const auto image = renderAtlasSlice(*atlas_, SliceOrientation::Coronal, int(i), style);
  const auto px = image.pixel(int((*inside)[2]), int((*inside)[1]));
  const auto colour = ontology.byId(ca1).color;
  for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(px[c], colour[c], 0.15 * 255 + 1) << c;
  EXPECT_EQ(image.pixel(0, 0)[0], 0);  // the dorsal-left corner is outside the brain
  EXPECT_EQ(image.pixel(0, 0)[3], 255);

  const auto back = sliceVoxel(ann.dims(), SliceOrientation::Coronal, int(i), double((*inside)[2]),
                               double((*inside)[1]));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *inside);
  EXPECT_FALSE(sliceVoxel(ann.dims(), SliceOrientation::Coronal, int(i), -1, 3));
}

TEST_F(BundledAtlasSlices, LabelsOffShowsTheTemplateInGrey) {
  AtlasSliceStyle style;
  style.labels = false;
  const auto image = renderAtlasSlice(*atlas_, SliceOrientation::Sagittal, 40, style);
  int grey = 0, bright = 0;
  for (int r = 0; r < image.height; ++r)
    for (int c = 0; c < image.width; ++c) {
      const auto p = image.pixel(c, r);
      grey += (p[0] == p[1] && p[1] == p[2]);
      bright += p[0] > 60;
    }
  EXPECT_EQ(grey, image.width * image.height);
  EXPECT_GT(bright, image.width * image.height / 5);  // tissue, not an empty frame
}

TEST_F(BundledAtlasSlices, RegionCentreVoxelLiesInTheRegion) {
  const auto& ontology = atlas_->ontology();
  for (const char* acronym : {"CA1", "HPF", "MOp"}) {  // curved, a parent, a cortical sheet
    const StructureId id = ontology.byAcronym(acronym).id;
    const auto v = regionCentreVoxel(*atlas_, id);
    ASSERT_TRUE(v) << acronym;
    const auto label = StructureId(atlas_->annotation().at(*v));
    EXPECT_TRUE(ontology.isDescendantOrSelf(label, id)) << acronym;
  }
}

TEST(SliceCursor, ClampsToTheGridAndStepsOneOrientation) {
  SliceCursor cursor({10, 20, 30});
  EXPECT_EQ(cursor.voxel(), (Index3{5, 10, 15}));
  cursor.moveTo(Vec3{149.0, -500.0, 1e6}, 100.0);  // 1.49 voxels → 1; clamped below and above
  EXPECT_EQ(cursor.voxel(), (Index3{1, 0, 29}));
  EXPECT_EQ(cursor.sliceIndex(SliceOrientation::Coronal), 1);
  EXPECT_EQ(cursor.sliceIndex(SliceOrientation::Horizontal), 0);
  EXPECT_EQ(cursor.sliceIndex(SliceOrientation::Sagittal), 29);
  EXPECT_FALSE(cursor.step(SliceOrientation::Sagittal, 1));
  EXPECT_TRUE(cursor.step(SliceOrientation::Sagittal, -3));
  EXPECT_EQ(cursor.voxel(), (Index3{1, 0, 26}));
  EXPECT_EQ(cursor.sliceCount(SliceOrientation::Horizontal), 20);
  EXPECT_THROW(SliceCursor({0, 1, 1}), std::invalid_argument);
}

}  // namespace
}  // namespace teramind
