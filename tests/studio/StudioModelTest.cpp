// The studio's behaviour without a window: the StudioModel driven as the widgets drive it, on a
// ThreadTaskRunner whose owner is the test's thread.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "conditions/ConditionDocument.h"
#include "io/LandmarkFile.h"
#include "io/OmeZarrStore.h"
#include "io/SavedPlacement.h"
#include "model/PairedSection.h"
#include "studio/StudioFileKind.h"
#include "studio/StudioModel.h"
#include "support/TestData.h"
#include "workflow/ConditionSource.h"
#include "workflow/GenerationRequest.h"
#include "workflow/GenerationSampler.h"
#include "workflow/JobFingerprint.h"
#include "workflow/RegionGeneration.h"
#include "workflow/WorkspaceFixture.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using test::bundledAtlas;
using test::demoDataset;
using namespace std::chrono_literals;

// An untrained `tiny` model on the demo's 8 most expressed genes, saved once so sessions and
// the CLI can open it by path.
fs::path tinyModelFile() {
  static const fs::path file = [] {
    const fs::path f = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "studio_model_tiny.safetensors";
    fs::create_directories(f.parent_path());
    auto genes = mostExpressedGenes(*demoDataset(), 8, {"Slc17a7"});
    MorphologyModel(namedModelConfig("tiny"), genes, 3).save(f);
    return f;
  }();
  return file;
}

std::shared_ptr<const MorphologyModel> tinyModel() {
  static auto model =
      std::make_shared<const MorphologyModel>(MorphologyModel::load(tinyModelFile()));
  return model;
}

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "studio_model" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

double geneTotal(const BinnedCondition& c, const std::string& gene) {
  double sum = 0;
  c.forEachNonZero(*c.geneIndex(gene), [&](const BinIndex&, float v) { sum += v; });
  return sum;
}

// A model with the demo and the tiny model open, its condition prepared.
struct Studio {
  ThreadTaskRunner runner;
  StudioModel model;
  std::vector<StudioChange> changes;
  explicit Studio(const fs::path& jobs = scratch("jobs")) : model(bundledAtlas(), runner, jobs) {
    model.subscribe([this](StudioChange c) { changes.push_back(c); });
  }
  void openDemo() {
    model.setDataset(demoDataset(), bundledDemoDataset());
    model.setModel(tinyModel(), tinyModelFile());
    idle();
    ASSERT_TRUE(model.state().ready()) << model.lastError();
  }
  void idle(std::chrono::milliseconds timeout = 120s) {
    ASSERT_TRUE(runner.waitForIdle(timeout)) << "background work did not end";
  }
  int count(StudioChange c) const { return int(std::count(changes.begin(), changes.end(), c)); }
};

TEST(StudioModel, PreparesTheConditionAndMapsTheModelsGenes) {
  Studio studio;
  studio.openDemo();
  const auto& s = studio.model.state();
  EXPECT_EQ(s.genes.measured.size(), 8u);
  EXPECT_TRUE(s.genes.missing.empty());
  EXPECT_GT(s.genes.unknown.size(), 100u) << "the demo measures far more genes than 8";
  EXPECT_FALSE(s.preparing);
  EXPECT_GE(studio.count(StudioChange::Condition), 1);
  EXPECT_EQ(s.workspace.grid().planes, 2) << "the demo crop has two planes";
}

