// What the studio asks before opening a dataset whose files do not say how to read them (a spot
// table's column map and pixel size), decided without a window; and the proposed column maps.
#include "studio/DatasetReadPrompt.h"

#include <gtest/gtest.h>

#include <fstream>

#include "transcriptomics/SpotTableReader.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "dataset_read_prompt" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
  return file;
}

std::string mapOf(const std::optional<SpotTableProposal>& p) {
  return p ? p->layout + ": " + formatSpotTableColumns(p->columns) : "none";
}

TEST(SpotTableProposal, MapsTheKnownLayoutsAsTheirHeadersSpellThem) {
  EXPECT_EQ(mapOf(proposeSpotTableColumns({"Gene", "x", "y", "neighbour"})),
            "pciSeq: gene=Gene,x=x,y=y");
  const auto proseg =
      proposeSpotTableColumns({"transcript_id", "gene", "x", "y", "z", "observed_x", "assignment"});
  EXPECT_EQ(mapOf(proseg), "proseg: gene=gene,x=x,y=y") << "its z is µm: left out";
  ASSERT_TRUE(proseg);
  EXPECT_EQ(proseg->pixelUm, std::optional<double>(1)) << "proseg writes µm";
  const auto baysor = proposeSpotTableColumns({"x", "y", "z", "gene", "molecule_id", "cell"});
  EXPECT_EQ(mapOf(baysor), "Baysor: gene=gene,x=x,y=y");
  ASSERT_TRUE(baysor);
  EXPECT_FALSE(baysor->pixelUm) << "Baysor keeps the input's unit: the user says it";
  EXPECT_EQ(mapOf(proposeSpotTableColumns({"GENE", "X", "Y", "score"})),
            "spot table: gene=GENE,x=X,y=Y");
  // A TSV header read as one comma field.
  EXPECT_EQ(mapOf(proposeSpotTableColumns({"Gene\tx\ty"})), "pciSeq: gene=Gene,x=x,y=y");
  EXPECT_EQ(mapOf(proposeSpotTableColumns({"target", "px", "py"})), "none");
  EXPECT_EQ(mapOf(proposeSpotTableColumns({})), "none");
}

TEST(DatasetReadPrompt, AnUnrecognisedTableAsksForItsMapPreSetFromTheLayout) {
  const auto dir = scratch("pciseq");
  const auto file = write(dir / "spots.csv", "Gene,x,y,plane_id\nA,1,2,0\n");
  const auto prompt = datasetReadPrompt(file);
  ASSERT_TRUE(prompt);
  EXPECT_EQ(prompt->format, SpatialFormat::SpotTable);
  EXPECT_TRUE(prompt->asksColumns && prompt->asksPixelUm && prompt->pixelUmRequired);
  EXPECT_FALSE(prompt->asksMinQv);
  EXPECT_EQ(prompt->header, (std::vector<std::string>{"Gene", "x", "y", "plane_id"}));
  EXPECT_EQ(prompt->layout, "pciSeq");
  ASSERT_TRUE(prompt->proposal.columns);
  EXPECT_EQ(formatSpotTableColumns(*prompt->proposal.columns), "gene=Gene,x=x,y=y");
  EXPECT_FALSE(prompt->proposal.pixelUm) << "pciSeq's pixels have no standard size";
  EXPECT_NE(prompt->reason.find("looks like a pciSeq spot table"), std::string::npos)
      << prompt->reason;
  EXPECT_EQ(readOptionsProblem(*prompt, prompt->proposal),
            std::optional<std::string>(
                "give the pixel size in µm per unit of x and y (1 if they are µm)"));
  auto chosen = prompt->proposal;
  chosen.pixelUm = 0.1625;
  chosen.columns->z = "plane_id";
  EXPECT_EQ(readOptionsProblem(*prompt, chosen), std::nullopt);
  // With the options chosen it opens as it is: no second question.
  EXPECT_FALSE(datasetReadPrompt(file, chosen));
}

