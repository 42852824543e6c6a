#include "workflow/ConditionSource.h"

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "conditions/ConditionDocument.h"
#include "workflow/WorkspaceFixture.h"

namespace teramind {
namespace {

const std::filesystem::path kDocument = "/data/docs/doc.json";

std::string errorOf(const std::string& json) {
  try {
    ConditionSource::fromJson(kDocument, json);
  } catch (const FileError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ConditionSource, ReadsTheOldCliForm) {
  const auto s = ConditionSource::fromJson(
      kDocument,
      R"({"data":"/d/vizgen","bin_um":1.5,"panel":["Gad1","Gfap"],"atlas":"/a","atlas_resolution_um":50})");
  EXPECT_EQ(s.data, "/d/vizgen");
  EXPECT_TRUE(s.model.empty());
  EXPECT_EQ(s.binUm, 1.5);
  EXPECT_EQ(s.panel, (std::vector<std::string>{"Gad1", "Gfap"}));
  EXPECT_EQ(s.atlas, "/a");
  EXPECT_EQ(s.atlasResolutionUm, 50);
}

TEST(ConditionSource, ReadsTheOldStudioFormInTheBundledAtlas) {
  const auto s = ConditionSource::fromJson(
      kDocument, R"({"dataset":"/d/dataset.json","model":"/m/tiny.safetensors","bin_um":13.8})");
  EXPECT_EQ(s.data, "/d/dataset.json");
  EXPECT_EQ(s.model, "/m/tiny.safetensors");
  EXPECT_EQ(s.binUm, 13.8);
  EXPECT_TRUE(s.panel.empty());
  EXPECT_EQ(s.atlas, bundledAtlasDirectory());
  EXPECT_EQ(s.atlasResolutionUm, 0);
}

TEST(ConditionSource, RoundTripsVersion2) {
  ConditionSource s;
  s.data = "/d/region";
  s.model = "/m/demo.safetensors";
  s.binUm = 0.1 + 0.2;  // not a short decimal: must come back to the same bits
  s.panel = {"Slc17a7", "Gad1"};
  s.atlas = "/atlas";
  s.atlasResolutionUm = 25;
  const auto json = nlohmann::json::parse(s.toJson());
  EXPECT_EQ(json.at("schema"), "teramind-condition-source");
  EXPECT_EQ(json.at("version"), 2);
  const auto back = ConditionSource::fromJson(kDocument, s.toJson());
  EXPECT_EQ(back.data, s.data);
  EXPECT_EQ(back.model, s.model);
  EXPECT_EQ(back.binUm, s.binUm);
  EXPECT_EQ(back.panel, s.panel);
  EXPECT_EQ(back.atlas, s.atlas);
  EXPECT_EQ(back.atlasResolutionUm, 25);
  s.model.clear();
  EXPECT_TRUE(ConditionSource::fromJson(kDocument, s.toJson()).model.empty());
}

TEST(ConditionSource, RelativePathsAreTakenFromTheDocumentsFolder) {
  const auto s = ConditionSource::fromJson(
      kDocument,
      R"({"data":"../vizgen","bin_um":1,"panel":[],"atlas":"atlas","atlas_resolution_um":0})");
  EXPECT_EQ(s.data, "/data/vizgen");
  EXPECT_EQ(s.atlas, "/data/docs/atlas");
}

TEST(ConditionSource, BadSourcesNameTheDocumentAndTheKey) {
  // The studio's documents before version 2 were refused with this key missing.
  EXPECT_EQ(errorOf(R"({"data":"/d","bin_um":1,"panel":[],"atlas":"/a"})"),
            "/data/docs/doc.json: source (teramind paint, unversioned): key "
            "'atlas_resolution_um' is missing");
  EXPECT_EQ(errorOf(R"({"dataset":"/d","bin_um":1})"),
            "/data/docs/doc.json: source (studio, unversioned): key 'model' is missing");
  EXPECT_NE(
      errorOf(R"({"schema":"teramind-condition-source","version":3})").find("key 'version' is 3"),
      std::string::npos);
  EXPECT_NE(errorOf(R"({"schema":"other","version":2})").find("key 'schema' is \"other\""),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"schema":"teramind-condition-source","version":2,"data":"/d","model":"",)"
                    R"("bin_um":-1,"panel":[],"atlas":"/a","atlas_resolution_um":0})")
                .find("key 'bin_um' must be a positive number"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"data":"/d","bin_um":1,"panel":[3],"atlas":"/a","atlas_resolution_um":0})")
                .find("key 'panel' entry 0 is not a gene name"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"data":"/d","bin_um":1,"panel":[],"atlas":"/a","atlas_resolution_um":2.5})")
                .find("key 'atlas_resolution_um' must be 0 or"),
            std::string::npos);
  EXPECT_NE(errorOf("[1]").find("doc.json: source is not a JSON object"), std::string::npos);
  EXPECT_NE(errorOf("{").find("doc.json: source is not JSON"), std::string::npos);
}

// The Replay bug: a document saved by the studio's path bins again and replays to the saved
// condition, bit for bit, after a save and a load.
TEST(ConditionSource, AStudioDocumentReplaysIdentical) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "condition_source";
  std::filesystem::remove_all(dir);
  const auto modelFile = dir / "tiny.safetensors";
  auto workspace = test::preparedWorkspace(modelFile);
  const auto gene = workspace->model()->genes().front();
  workspace->condition().apply(test::knockOutInStructure(workspace->atlas(), gene));
  workspace->condition().apply(test::scaleDisk(workspace->model()->genes()[1], 3));
  const auto documentFile = dir / "studio.json";
  workspace->condition().save(documentFile);

  const auto document = ConditionDocument::load(documentFile);
  const auto source = ConditionSource::fromJson(documentFile, document.sourceJson());
  EXPECT_EQ(source.model, std::filesystem::absolute(modelFile).lexically_normal());
  EXPECT_EQ(source.data, std::filesystem::absolute(bundledDemoDataset()).lexically_normal());
  EXPECT_EQ(source.panel, workspace->model()->genes());
  EXPECT_EQ(source.atlasResolutionUm, workspace->atlas().resolutionUm());
  const Atlas atlas = Atlas::load(source.atlas, source.atlasResolutionUm);
  const BinnedSource binned = binConditionSource(source);
  EXPECT_FALSE(binned.condition == workspace->condition().condition())
      << "the edits change nothing: the test would not see a replay that drops them";
  const BinnedCondition replayed =
      document.replay(binned.condition, PaintContext{&atlas, binned.placement.sectionToAtlas});
  EXPECT_TRUE(replayed == document.condition());
  EXPECT_TRUE(replayed == workspace->condition().condition());
}

}  // namespace
}  // namespace teramind