TEST(StudioModel, PaintingUndoAndRedoGoThroughOneHistory) {
  Studio studio;
  studio.openDemo();
  auto& m = studio.model;
  const double before = geneTotal(m.state().workspace.condition().condition(), "Slc17a7");
  ASSERT_GT(before, 0);
  EXPECT_FALSE(m.canUndo());
  ASSERT_TRUE(m.selectAcronym("CTX"));
  ASSERT_TRUE(m.paintSelectedStructure("Slc17a7", KnockOut{}));
  EXPECT_TRUE(m.canUndo());
  EXPECT_NE(m.undoText().find("Slc17a7"), std::string::npos) << m.undoText();
  EXPECT_NE(m.undoText().find("CTX"), std::string::npos) << m.undoText();
  const double knocked = geneTotal(m.state().workspace.condition().condition(), "Slc17a7");
  EXPECT_LT(knocked, before);
  ASSERT_TRUE(m.undo());
  EXPECT_EQ(geneTotal(m.state().workspace.condition().condition(), "Slc17a7"), before);
  EXPECT_TRUE(m.canRedo());
  EXPECT_FALSE(m.canUndo());
  ASSERT_TRUE(m.redo());
  EXPECT_EQ(geneTotal(m.state().workspace.condition().condition(), "Slc17a7"), knocked);
  EXPECT_GE(studio.count(StudioChange::Undo), 3);
  // A structure the section does not meet paints nothing and says so, without a history step.
  ASSERT_TRUE(m.selectAcronym("MOB"));
  EXPECT_FALSE(m.paintSelectedStructure("Slc17a7", KnockOut{}));
  EXPECT_NE(m.lastError().find("does not meet the section"), std::string::npos) << m.lastError();
  EXPECT_EQ(m.historyTexts().size(), 1u);
  ASSERT_TRUE(m.selectAcronym("CTX"));
  // An edit of a gene the model does not know is refused and says so.
  EXPECT_FALSE(m.paintSelectedStructure("NoSuchGene", KnockOut{}));
  EXPECT_FALSE(m.lastError().empty());
}

TEST(StudioModel, OtherDataIsNotOpenedOverPaintedEditsWithoutConsent) {
  Studio studio;
  studio.openDemo();
  auto& m = studio.model;
  ASSERT_TRUE(m.selectAcronym("CTX"));
  ASSERT_TRUE(m.paintSelectedStructure("Slc17a7", KnockOut{}));
  ASSERT_TRUE(m.wouldDropEdits());
  EXPECT_FALSE(m.setModel(tinyModel(), tinyModelFile()));
  EXPECT_NE(m.lastError().find("1 painted edit"), std::string::npos) << m.lastError();
  EXPECT_TRUE(m.state().hasEdits()) << "nothing is wiped without a question";
  EXPECT_TRUE(m.setModel(tinyModel(), tinyModelFile(), /*dropEdits=*/true));
  EXPECT_EQ(m.state().messages.back().title, "Edits dropped");
  studio.idle();
  EXPECT_FALSE(m.state().hasEdits());
}

TEST(StudioModel, ADatasetWithoutStainsOpensForPaintingGenerationAndAttention) {
  const fs::path csv =
      test::sharedDataDirectory() / "merfish_mop_zhang2021/MERFISH_dataset1_slice1.csv";
  if (!fs::exists(csv)) GTEST_SKIP() << "no " << csv << " (set TERAMIND_DATA)";
  auto dataset = std::make_shared<const SpatialDataset>(loadSpatialDataset(csv));
  ASSERT_TRUE(dataset->stains.empty());
  // A tiny model on 6 of the data's genes and 2 it lacks.
  auto genes = mostExpressedGenes(*dataset, 6, {});
  genes.push_back("NotMeasured1");
  genes.push_back("NotMeasured2");
  auto model = std::make_shared<const MorphologyModel>(namedModelConfig("tiny"), genes, 5);
  Studio studio;
  auto& m = studio.model;
  m.setDataset(dataset, csv);
  m.setModel(model, {});
  studio.idle();
  ASSERT_TRUE(m.state().ready()) << m.lastError();
  EXPECT_EQ(m.state().genes.missing, (std::vector<std::string>{"NotMeasured1", "NotMeasured2"}));
  EXPECT_NE(m.state().genes.summary().find("missing (zero): NotMeasured1"), std::string::npos);
  EXPECT_NE(m.state().preparedNote.find("repeated"), std::string::npos) << "one plane, said so";
  EXPECT_EQ(m.state().workspace.grid().planes, 2);
  // Painting: a disk in the middle of the section.
  const BinGrid& g = m.state().workspace.grid();
  BrushStroke brush;
  brush.centres = {{g.originXUm + g.width * g.binUm / 2, g.originYUm + g.height * g.binUm / 2, 0}};
  brush.radiusUm = 50;
  ASSERT_TRUE(m.paint(ConditionEdit(genes[0], brush, SetValue{5}))) << m.lastError();
  // Attention and a one-step job over the whole section.
  ASSERT_TRUE(m.computeAttention()) << m.lastError();
  studio.idle();
  ASSERT_NE(m.state().attention, nullptr) << m.lastError();
  JobSettings job;
  job.region = RegionKind::WholeSection;
  job.steps = 2;
  job.output = scratch("no_stains") / "out.zarr";
  m.setJobSettings(job);
  ASSERT_TRUE(m.startJob()) << m.lastError();
  studio.idle(600s);
  EXPECT_EQ(m.state().jobStatus.state, JobState::Finished)
      << m.state().jobStatus.text() << m.lastError();
  EXPECT_FALSE(m.state().tiles.cores.empty());
}