TEST(DatasetReadPrompt, AnyTableOfThreeColumnsMayBeMappedByHand) {
  const auto dir = scratch("iss");
  const auto file = write(dir / "iss.tsv", "target\tpx\tpy\nA\t1\t2\n");
  const auto prompt = datasetReadPrompt(file);
  ASSERT_TRUE(prompt);
  EXPECT_EQ(prompt->header, (std::vector<std::string>{"target", "px", "py"}));
  EXPECT_TRUE(prompt->layout.empty());
  EXPECT_FALSE(prompt->proposal.columns);
  EXPECT_NE(prompt->reason.find("not a recognised spatial transcriptomics table"),
            std::string::npos)
      << prompt->reason;
  DatasetReadOptions options;
  EXPECT_EQ(readOptionsProblem(*prompt, options),
            std::optional<std::string>("choose the gene, x and y columns"));
  options.columns = SpotTableColumns{"target", "px", "px", ""};
  options.pixelUm = 1;
  EXPECT_EQ(readOptionsProblem(*prompt, options),
            std::optional<std::string>("column 'px' is mapped twice"));
  options.columns = SpotTableColumns{"target", "px", "qy", ""};
  EXPECT_EQ(readOptionsProblem(*prompt, options),
            std::optional<std::string>("the table has no column 'qy' (for y)"));
  options.columns = SpotTableColumns{"", "px", "py", ""};
  EXPECT_EQ(readOptionsProblem(*prompt, options),
            std::optional<std::string>("choose the gene column"));
  options.columns = SpotTableColumns{"target", "px", "py", ""};
  options.pixelUm = -1;
  EXPECT_EQ(readOptionsProblem(*prompt, options),
            std::optional<std::string>("the pixel size must be a positive number of µm"));
  options.pixelUm = 0.5;
  EXPECT_EQ(readOptionsProblem(*prompt, options), std::nullopt);
}

TEST(DatasetReadPrompt, AMapWithoutAPixelSizeAsksForIt) {
  const auto dir = scratch("map_only");
  const auto file = write(dir / "spots.csv", "Gene,x,y\nA,1,2\n");
  DatasetReadOptions given;
  given.columns = SpotTableColumns{"Gene", "x", "y", ""};
  const auto prompt = datasetReadPrompt(file, given);
  ASSERT_TRUE(prompt);
  EXPECT_EQ(formatSpotTableColumns(*prompt->proposal.columns), "gene=Gene,x=x,y=y");
  EXPECT_NE(prompt->reason.find("needs its pixel size"), std::string::npos);
}

TEST(DatasetReadPrompt, RecognisedDataAndHopelessFilesAreNotAskedAbout) {
  const auto dir = scratch("others");
  // A Vizgen table opens as it is.
  EXPECT_FALSE(datasetReadPrompt(
      write(dir / "detected_transcripts.csv", "gene,global_x,global_y,global_z\nA,1,2,0\n")));
  // Two columns cannot be a spot table: opening says why.
  EXPECT_FALSE(datasetReadPrompt(write(dir / "two.csv", "a,b\n1,2\n")));
  EXPECT_FALSE(datasetReadPrompt(dir / "absent.csv"));
  EXPECT_FALSE(datasetReadPrompt(dir)) << "a folder is never a spot table";
}

TEST(DatasetReadPrompt, ChoicesOfAXeniumOutputAreItsMinQv) {
  const auto dir = scratch("xenium");
  write(dir / "experiment.xenium", "{}");
  write(dir / "transcripts.csv",
        "transcript_id,cell_id,overlaps_nucleus,feature_name,x_location,y_location,z_location,"
        "qv\n1,1,0,A,1,2,3,30\n");
  EXPECT_FALSE(datasetReadPrompt(dir));
  const auto choices = datasetReadChoices(dir);
  EXPECT_EQ(choices.format, SpatialFormat::XeniumOutput);
  EXPECT_TRUE(choices.asksMinQv);
  EXPECT_FALSE(choices.asksColumns || choices.asksPixelUm);
  DatasetReadOptions options;
  options.minQv = -1;
  EXPECT_EQ(readOptionsProblem(choices, options),
            std::optional<std::string>("the min qv must be a number ≥ 0"));
  options.minQv = 0;
  EXPECT_EQ(readOptionsProblem(choices, options), std::nullopt);
}

}  // namespace
}  // namespace teramind
