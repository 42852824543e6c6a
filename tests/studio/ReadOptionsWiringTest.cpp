// A dataset's read options (a spot table's column map and pixel size …) travel with it through
// the studio: kept by the studio model, recorded by sessions, condition documents and job
// descriptions, and used again when they are opened. Old files without them read as before.
#include <gtest/gtest.h>

#include <fstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "conditions/ConditionDocument.h"
#include "io/DatasetReadOptionsJson.h"
#include "studio/StudioModel.h"
#include "workflow/ConditionSource.h"
#include "workflow/JobFingerprint.h"
#include "workflow/StudioSession.h"
#include "workflow/WorkspaceFixture.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "read_options_wiring" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The demo's molecules as a pciSeq-style table (Gene, x, y in pixels of 0.1625 µm, plane_id),
// which the detector does not read without a column map.
fs::path demoSpotTable(const fs::path& dir) {
  const auto& t = *test::demoDataset()->transcripts();
  const fs::path file = dir / "spots.csv";
  std::ofstream out(file);
  out << "Gene,x,y,plane_id\n";
  for (std::size_t i = 0; i < t.size(); ++i)
    out << fmt::format("{},{:.6f},{:.6f},{}\n", t.genes.name(t.gene[i]), t.x[i] / 0.1625,
                       t.y[i] / 0.1625, t.plane[i]);
  return file;
}

DatasetReadOptions spotOptions() {
  DatasetReadOptions read;
  read.columns = SpotTableColumns{"Gene", "x", "y", "plane_id"};
  read.pixelUm = 0.1625;
  return read;
}

std::string recorded(const DatasetReadOptions& read) {
  return readOptionsToJson(read).dump();
}

TEST(ReadOptionsJson, RecordsOnlyTheOptionsGivenAndReadsThemBack) {
  EXPECT_FALSE(hasReadOptions({}));
  EXPECT_EQ(readOptionsToJson({}).dump(), "{}");
  auto read = spotOptions();
  read.minQv = 0;
  read.landmarks = "/d/pairs.csv";
  EXPECT_TRUE(hasReadOptions(read));
  EXPECT_EQ(recorded(read),
            R"({"columns":"gene=Gene,x=x,y=y,z=plane_id","landmarks":"/d/pairs.csv",)"
            R"("min_qv":0.0,"pixel_um":0.1625})");
  const auto back = readOptionsFromJson(readOptionsToJson(read));
  EXPECT_TRUE(sameReadOptions(back, read));
  EXPECT_EQ(back.minQv, std::optional<double>(0));
  // A relative landmarks file is the holder's neighbour.
  EXPECT_EQ(readOptionsFromJson(nlohmann::json{{"landmarks", "pairs.csv"}}, "/data/docs").landmarks,
            std::optional<fs::path>("/data/docs/pairs.csv"));
}

TEST(ReadOptionsJson, BadOptionsNameTheirKey) {
  const auto error = [](const nlohmann::json& j) {
    try {
      readOptionsFromJson(j);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(nlohmann::json::array()), "read options are not a JSON object");
  EXPECT_EQ(error({{"pixel_um", 0}}), "read option 'pixel_um' is 0, not a positive number");
  EXPECT_EQ(error({{"pixel_um", "1"}}), "read option 'pixel_um' is \"1\", not a positive number");
  EXPECT_EQ(error({{"min_qv", -2}}), "read option 'min_qv' is -2, not a number ≥ 0");
  EXPECT_EQ(error({{"columns", 3}}), "read option 'columns' must be a non-empty string");
  EXPECT_NE(error({{"columns", "gene=G,x=x"}}).find("read option 'columns': "), std::string::npos);
}

TEST(ConditionSourceReadOptions, OnlyGivenOptionsAreRecordedAndTheyComeBack) {
  ConditionSource s;
  s.data = "/d/spots.csv";
  s.panel = {"A"};
  s.atlas = "/atlas";
  EXPECT_FALSE(nlohmann::json::parse(s.toJson()).contains("read"))
      << "documents without options are as before";
  EXPECT_FALSE(hasReadOptions(ConditionSource::fromJson("/d/doc.json", s.toJson()).read));
  s.read = spotOptions();
  const auto json = nlohmann::json::parse(s.toJson());
  EXPECT_EQ(json.at("read").at("columns"), "gene=Gene,x=x,y=y,z=plane_id");
  EXPECT_EQ(recorded(ConditionSource::fromJson("/d/doc.json", s.toJson()).read), recorded(s.read));
  auto bad = json;
  bad["read"]["pixel_um"] = -1;
  try {
    ConditionSource::fromJson("/d/doc.json", bad.dump());
    ADD_FAILURE() << "a negative pixel size was read";
  } catch (const FileError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/d/doc.json: source (v2): key 'read' read option 'pixel_um' is -1, not a positive "
              "number");
  }
}