TEST(StudioModel, AJobCountsTilesLiveAndAReRunWithOtherInputsGetsANewOutput) {
  Studio studio;
  studio.openDemo();
  auto& m = studio.model;
  std::vector<std::int64_t> finishedSeen;
  m.subscribe([&](StudioChange c) {
    if (c == StudioChange::Job) finishedSeen.push_back(m.state().jobStatus.progress.tilesFinished);
  });
  const fs::path out = scratch("rerun") / "job.zarr";
  JobSettings job;
  job.region = RegionKind::DemoBlock;
  job.steps = 2;
  job.output = out;
  m.setJobSettings(job);
  ASSERT_TRUE(m.startJob()) << m.lastError();
  studio.idle(300s);
  const auto& status = m.state().jobStatus;
  ASSERT_EQ(status.state, JobState::Finished) << status.text();
  EXPECT_EQ(status.progress.tilesTotal, 9);
  EXPECT_EQ(m.state().tiles.cores.size(), 9u);
  EXPECT_EQ(m.state().lastOutput, out);
  EXPECT_TRUE(m.state().job.output.empty()) << "the next run gets a new output";
  // Live counts: the dock saw tiles finish one by one, not 0 until the end.
  std::set<std::int64_t> distinct(finishedSeen.begin(), finishedSeen.end());
  EXPECT_GE(distinct.size(), 3u);
  EXPECT_NE(status.text().find("9/9 tiles"), std::string::npos) << status.text();

  // Painted, and pointed at the same output: it holds another job, so a new output is used.
  ASSERT_TRUE(m.selectAcronym("CTX"));
  ASSERT_TRUE(m.paintSelectedStructure("Slc17a7", KnockOut{}));
  m.setJobSettings(job);
  ASSERT_TRUE(m.startJob()) << m.lastError();
  const auto& notice = m.state().messages.back();
  EXPECT_EQ(notice.title, "New output");
  EXPECT_NE(notice.text.find("edits"), std::string::npos) << "says what differs: " << notice.text;
  EXPECT_EQ(m.state().jobStatus.output, out.parent_path() / "job-2.zarr");
  m.cancelJob();
  studio.idle(300s);
  EXPECT_EQ(m.state().jobStatus.state, JobState::Cancelled);
  EXPECT_EQ(m.state().job.output, out.parent_path() / "job-2.zarr") << "resumes there";
}

