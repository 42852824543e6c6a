#include "workflow/JobFingerprint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "conditions/ConditionDocument.h"
#include "conditions/ConditionEditJson.h"
#include "workflow/WorkspaceFixture.h"

namespace teramind {
namespace {

// The published FNV-1a 64 test vectors (Fowler, Noll, Vo; also in draft-eastlake-fnv).
TEST(JobFingerprint, StableHashIsFnv1a64) {
  EXPECT_EQ(stableHash(""), "fnv1a64:cbf29ce484222325");
  EXPECT_EQ(stableHash("a"), "fnv1a64:af63dc4c8601ec8c");
  EXPECT_EQ(stableHash("foobar"), "fnv1a64:85944171f73967e8");
  EXPECT_EQ(stableHash(std::string_view("\0", 1)), "fnv1a64:af63bd4c8601b7df");
}

TEST(JobFingerprint, EditsDigestIsCanonical) {
  EXPECT_EQ(editsDigest({}), "");
  const auto a = test::scaleDisk("Gad1", 2), b = test::scaleDisk("Gfap", 2);
  EXPECT_EQ(editsDigest({a, b}), editsDigest({editFromJson(editToJson(a, 4)), b}));
  EXPECT_NE(editsDigest({a, b}), editsDigest({b, a}));  // order changes the condition
  EXPECT_NE(editsDigest({a}), editsDigest({test::scaleDisk("Gad1", 2.0000001)}));
  // Sorted keys, one edit per line: the text hashed is specified, not nlohmann's order.
  const std::string line = nlohmann::json::parse(editToJson(a)).dump();
  EXPECT_EQ(editsDigest({a}), stableHash(line + "\n"));
}

TEST(JobFingerprint, DescriptionHasAbsoluteNormalPaths) {
  const auto cwd = std::filesystem::current_path();
  const auto j =
      nlohmann::json::parse(generationJobDescription("m/../tiny.safetensors", "./data/", {}));
  EXPECT_EQ(j.at("model"), (cwd / "tiny.safetensors").string());
  EXPECT_EQ(j.at("data"), (cwd / "data").string());
  EXPECT_EQ(j.at("edits"), "");
  EXPECT_EQ(nlohmann::json::parse(generationJobDescription("", "", {})).at("model"), "");
}

// How the data was read is part of the job: a resume with another --columns or --pixel-um is
// another job, and seams/fidelity read the data back the same way. None given adds nothing.
TEST(JobFingerprint, ReadOptionsJoinTheDescription) {
  const auto plain = generationJobDescription("m.safetensors", "spots.csv", {});
  EXPECT_FALSE(nlohmann::json::parse(plain).contains("pixel_um"));
  EXPECT_FALSE(jobReadOptions(plain).columns);
  EXPECT_FALSE(jobReadOptions(plain).pixelUm);
  DatasetReadOptions read;
  read.columns = parseSpotTableColumns("y=y,x=x,gene=Gene");
  read.pixelUm = 0.1625;
  const auto spots = generationJobDescription("m.safetensors", "spots.csv", {}, read);
  const auto j = nlohmann::json::parse(spots);
  EXPECT_EQ(j.at("columns"), "gene=Gene,x=x,y=y");
  EXPECT_EQ(j.at("pixel_um"), 0.1625);
  EXPECT_NE(spots, plain);
  auto other = read;
  other.pixelUm = 0.2;
  EXPECT_NE(generationJobDescription("m.safetensors", "spots.csv", {}, other), spots);
  const auto back = jobReadOptions(spots);
  ASSERT_TRUE(back.columns && back.pixelUm);
  EXPECT_EQ(formatSpotTableColumns(*back.columns), "gene=Gene,x=x,y=y");
  EXPECT_EQ(*back.pixelUm, 0.1625);
  EXPECT_FALSE(back.minQv || back.landmarks);
  EXPECT_THROW(jobReadOptions(R"({"pixel_um": "big"})"), std::invalid_argument);
  EXPECT_THROW(jobReadOptions(R"({"columns": "gene=g"})"), std::invalid_argument);
}

// The Resume bug: the studio's description and the one the CLI makes from the saved document
// (generate --edits DOC) are the same job.
TEST(JobFingerprint, AWorkspaceAndItsSavedDocumentDescribeOneJob) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "job_fingerprint";
  std::filesystem::remove_all(dir);
  const auto modelFile = dir / "tiny.safetensors";
  auto workspace = test::preparedWorkspace(modelFile);
  const auto withoutEdits = workspace->jobDescription();
  const auto& genes = workspace->model()->genes();
  workspace->condition().apply(test::knockOutInStructure(workspace->atlas(), genes[0]));
  workspace->condition().apply(test::scaleDisk(genes[1], 0.5));
  const auto studio = workspace->jobDescription();
  EXPECT_NE(studio, withoutEdits);
  workspace->condition().save(dir / "doc.json");
  const auto document = ConditionDocument::load(dir / "doc.json");
  EXPECT_EQ(generationJobDescription(modelFile, bundledDemoDataset(), document.edits()), studio);
  EXPECT_EQ(nlohmann::json::parse(studio).at("edits"), editsDigest(document.edits()));
  workspace->condition().undo();
  EXPECT_NE(workspace->jobDescription(), studio);
}

}  // namespace
}  // namespace teramind
