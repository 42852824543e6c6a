#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/VolumeFile.h"
#include "support/TestData.h"

namespace teramind {
namespace {

using test::ScratchDirectory;

class AllenAtlas50 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto dir = test::sharedDataDirectory() / "allen_ccf_v3";
    if (std::filesystem::exists(dir)) atlas_ = new Atlas(Atlas::load(dir, 50));
  }
  static void TearDownTestSuite() {
    delete atlas_;
    atlas_ = nullptr;
  }
  void SetUp() override {
    TERAMIND_REQUIRE_SHARED_DATA("allen_ccf_v3");
    ASSERT_NE(atlas_, nullptr);
  }
  static Atlas* atlas_;
};
Atlas* AllenAtlas50::atlas_ = nullptr;

TEST_F(AllenAtlas50, GridIs264x160x228At50Micrometres) {
  EXPECT_EQ(atlas_->annotation().dims(), (Size3{264, 160, 228}));
  EXPECT_EQ(atlas_->resolutionUm(), 50);
  EXPECT_DOUBLE_EQ(atlas_->voxelVolumeMm3(), 0.05 * 0.05 * 0.05);
  EXPECT_FALSE(atlas_->templateImage().has_value());  // no 50 µm template in shared data
}

TEST_F(AllenAtlas50, Has670DistinctIdsAllInBothOntologies) {
  EXPECT_EQ(atlas_->labelVoxelCounts().size(), 670u);
  const auto dir = test::sharedDataDirectory() / "allen_ccf_v3";
  const auto csv = AtlasOntology::fromCsv(dir / "structure_tree_safe_2017.csv");
  const auto json = AtlasOntology::fromJson(dir / "ara_ontology.json");
  for (const auto& [id, count] : atlas_->labelVoxelCounts()) {
    EXPECT_TRUE(csv.contains(id)) << id;
    EXPECT_TRUE(json.contains(id)) << id;
    EXPECT_GT(count, 0);
  }
}

TEST_F(AllenAtlas50, BilateralStructureIsSymmetricAfterAxesAreApplied) {
  for (const char* acronym : {"CA1", "CP", "MOp"}) {
    const auto [left, right] =
        atlas_->hemisphereVoxelCounts(atlas_->ontology().byAcronym(acronym).id);
    ASSERT_GT(left, 0) << acronym;
    EXPECT_NEAR(static_cast<double>(left) / right, 1.0, 0.05)
        << acronym << " " << left << " vs " << right;
  }
  // Axis 0 is anterior→posterior: the olfactory bulb lies at small axis-0 indices, the
  // cerebellum at large ones; axis 1 is dorsal→ventral: isocortex above the hypothalamus.
  const auto& o = atlas_->ontology();
  const auto mob = *atlas_->boundingBox(o.byAcronym("MOB").id);
  const auto cb = *atlas_->boundingBox(o.byAcronym("CB").id);
  EXPECT_LT(mob.begin[0] + mob.size[0] / 2, cb.begin[0] + cb.size[0] / 2);
  const auto ctx = *atlas_->boundingBox(o.byAcronym("Isocortex").id);
  const auto hy = *atlas_->boundingBox(o.byAcronym("HY").id);
  EXPECT_LT(ctx.begin[1], hy.begin[1]);
}

TEST_F(AllenAtlas50, RegionVolumeIsSumOfDescendantVoxels) {
  const auto& o = atlas_->ontology();
  for (const char* acronym : {"HIP", "CA1", "Isocortex", "root"}) {
    const StructureId id = o.byAcronym(acronym).id;
    std::int64_t direct = 0;
    for (StructureId member : o.subtree(id)) {
      auto it = atlas_->labelVoxelCounts().find(member);
      if (it != atlas_->labelVoxelCounts().end()) direct += it->second;
    }
    // And counted a third way: voxel by voxel from the mask.
    const auto mask = atlas_->regionMask(id);
    const auto maskVoxels = std::count(mask.voxels().begin(), mask.voxels().end(), std::uint8_t{1});
    EXPECT_EQ(atlas_->voxelCount(id), direct) << acronym;
    EXPECT_EQ(maskVoxels, direct) << acronym;
    EXPECT_DOUBLE_EQ(atlas_->volumeMm3(id), direct * 0.000125) << acronym;
  }
  const auto nonZero =
      std::count_if(atlas_->annotation().voxels().begin(), atlas_->annotation().voxels().end(),
                    [](auto v) { return v != 0; });
  EXPECT_EQ(atlas_->voxelCount(997), nonZero);
}