TEST(StudioModel, ASessionRestoresEverythingIncludingOutputAndAttention) {
  const fs::path dir = scratch("session");
  const fs::path session = dir / "s.json";
  std::map<std::array<int, 3>, std::vector<float>> tiles;
  std::vector<std::string> tracked;
  {
    Studio studio(dir / "jobs");
    studio.openDemo();
    auto& m = studio.model;
    ASSERT_TRUE(m.selectAcronym("SSp-ul5"));
    m.setPanel({"Slc17a7", tinyModel()->genes()[1]});
    m.setOverlayGene("Slc17a7");
    m.setCamera({{1, 2, 3}, {4, 5, 6}, {0, 0, 1}, 25});
    ASSERT_TRUE(m.paintSelectedStructure("Slc17a7", ScaleValue{2}));
    EXPECT_TRUE(m.hasUnsavedEdits());
    JobSettings job;
    job.region = RegionKind::DemoBlock;
    job.steps = 2;
    job.seed = 7;
    m.setJobSettings(job);
    ASSERT_TRUE(m.startJob()) << m.lastError();
    studio.idle(300s);
    ASSERT_EQ(m.state().jobStatus.state, JobState::Finished) << m.lastError();
    m.setPlane(1);  // the attention of the second plane
    ASSERT_TRUE(m.computeAttention());
    studio.idle();
    ASSERT_NE(m.state().attention, nullptr) << m.lastError();
    tiles = m.state().tiles.cores;
    tracked = m.state().attention->genes();
    ASSERT_TRUE(m.saveSession(session)) << m.lastError();
    EXPECT_FALSE(m.hasUnsavedEdits());
  }
  Studio studio(dir / "jobs");
  auto& m = studio.model;
  ASSERT_TRUE(m.loadSession(session)) << m.lastError();
  studio.idle();
  const auto& s = m.state();
  ASSERT_TRUE(s.ready()) << m.lastError();
  EXPECT_EQ(s.workspace.datasetPath(), fs::absolute(bundledDemoDataset()).lexically_normal());
  EXPECT_EQ(s.selection,
            std::optional<StructureId>(bundledAtlas()->ontology().findAcronym("SSp-ul5")->id));
  EXPECT_EQ(s.panel.size(), 2u);
  EXPECT_EQ(s.overlayGene, "Slc17a7");
  EXPECT_EQ(s.plane, 1);
  ASSERT_TRUE(s.camera.has_value());
  EXPECT_EQ(s.camera->viewAngle, 25);
  EXPECT_EQ(s.job.seed, 7u);
  EXPECT_EQ(s.job.region, RegionKind::DemoBlock);
  EXPECT_EQ(s.workspace.condition().edits().size(), 1u);
  EXPECT_TRUE(m.canUndo()) << "restored edits can be undone";
  EXPECT_FALSE(m.hasUnsavedEdits()) << "as opened";
  ASSERT_TRUE(m.undo());
  EXPECT_TRUE(m.hasUnsavedEdits() || !m.state().hasEdits());
  ASSERT_TRUE(m.redo());
  EXPECT_FALSE(m.hasUnsavedEdits()) << "back to what the session holds";
  EXPECT_EQ(s.tiles.cores.size(), tiles.size()) << "the generated output is shown again";
  // Where they were: the same tiles of the section (the store covers only the job's region),
  // with their values as the output keeps them (8 bits).
  for (const auto& [key, core] : tiles) {
    const auto restored = s.tiles.cores.find(key);
    ASSERT_NE(restored, s.tiles.cores.end())
        << "tile " << key[0] << "/" << key[1] << "/" << key[2] << " is not where it was";
    ASSERT_EQ(restored->second.size(), core.size());
    for (std::size_t i = 0; i < core.size(); i += 97)
      ASSERT_NEAR(restored->second[i], std::clamp(core[i], -1.0f, 1.0f), 1.0 / 127.5 + 1e-6);
  }
  ASSERT_NE(s.attention, nullptr) << "the attention is computed again";
  EXPECT_EQ(s.attentionPlane, 0) << "plane 1 is in the pair from plane 0";
}

TEST(StudioModel, VersionOneSessionsStillOpen) {
  const fs::path dir = scratch("session_v1");
  const fs::path file = dir / "v1.json";
  std::ofstream(file) << R"({"format": "teramind-studio-session", "version": 1,
    "dataset": "", "model": "", "structure": "CA1", "panel": [], "overlay_gene": "",
    "condition": "", "job": {"seed": 3, "steps": 5, "tile_patches": 4, "plane": 0,
    "region": 0, "output": ""}})";
  Studio studio;
  ASSERT_TRUE(studio.model.loadSession(file)) << studio.model.lastError();
  studio.idle();
  EXPECT_EQ(studio.model.state().job.region, RegionKind::Structure) << "ordinal 0 was 'structure'";
  EXPECT_EQ(studio.model.state().job.seed, 3u);
  EXPECT_EQ(studio.model.state().selection, std::optional<StructureId>(382));
}

