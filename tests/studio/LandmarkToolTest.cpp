// The landmark tool without a window: clicks into pairs, undo/redo, the fit as pairs change,
// saving with the dataset, and the picture clicks are made on.
#include <fstream>

#include <gtest/gtest.h>

#include "io/LandmarkFile.h"
#include "io/SpatialDataset.h"
#include "studio/LandmarkTool.h"
#include "studio/SectionOverview.h"
#include "support/TestData.h"

namespace teramind {
namespace {

TEST(LandmarkTool, ClicksInEitherOrderMakePairsAndThreeMakeAFit) {
  LandmarkTool tool;
  int changes = 0;
  tool.setListener([&] { ++changes; });
  EXPECT_FALSE(tool.fit());
  EXPECT_EQ(tool.fitProblem(), "placing a section needs at least 3 landmark pairs, there are 0");
  EXPECT_FALSE(tool.clickSection(0, 0));
  EXPECT_FALSE(tool.clickSection(1, 1));  // a second section click moves the pending point
  ASSERT_TRUE(tool.pendingSection());
  EXPECT_EQ(tool.pendingSection()->first, 1);
  EXPECT_TRUE(tool.clickAtlas({5000, 1000, 7000}));
  EXPECT_FALSE(tool.pendingSection());
  EXPECT_FALSE(tool.pendingAtlas());
  EXPECT_FALSE(tool.clickAtlas({5000, 1000, 7100}));  // atlas first this time
  EXPECT_TRUE(tool.clickSection(101, 1));
  ASSERT_EQ(tool.landmarks().size(), 2u);
  EXPECT_EQ(tool.landmarks()[0].name, "L1");
  EXPECT_EQ(tool.landmarks()[1].name, "L2");
  EXPECT_EQ(tool.landmarks()[1].sectionXUm, 101);
  EXPECT_EQ(tool.landmarks()[1].atlasUm[2], 7100);
  EXPECT_FALSE(tool.fit());
  EXPECT_NE(tool.fitProblem().find("at least 3 landmark pairs, there are 2"), std::string::npos);
  tool.clickSection(1, 101);
  tool.clickAtlas({5000, 1100, 7000});
  ASSERT_TRUE(tool.fit());
  EXPECT_TRUE(tool.fitProblem().empty());
  EXPECT_EQ(tool.fit()->residualUm.size(), 3u);
  EXPECT_GT(changes, 6);
  tool.clickSection(50, 50);
  tool.cancelPending();
  EXPECT_FALSE(tool.pendingSection());
  EXPECT_EQ(tool.landmarks().size(), 3u);
}

TEST(LandmarkTool, EveryEditUndoesAndRedoes) {
  LandmarkTool tool;
  ASSERT_TRUE(tool.add({"a", 0, 0, {5000, 1000, 7000}}));
  ASSERT_TRUE(tool.add({"b", 100, 0, {5000, 1000, 7100}}));
  ASSERT_TRUE(tool.add({"c", 0, 100, {5000, 1100, 7000}}));
  EXPECT_FALSE(tool.add({"a", 5, 5, {0, 0, 0}}));
  EXPECT_EQ(tool.lastError(), "a landmark is already named 'a'");
  ASSERT_TRUE(tool.add({"", 100, 100, {5000, 1100, 7100}}));
  EXPECT_EQ(tool.landmarks().back().name, "L4");
  ASSERT_TRUE(tool.fit());
  EXPECT_LT(tool.fit()->rmsUm, 1e-6);

  ASSERT_TRUE(tool.moveAtlasPoint(3, {5000, 1100, 7140}));  // 40 µm off
  const double movedRms = tool.fit()->rmsUm;
  EXPECT_GT(movedRms, 5.0);
  EXPECT_EQ(tool.undoText(), "move L4 in the atlas");
  ASSERT_TRUE(tool.undo());
  EXPECT_LT(tool.fit()->rmsUm, 1e-6);
  EXPECT_EQ(tool.redoText(), "move L4 in the atlas");
  ASSERT_TRUE(tool.redo());
  EXPECT_DOUBLE_EQ(tool.fit()->rmsUm, movedRms);

  ASSERT_TRUE(tool.moveSectionPoint(0, 2, 3));
  EXPECT_EQ(tool.landmarks()[0].sectionXUm, 2);
  ASSERT_TRUE(tool.remove(1));
  EXPECT_EQ(tool.landmarks().size(), 3u);
  EXPECT_EQ(tool.landmarks()[1].name, "c");
  EXPECT_FALSE(tool.remove(7));
  EXPECT_EQ(tool.lastError(), "no landmark 8");
  ASSERT_TRUE(tool.undo());  // the delete
  ASSERT_TRUE(tool.undo());  // the section move
  EXPECT_EQ(tool.landmarks().size(), 4u);
  EXPECT_EQ(tool.landmarks()[0].sectionXUm, 0);
  // A new edit drops the redo branch.
  ASSERT_TRUE(tool.remove(0));
  EXPECT_FALSE(tool.canRedo());
  while (tool.canUndo()) tool.undo();
  EXPECT_TRUE(tool.landmarks().empty());
  EXPECT_FALSE(tool.undo());
}

TEST(LandmarkTool, SavesWithTheDatasetAndOpensTheSavedPairsAgain) {
  test::ScratchDirectory dir;
  std::ofstream(dir / "detected_transcripts.csv")
      << "global_x,global_y,gene,global_z\n10,10,Slc17a7,0\n20,15,Gad1,0\n30,40,Slc17a7,1\n";
  const SpatialDataset dataset = loadSpatialDataset(dir / "detected_transcripts.csv");
  LandmarkTool tool;
  tool.add({"a", 0, 0, {5000, 1000, 7000}});
  tool.add({"b", 100, 0, {5000, 1000, 7100}});
  EXPECT_FALSE(tool.save(dataset));
  EXPECT_NE(tool.lastError().find("nothing to save"), std::string::npos);
  tool.add({"c", 0, 100, {5000, 1100, 7000}});
  EXPECT_TRUE(tool.hasUnsavedChanges());
  ASSERT_TRUE(tool.save(dataset)) << tool.lastError();
  EXPECT_FALSE(tool.hasUnsavedChanges());
  ASSERT_TRUE(tool.savedTo());
  EXPECT_EQ(tool.savedTo()->placement, dir / "detected_transcripts.csv.placement.json");

  const SpatialDataset placed = loadSpatialDataset(dir / "detected_transcripts.csv");
  EXPECT_TRUE(placed.placement().placed);
  EXPECT_TRUE(placed.placement().sectionToAtlas.approximatelyEquals(tool.fit()->sectionToAtlas));
  LandmarkTool reopened;
  ASSERT_TRUE(reopened.open(*savedLandmarksFile(placed)));
  EXPECT_EQ(reopened.landmarks().size(), 3u);
  EXPECT_EQ(reopened.undoText(), "open detected_transcripts.csv.landmarks.csv");
  reopened.markSaved();
  EXPECT_FALSE(reopened.hasUnsavedChanges());
  EXPECT_FALSE(reopened.open(dir / "missing.csv"));
  // As the tool starts with the saved pairs: no step a first Undo would take back.
  LandmarkTool starting;
  ASSERT_TRUE(starting.openSaved(*savedLandmarksFile(placed)));
  EXPECT_EQ(starting.landmarks().size(), 3u);
  EXPECT_FALSE(starting.canUndo());
  EXPECT_FALSE(starting.hasUnsavedChanges());
  EXPECT_TRUE(starting.fit());
  EXPECT_FALSE(starting.openSaved(dir / "missing.csv"));
  EXPECT_NE(reopened.lastError().find("missing.csv"), std::string::npos);
}

// Closing the tool must not lose pairs silently: it knows when they differ from the saved ones.
TEST(LandmarkTool, KnowsWhenItsPairsAreNotSaved) {
  LandmarkTool tool;
  EXPECT_FALSE(tool.hasUnsavedChanges());
  tool.add({"a", 0, 0, {5000, 1000, 7000}});
  EXPECT_TRUE(tool.hasUnsavedChanges());
  tool.undo();
  EXPECT_FALSE(tool.hasUnsavedChanges()) << "back to the saved (empty) pairs";
  tool.redo();
  tool.markSaved();
  EXPECT_FALSE(tool.hasUnsavedChanges());
  tool.moveSectionPoint(0, 1, 0);
  EXPECT_TRUE(tool.hasUnsavedChanges());
  tool.clickSection(5, 5);  // a pending half pair is not a change to the pairs
  tool.undo();
  EXPECT_FALSE(tool.hasUnsavedChanges());
}

// A pair that cannot be added (the tool is full) still takes the pending marker away, and
// says so to the listener.
TEST(LandmarkTool, APairRefusedAtTheLimitLeavesNoPendingMarker) {
  LandmarkTool tool;
  std::vector<Landmark> full;
  for (std::size_t i = 0; i < kMaxLandmarks; ++i)
    full.push_back({"p" + std::to_string(i),
                    double(i % 100),
                    double(i / 100),
                    {5000, double(i / 100), double(i % 100)}});
  tool.replaceAll(full);
  int changes = 0;
  tool.setListener([&] { ++changes; });
  tool.clickSection(5, 5);
  EXPECT_EQ(changes, 1);
  EXPECT_FALSE(tool.clickAtlas({5000, 5, 5}));
  EXPECT_NE(tool.lastError().find("at most"), std::string::npos);
  EXPECT_FALSE(tool.pendingSection());
  EXPECT_EQ(changes, 2) << "the pending marker stayed on screen";
}

// The fit's warnings follow the pairs and the section's extent.
TEST(LandmarkTool, WarnsAboutAnAbsurdFitAndPointsOffTheSection) {
  LandmarkTool tool;
  tool.add({"a", 0, 0, {5000, 1000, 7000}});
  tool.add({"b", 100, 0, {5000, 1000, 7100}});
  tool.add({"c", 0, 100, {5000, 1100, 7000}});
  ASSERT_TRUE(tool.fit());
  EXPECT_TRUE(tool.fit()->warnings.empty());
  tool.moveAtlasPoint(1, {5000, 1000, 8300});  // 13× along x
  ASSERT_TRUE(tool.fit());
  ASSERT_EQ(tool.fit()->warnings.size(), 1u);
  EXPECT_NE(tool.fit()->warnings[0].find("scales the section by 13×"), std::string::npos)
      << tool.fit()->warnings[0];
  tool.undo();
  tool.setSectionExtent(SectionExtentUm{0, 50, 0, 50});
  ASSERT_EQ(tool.fit()->warnings.size(), 2u);  // b and c lie beyond 55 µm
  EXPECT_NE(tool.fit()->warnings[0].find("landmark 'b'"), std::string::npos);
}

TEST(SectionOverview, TheStainOrElseTheMoleculeDensityInSectionMicrometres) {
  test::ScratchDirectory dir;
  std::ofstream(dir / "detected_transcripts.csv")
      << "global_x,global_y,gene,global_z\n100,200,A,0\n100,200,B,1\n300,250,A,0\n";
  const auto density = sectionOverview(loadSpatialDataset(dir / "detected_transcripts.csv"), 100);
  EXPECT_EQ(density.dims()[0], 100);
  EXPECT_EQ(density.dims()[1], 25);
  const auto& f = density.frame();
  EXPECT_DOUBLE_EQ(f.spacing()[0], 2.0);
  EXPECT_DOUBLE_EQ(f.origin()[0], 101.0);
  EXPECT_EQ(density.at({0, 0, 0}), 255);  // two molecules at (100, 200)
  EXPECT_GT(density.at({99, 24, 0}), 0);  // one at (300, 250)
  EXPECT_EQ(density.at({50, 10, 0}), 0);

  const auto stain = sectionOverview(
      loadSpatialDataset(bundledDemoDataset(), {}, DatasetContent::StainImagesOnly), 512);
  EXPECT_EQ(std::max(stain.dims()[0], stain.dims()[1]), 512);
  EXPECT_GT(stain.frame().origin()[0], 6000.0);  // the demo crop lies near x 6400..6900 µm
}

}  // namespace
}  // namespace teramind