// A document made on a spot table bins its source again through the recorded map: the replay
// gives the saved condition; without the map the same source cannot be read.
TEST(ConditionSourceReadOptions, ASpotTableDocumentReplaysThroughItsRecordedMap) {
  const auto dir = scratch("document");
  const auto table = demoSpotTable(dir);
  ConditionSource source;
  source.data = table;
  source.binUm = 20;
  source.panel = {"Slc17a7", "Gad1"};
  source.atlas = bundledAtlasDirectory();
  source.read = spotOptions();
  const Atlas& atlas = *test::bundledAtlas();
  BinnedSource binned = binConditionSource(source);
  ConditionDocument document(std::move(binned.condition),
                             PaintContext{&atlas, binned.placement.sectionToAtlas},
                             source.toJson());
  document.apply(test::scaleDisk("Slc17a7", 3));
  document.save(dir / "doc.json");

  const auto loaded = ConditionDocument::load(dir / "doc.json");
  const auto back = ConditionSource::fromJson(dir / "doc.json", loaded.sourceJson());
  ASSERT_EQ(recorded(back.read), recorded(source.read));
  const auto again = binConditionSource(back);
  EXPECT_TRUE(
      loaded.replay(again.condition, PaintContext{&atlas, again.placement.sectionToAtlas}) ==
      loaded.condition());
  auto withoutMap = back;
  withoutMap.read = {};
  EXPECT_THROW(binConditionSource(withoutMap), FileError);
}

TEST(StudioSessionReadOptions, SessionsWithAndWithoutOptionsRoundTrip) {
  const auto dir = scratch("session_files");
  StudioSession plain;
  plain.dataset = "/d/region";
  plain.save(dir / "plain.json");
  std::ifstream in(dir / "plain.json");
  EXPECT_FALSE(nlohmann::json::parse(in).contains("read")) << "sessions without options unchanged";
  EXPECT_FALSE(hasReadOptions(StudioSession::load(dir / "plain.json").read));

  StudioSession spots = plain;
  spots.dataset = "/d/spots.csv";
  spots.read = spotOptions();
  spots.read.landmarks = dir / "pairs.csv";
  spots.save(dir / "spots.json");
  EXPECT_EQ(recorded(StudioSession::load(dir / "spots.json").read), recorded(spots.read));

  std::ofstream(dir / "bad.json") << R"({"format": "teramind-studio-session", "version": 2,
    "dataset": "/d/spots.csv", "read": {"columns": "x=x"}})";
  try {
    StudioSession::load(dir / "bad.json");
    ADD_FAILURE() << "a bad column map was read";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: has a bad field: read option 'columns': "),
              std::string::npos)
        << e.what();
  }
}

struct Studio {
  ThreadTaskRunner runner;
  StudioModel model;
  explicit Studio(const fs::path& jobs) : model(test::bundledAtlas(), runner, jobs) {}
  void idle() { ASSERT_TRUE(runner.waitForIdle(300s)) << "background work did not end"; }
};

// The studio opens a spot table with the options the dialog gives, keeps them with the dataset,
// records them in its job description and its session; the session reopens the table without
// asking, and a condition document saved with it names them too.
TEST(StudioModelReadOptions, ASpotTableSessionReopensWithItsOptions) {
  const auto dir = scratch("studio");
  const auto table = demoSpotTable(dir);
  const auto modelFile = dir / "tiny.safetensors";
  const auto model = test::tinyModel(modelFile);
  {
    Studio studio(dir / "jobs");
    auto& m = studio.model;
    m.openDataset(table);  // without options: refused, saying what the table looks like
    studio.idle();
    EXPECT_NE(m.lastError().find("looks like a pciSeq spot table"), std::string::npos)
        << m.lastError();
    EXPECT_EQ(m.state().workspace.dataset(), nullptr);

    m.openDataset(table, false, spotOptions());
    m.setModel(model, modelFile);
    studio.idle();
    ASSERT_TRUE(m.state().ready()) << m.lastError();
    EXPECT_EQ(recorded(m.state().workspace.readOptions()), recorded(spotOptions()));
    const auto job = m.state().workspace.jobDescription();
    EXPECT_EQ(recorded(jobReadOptions(job)), recorded(spotOptions()))
        << "a studio job over a spot table resumes as the CLI's does: " << job;
    EXPECT_EQ(job, generationJobDescription(modelFile, table, {}, spotOptions()));
    ASSERT_TRUE(m.paint(test::scaleDisk("Slc17a7", 2))) << m.lastError();
    ASSERT_TRUE(m.saveSession(dir / "s.json")) << m.lastError();
  }
  EXPECT_EQ(recorded(StudioSession::load(dir / "s.json").read), recorded(spotOptions()));
  const auto document = ConditionDocument::load(dir / "s.condition.json");
  EXPECT_EQ(
      recorded(ConditionSource::fromJson(dir / "s.condition.json", document.sourceJson()).read),
      recorded(spotOptions()));

  Studio studio(dir / "jobs");
  auto& m = studio.model;
  ASSERT_TRUE(m.loadSession(dir / "s.json")) << m.lastError();
  studio.idle();
  ASSERT_TRUE(m.state().ready()) << m.lastError();
  EXPECT_EQ(m.state().workspace.datasetPath(), fs::absolute(table).lexically_normal());
  EXPECT_EQ(recorded(m.state().workspace.readOptions()), recorded(spotOptions()));
  EXPECT_EQ(m.state().workspace.condition().edits().size(), 1u);

  // The condition document alone opens the table the same way in a fresh studio.
  Studio fresh(dir / "jobs");
  fresh.model.setModel(model, modelFile);
  ASSERT_TRUE(fresh.model.openConditionDocument(dir / "s.condition.json"))
      << fresh.model.lastError();
  fresh.idle();
  ASSERT_TRUE(fresh.model.state().ready()) << fresh.model.lastError();
  EXPECT_EQ(recorded(fresh.model.state().workspace.readOptions()), recorded(spotOptions()));
  EXPECT_EQ(fresh.model.state().workspace.condition().edits().size(), 1u);
}

}  // namespace
}  // namespace teramind