// Numbers a session holds are checked before they are converted: 1e22 as the atlas resolution
// was undefined behaviour inside nlohmann (found by fuzz.run.studio_session), a float seed or a
// step count past int is a bad field naming the file; a whole float (100.0) is the number.
TEST(StudioModel, ASessionsNumbersAreWholeAndInRange) {
  const fs::path dir = scratch("session_numbers");
  const auto sessionWith = [&](const std::string& name, const std::string& resolution,
                               const std::string& seed, const std::string& steps) {
    const fs::path file = dir / name;
    std::ofstream(file)
        << R"({"format": "teramind-studio-session", "version": 2,
      "atlas_resolution_um": )"
        << resolution << R"(, "dataset": "", "model": "", "structure": "", "panel": [],
      "overlay_gene": "", "condition": "", "job": {"seed": )"
        << seed << R"(, "steps": )" << steps
        << R"(, "tile_patches": 4, "plane": 0, "region": "demo-block", "output": ""}})";
    return file;
  };
  const auto refused = [&](const fs::path& file, const std::string& field) {
    try {
      StudioSession::load(file);
      ADD_FAILURE() << file << " was accepted";
    } catch (const FileError& e) {
      EXPECT_EQ(e.file(), file);
      EXPECT_NE(std::string(e.what()).find("'" + field + "'"), std::string::npos) << e.what();
    }
  };
  const auto fine = StudioSession::load(sessionWith("fine.json", "100.0", "7", "15"));
  EXPECT_EQ(fine.atlasResolutionUm, 100);
  EXPECT_EQ(fine.job.seed, 7u);
  refused(sessionWith("huge.json", "18446744073709551615100", "7", "15"), "atlas_resolution_um");
  refused(sessionWith("half.json", "2.5", "7", "15"), "atlas_resolution_um");
  refused(sessionWith("negative_seed.json", "100", "-1", "15"), "seed");
  refused(sessionWith("float_seed.json", "100", "1e30", "15"), "seed");
  refused(sessionWith("steps.json", "100", "7", "4294967296"), "steps");
  EXPECT_EQ(StudioSession::load(sessionWith("big_seed.json", "100", "18446744073709551615", "15"))
                .job.seed,
            18446744073709551615u);
}