TEST_F(AllenAtlas50, BoundingBoxEnclosesMask) {
  const StructureId ca1 = atlas_->ontology().byAcronym("CA1").id;
  const auto box = *atlas_->boundingBox(ca1);
  const auto mask = atlas_->regionMask(ca1);
  std::int64_t inside = 0;
  for (std::int64_t k = 0; k < mask.dims()[2]; ++k)
    for (std::int64_t j = 0; j < mask.dims()[1]; ++j)
      for (std::int64_t i = 0; i < mask.dims()[0]; ++i)
        if (mask(i, j, k)) {
          EXPECT_TRUE(box.contains({i, j, k}));
          ++inside;
        }
  EXPECT_EQ(inside, atlas_->voxelCount(ca1));
  // Tight: every face of the box touches the region.
  EXPECT_TRUE(mask.region({box.begin, {1, box.size[1], box.size[2]}}).copy().valueRange().second >
              0);
}

TEST_F(AllenAtlas50, StructureAtPhysicalPoint) {
  const auto& annotation = atlas_->annotation();
  // A voxel centre is at index × 50 µm.
  const Index3 voxel{150, 40, 60};
  const StructureId label = annotation(voxel[0], voxel[1], voxel[2]);
  const Structure* s = atlas_->structureAt({150 * 50.0 + 20, 40 * 50.0 - 20, 60 * 50.0});
  if (label == 0) {
    EXPECT_EQ(s, nullptr);
  } else {
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->id, label);
  }
  EXPECT_EQ(atlas_->structureAt({-1000, 0, 0}), nullptr);
  EXPECT_EQ(atlas_->structureAt({0, 0, 0}), nullptr);  // the corner is outside the brain
}

TEST(BundledAtlas, LoadsAt100MicrometresWithTemplate) {
  const Atlas atlas = Atlas::load(bundledAtlasDirectory());
  EXPECT_EQ(atlas.resolutionUm(), 100);
  EXPECT_EQ(atlas.annotation().dims(), (Size3{132, 80, 114}));
  ASSERT_TRUE(atlas.templateImage().has_value());
  EXPECT_EQ(atlas.templateImage()->valueRange().second, 516.0);
  EXPECT_EQ(atlas.labelVoxelCounts().size(), 669u);
  EXPECT_EQ(atlas.ontology().size(), 1327u);
  EXPECT_GT(atlas.volumeMm3(atlas.ontology().byAcronym("CA1").id), 5.0);
}

// Bad input.

TEST(AtlasBadInput, AnnotationWithWrongVoxelType) {
  ScratchDirectory dir;
  std::filesystem::copy_file(bundledAtlasDirectory() / "structure_tree_safe_2017.csv",
                             dir / "structure_tree_safe_2017.csv");
  writeVolume(dir / "annotation_100.nrrd",
              Image3D<float>({132, 80, 114}, PhysicalFrame({0, 0, 0}, {100, 100, 100})));
  try {
    Atlas::load(dir.path(), 100);
    FAIL();
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), dir / "annotation_100.nrrd");
    EXPECT_NE(std::string(e.what()).find("32-bit integer structure ids"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("float32"), std::string::npos) << e.what();
  }
}

TEST(AtlasBadInput, AnnotationWithUnknownIdOrWrongGrid) {
  ScratchDirectory dir;
  std::filesystem::copy_file(bundledAtlasDirectory() / "structure_tree_safe_2017.csv",
                             dir / "structure_tree_safe_2017.csv");
  Image3D<std::uint32_t> labels({132, 80, 114}, PhysicalFrame({0, 0, 0}, {100, 100, 100}));
  labels(5, 5, 5) = 123456789u;
  writeVolume(dir / "annotation_100.nrrd", labels);
  try {
    Atlas::load(dir.path(), 100);
    FAIL();
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("structure id 123456789"), std::string::npos) << e.what();
  }
  writeVolume(dir / "annotation_100.nrrd",
              Image3D<std::uint32_t>({100, 80, 114}, PhysicalFrame({0, 0, 0}, {100, 100, 100})));
  try {
    Atlas::load(dir.path(), 100);
    FAIL();
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("is not the CCFv3 grid"), std::string::npos) << e.what();
  }
}

TEST(AtlasBadInput, MissingFilesAreNamed) {
  ScratchDirectory dir;
  EXPECT_THROW(Atlas::load(dir / "nowhere"), FileError);
  try {
    Atlas::load(dir.path());
    FAIL();
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("no annotation_"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace teramind