// The job's sampler travels as the other job fields do: a session keeps it, a session without
// it is the default "blend", and a name samplerFromName does not know is refused naming the file.
TEST(StudioModel, ASessionKeepsTheJobsSampler) {
  const fs::path dir = scratch("session_sampler");
  const auto sessionWith = [&](const std::string& name, const std::string& samplerField) {
    const fs::path file = dir / name;
    std::ofstream(file) << R"({"format": "teramind-studio-session", "version": 2,
      "dataset": "", "model": "", "structure": "", "panel": [], "overlay_gene": "",
      "condition": "", "job": {"seed": 3, "steps": 5, "tile_patches": 4, "plane": 0,
      "region": "demo-block", )"
                        << samplerField << R"( "output": ""}})";
    return file;
  };
  Studio studio;
  auto& m = studio.model;
  ASSERT_TRUE(m.loadSession(sessionWith("halo.json", R"("sampler": "halo",)"))) << m.lastError();
  studio.idle();
  EXPECT_EQ(m.state().job.sampler, "halo");
  EXPECT_EQ(m.state().job.seed, 3u);

  // Saved again by the model, read back by the session file and by another model.
  ASSERT_TRUE(m.saveSession(dir / "saved.json")) << m.lastError();
  std::ifstream in(dir / "saved.json");
  EXPECT_EQ(nlohmann::json::parse(in).at("job").at("sampler"), "halo");
  EXPECT_EQ(StudioSession::load(dir / "saved.json").job.sampler, "halo");
  Studio other;
  ASSERT_TRUE(other.model.loadSession(dir / "saved.json")) << other.model.lastError();
  other.idle();
  EXPECT_EQ(other.model.state().job.sampler, "halo");

  // Without the field: the default, whatever the model held before.
  ASSERT_TRUE(m.loadSession(sessionWith("none.json", ""))) << m.lastError();
  studio.idle();
  EXPECT_EQ(m.state().job.sampler, "blend");
  EXPECT_EQ(StudioSession::load(dir / "none.json").job.sampler, "blend");

  // An unknown name: refused, naming the file and the name; the job settings are kept.
  ASSERT_TRUE(m.loadSession(dir / "saved.json")) << m.lastError();
  studio.idle();
  const fs::path bogus = sessionWith("bogus.json", R"("sampler": "bogus",)");
  EXPECT_FALSE(m.loadSession(bogus));
  EXPECT_NE(m.lastError().find(bogus.string()), std::string::npos) << m.lastError();
  EXPECT_NE(m.lastError().find("'bogus'"), std::string::npos) << m.lastError();
  EXPECT_EQ(m.state().job.sampler, "halo");
  try {
    StudioSession::load(bogus);
    ADD_FAILURE() << "a session with sampler 'bogus' was accepted";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), bogus);
    EXPECT_NE(std::string(e.what()).find("unknown sampler 'bogus'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(m.loadSession(sessionWith("number.json", R"("sampler": 2,)")))
      << "a sampler that is not a string is a bad field";
}

// The studio runs what `teramind generate --sampler NAME` runs: the job settings carry the
// sampler's decoders and halos; an unknown name is refused where it is set.
TEST(StudioModel, TheJobsSamplerChoosesDecodersAndHalosAsTheCliDoes) {
  Studio studio;
  auto& m = studio.model;
  EXPECT_EQ(m.state().job.sampler, "blend") << "the default, as the CLI's";
  EXPECT_EQ(m.jobGenerationSettings().sampling.decoders, PatchDecoders::Blend);
  EXPECT_FALSE(m.jobGenerationSettings().naive);

  JobSettings job;
  job.seed = 11;
  job.steps = 3;
  job.tilePatches = 2;
  job.sampler = "naive";
  ASSERT_TRUE(m.setJobSettings(job)) << m.lastError();
  auto settings = m.jobGenerationSettings();
  EXPECT_TRUE(settings.naive);
  EXPECT_EQ(settings.sampling.decoders, PatchDecoders::Collage);
  EXPECT_EQ(settings.sampling.seed, 11u);
  EXPECT_EQ(settings.sampling.steps, 3);
  EXPECT_EQ(settings.tilePatches, 2);

  job.sampler = "halo";
  ASSERT_TRUE(m.setJobSettings(job)) << m.lastError();
  settings = m.jobGenerationSettings();
  EXPECT_FALSE(settings.naive);
  EXPECT_EQ(settings.sampling.decoders, PatchDecoders::Collage);

  for (const std::string& name : samplerNames()) {
    job.sampler = name;
    ASSERT_TRUE(m.setJobSettings(job)) << name << ": " << m.lastError();
    const auto cli = samplerFromName(name);
    EXPECT_EQ(m.jobGenerationSettings().sampling.decoders, cli.decoders) << name;
    EXPECT_EQ(m.jobGenerationSettings().naive, cli.naive) << name;
  }

  job.sampler = "bogus";
  EXPECT_FALSE(m.setJobSettings(job));
  EXPECT_NE(m.lastError().find("unknown sampler 'bogus'"), std::string::npos) << m.lastError();
  EXPECT_EQ(m.state().job.sampler, samplerNames().back()) << "the settings are kept";
}

// A condition document the studio saves is one the CLI's replay accepts: same source schema,
// binned again the same way, edits replayed bit for bit.
TEST(StudioModel, ItsConditionDocumentsReplayThroughTheSharedSource) {
  const fs::path dir = scratch("replay");
  Studio studio;
  studio.openDemo();
  auto& m = studio.model;
  ASSERT_TRUE(m.selectAcronym("SSp-ul5"));
  ASSERT_TRUE(m.paintSelectedStructure("Slc17a7", AddValue{3}));
  ASSERT_TRUE(m.saveSession(dir / "s.json"));
  const fs::path doc = dir / "s.condition.json";
  ASSERT_TRUE(fs::exists(doc));
  const auto document = ConditionDocument::load(doc);
  const auto source = ConditionSource::fromJson(doc, document.sourceJson());
  EXPECT_EQ(source.model, fs::absolute(tinyModelFile()).lexically_normal());
  const auto binned = binConditionSource(source);
  const auto atlas = Atlas::load(source.atlas, source.atlasResolutionUm);
  EXPECT_TRUE(
      document.replay(binned.condition, PaintContext{&atlas, binned.placement.sectionToAtlas}) ==
      document.condition());
}

// The attention CSV holds what the matrix shows: the region chosen and, with "panel only", the
// panel's genes, in clustered order.
TEST(StudioModel, TheAttentionExportHoldsTheShownMatrix) {
  const fs::path dir = scratch("attention_export");
  Studio studio;
  studio.openDemo();
  auto& m = studio.model;
  m.setPanel({"Slc17a7", tinyModel()->genes()[1]});
  ASSERT_TRUE(m.computeAttention());
  studio.idle();
  ASSERT_NE(m.state().attention, nullptr) << m.lastError();
  EXPECT_EQ(m.attentionOrder().size(), 8u);
  m.setAttentionPanelOnly(true);
  EXPECT_EQ(m.attentionOrder().size(), 2u);
  ASSERT_TRUE(m.exportAttentionCsv(dir / "panel.csv")) << m.lastError();
  std::ifstream in(dir / "panel.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(std::count(header.begin(), header.end(), ','), 2) << header;
  m.setAttentionRegion("no such region");
  EXPECT_FALSE(m.exportAttentionCsv(dir / "none.csv")) << "an unknown region is an error";
}

// A whole-section job writes far more tiles than the 3D view can hold: the view keeps what fits
// its budget and counts the rest.
TEST(StudioModel, GeneratedTilesKeepWhatFitsTheirBudget) {
  GeneratedTiles tiles;
  tiles.budget = 3 * 1000 * sizeof(float);
  for (int i = 0; i < 5; ++i) tiles.keep({0, 0, i}, std::vector<float>(1000, float(i)));
  EXPECT_EQ(tiles.cores.size(), 3u);
  EXPECT_EQ(tiles.notShown, 2);
  EXPECT_EQ(tiles.bytes, tiles.budget);
  EXPECT_TRUE(tiles.keep({0, 0, 1}, std::vector<float>(1000, 9.0f))) << "a shown tile is replaced";
  EXPECT_EQ(tiles.cores.at({0, 0, 1}).front(), 9.0f);
  EXPECT_EQ(tiles.bytes, tiles.budget);
}

TEST(StudioModel, TellsSessionsDocumentsModelsAndDatasetsApart) {
  const fs::path dir = scratch("kinds");
  Studio studio;
  studio.openDemo();
  ASSERT_TRUE(studio.model.saveSession(dir / "s.json"));
  ASSERT_TRUE(studio.model.selectAcronym("SSp-ul5"));
  ASSERT_TRUE(studio.model.paintSelectedStructure("Slc17a7", KnockOut{}));
  ASSERT_TRUE(studio.model.saveSession(dir / "t.json"));
  EXPECT_EQ(studioFileKind(dir / "s.json"), StudioFileKind::Session);
  EXPECT_EQ(studioFileKind(dir / "t.condition.json"), StudioFileKind::ConditionDocument);
  EXPECT_EQ(studioFileKind(tinyModelFile()), StudioFileKind::Model);
  EXPECT_EQ(studioFileKind(bundledDemoDataset()), StudioFileKind::Dataset);
  std::ofstream(dir / "broken.json") << "{ not json";
  EXPECT_EQ(studioFileKind(dir / "broken.json"), StudioFileKind::Dataset)
      << "the dataset loader names the problem";
}

// The reverse of the CLI's interop tests: a document `teramind paint` makes and a job
// `teramind generate --edits` started from it are opened and resumed by the studio.
TEST(StudioModel, OpensACliDocumentAndResumesTheCliJob) {
  const fs::path dir = scratch("from_cli");
  const auto atlas = bundledAtlas();
  const auto model = tinyModel();
  // As `teramind paint DATA --doc doc.json --gene Slc17a7 --region CA1 --knockout` does.
  ConditionSource source;
  source.data = fs::absolute(bundledDemoDataset());
  source.atlas = bundledAtlasDirectory();
  auto binned = binConditionSource(source);
  ConditionDocument document(std::move(binned.condition),
                             PaintContext{atlas.get(), binned.placement.sectionToAtlas},
                             source.toJson());
  const ConditionEdit edit(
      "Slc17a7", AtlasRegionSelection{atlas->ontology().findAcronym("CA1")->id, {}}, KnockOut{});
  document.apply(edit);
  document.save(dir / "doc.json");
  // As `teramind generate --demo --edits doc.json --steps 2 --out job.zarr`, stopped after
  // two tiles.
  const auto section = preparePairedSection(
      *demoDataset(), model->config(), model->genes(),
      [&](BinnedCondition& c) {
        EditCommand::apply(edit, c,
                           PaintContext{atlas.get(), demoDataset()->placement().sectionToAtlas});
      },
      StainImages::Skip);
  RegionRequest request;
  request.kind = RegionKind::DemoBlock;
  auto region = resolveGenerationRegion(
      regionChoiceFor(request, atlas.get()), section.grid, model->config().outputSections,
      PaintContext{atlas.get(), demoDataset()->placement().sectionToAtlas});
  auto settings = defaultGenerationSettings();
  settings.sampling.steps = 2;
  const fs::path out = dir / "job.zarr";
  {
    RegionGeneration cli(*model, section, region, settings, out,
                         generationJobDescription(tinyModelFile(), bundledDemoDataset(), {edit}));
    JobControl control;
    int tiles = 0;
    RegionGenerationEvents events;
    events.tileFinished = [&](int, TileIndex, const std::vector<float>&) {
      if (++tiles == 2) control.cancel();
    };
    ASSERT_EQ(cli.run(control, events), GenerationJob::Outcome::Cancelled);
  }
  Studio studio;
  auto& m = studio.model;
  m.setModel(model, tinyModelFile());
  ASSERT_TRUE(m.openConditionDocument(dir / "doc.json")) << m.lastError();
  studio.idle();
  ASSERT_TRUE(m.state().ready()) << m.lastError();
  ASSERT_EQ(m.state().workspace.condition().edits().size(), 1u);
  EXPECT_NE(m.historyTexts().at(0).find("knock out Slc17a7 in CA1"), std::string::npos)
      << "replayed as an undoable edit: " << m.historyTexts().at(0);
  JobSettings job;
  job.region = RegionKind::DemoBlock;
  job.steps = 2;
  job.output = out;
  m.setJobSettings(job);
  ASSERT_TRUE(m.startJob()) << m.lastError();
  EXPECT_EQ(m.state().messages.back().title, "Resuming") << m.state().messages.back().text;
  studio.idle(300s);
  EXPECT_EQ(m.state().jobStatus.state, JobState::Finished) << m.lastError();
  EXPECT_EQ(m.state().jobStatus.output, out) << "the CLI's output, not a new one";

  // Started by the CLI and finished by the studio, the output is byte for byte what one
  // uninterrupted CLI run writes.
  const fs::path whole = dir / "whole.zarr";
  {
    RegionGeneration cli(*model, section, region, settings, whole,
                         generationJobDescription(tinyModelFile(), bundledDemoDataset(), {edit}));
    JobControl control;
    ASSERT_EQ(cli.run(control), GenerationJob::Outcome::Finished);
  }
  const auto a = OmeZarrStore::open(out), b = OmeZarrStore::open(whole);
  const auto& L = a.layout();
  int chunks = 0;
  for (int level = 0; level < L.levels; ++level)
    for (int c = 0; c < int(L.channels.size()); ++c)
      for (int z = 0; z < L.planes; ++z)
        for (std::int64_t r = 0; r < L.chunkRows(level); ++r)
          for (std::int64_t q = 0; q < L.chunkCols(level); ++q) {
            ASSERT_EQ(a.hasChunk(level, c, z, r, q), b.hasChunk(level, c, z, r, q));
            if (!a.hasChunk(level, c, z, r, q)) continue;
            ASSERT_EQ(a.readChunk(level, c, z, r, q), b.readChunk(level, c, z, r, q))
                << "level " << level << " chunk " << c << "/" << z << "/" << r << "/" << q;
            ++chunks;
          }
  EXPECT_GT(chunks, 9);
}

// The landmark tool's Save opens the dataset again placed by what it saved: --landmarks it was
// opened with would override that, so the reopen goes without them.
TEST(StudioModel, ReopeningASavedPlacementDropsTheLandmarksOption) {
  const fs::path dir = scratch("reopen_saved_placement");
  fs::copy(bundledDemoDataset().parent_path(), dir / "demo", fs::copy_options::recursive);
  const fs::path manifest = dir / "demo" / "dataset.json";
  const auto pairs = [](double ap) {
    return std::vector<Landmark>{{"a", 0, 0, {ap, 1000, 7000}},
                                 {"b", 100, 0, {ap, 1000, 7100}},
                                 {"c", 0, 100, {ap, 1100, 7000}}};
  };
  writeLandmarks(dir / "opened_with.csv", pairs(5000), fitLandmarks(pairs(5000)));
  DatasetReadOptions read;
  read.landmarks = dir / "opened_with.csv";
  Studio studio;
  studio.model.openDataset(manifest, false, read);
  studio.idle();
  ASSERT_NE(studio.model.state().workspace.dataset(), nullptr) << studio.model.lastError();
  const LandmarkFit saved = fitLandmarks(pairs(5500));
  savePlacement(*studio.model.state().workspace.dataset(), pairs(5500), saved);

  ASSERT_TRUE(studio.model.reopenSavedPlacement());
  studio.idle();
  const auto& ws = studio.model.state().workspace;
  EXPECT_FALSE(ws.readOptions().landmarks);
  EXPECT_TRUE(
      ws.dataset()->placement().sectionToAtlas.approximatelyEquals(saved.sectionToAtlas, 1e-6))
      << "the --landmarks it was opened with overrode the placement just saved";
}

}  // namespace
}  // namespace teramind
