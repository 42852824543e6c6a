#include "workflow/GenerationRequest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/FileError.h"
#include "workflow/JobFingerprint.h"
#include "workflow/RegionGeneration.h"
#include "workflow/WorkspaceFixture.h"

namespace teramind {
namespace {

std::filesystem::path testDir(const char* name) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(GenerationRequest, RegionKindNamesRoundTrip) {
  for (auto kind : {RegionKind::WholeSection, RegionKind::DemoBlock, RegionKind::Box,
                    RegionKind::Structure, RegionKind::Polygon})
    EXPECT_EQ(regionKindFromName(regionKindName(kind)), kind);
  EXPECT_STREQ(regionKindName(RegionKind::DemoBlock), "demo-block");
  EXPECT_STREQ(regionKindName(RegionKind::WholeSection), "whole-section");
  EXPECT_FALSE(regionKindFromName("Demo block"));
  EXPECT_FALSE(regionKindFromName(""));
}

TEST(GenerationRequest, KindsResolveToTheirDescriptions) {
  auto workspace = test::preparedWorkspace(testDir("request_kinds") / "tiny.safetensors");
  const auto& grid = workspace->grid();
  const int sections = workspace->model()->config().outputSections;
  const auto resolve = [&](const RegionRequest& r) {
    return resolveGenerationRegion(regionChoiceFor(r, &workspace->atlas()), grid, sections,
                                   workspace->paintContext());
  };
  RegionRequest r;
  auto region = resolve(r);
  EXPECT_EQ(region.description, "the whole section");
  EXPECT_EQ(region.box, (std::array<int, 4>{0, 0, grid.width, grid.height}));

  r.kind = RegionKind::DemoBlock;
  region = resolve(r);
  EXPECT_EQ(region.description, "the demo's 3 x 3 tiles");
  EXPECT_EQ(region.box, kDemoBlock);

  r.kind = RegionKind::Box;
  r.box = {1, 2, 3, 4};
  EXPECT_EQ(resolve(r).description, "bins x [1, 4) y [2, 6)");
  r.box = {1, 2, 0, 4};
  EXPECT_THROW(regionChoiceFor(r, nullptr), std::invalid_argument);
  // Past the section's edge is allowed (those tiles are skipped); wholly outside is not.
  r.box = {grid.width - 2, 0, 8, 8};
  EXPECT_EQ(resolve(r).box[0], grid.width - 2);
  for (const std::array<int, 4> outside :
       {std::array<int, 4>{grid.width, 0, 8, 8}, std::array<int, 4>{0, grid.height + 5, 8, 8},
        std::array<int, 4>{-8, 0, 8, 8}}) {
    r.box = outside;
    try {
      resolve(r);
      ADD_FAILURE() << "a box outside the section was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("lies outside the section's"), std::string::npos)
          << e.what();
    }
  }

  r.kind = RegionKind::Structure;
  r.structure = "ssp-ul5";  // any case
  region = resolve(r);
  EXPECT_EQ(region.description,
            "SSp-ul5 (Primary somatosensory area upper limb layer 5) as placed on the section");
  EXPECT_FALSE(region.selected.empty());
  try {
    r.structure = "NOPE";
    regionChoiceFor(r, &workspace->atlas());
    ADD_FAILURE() << "an unknown acronym was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown acronym 'NOPE'");
  }
  r.structure = "CA1";
  try {
    regionChoiceFor(r, nullptr);
    ADD_FAILURE() << "a structure without an atlas was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "structure 'CA1' needs an atlas to place it on the section");
  }

  r.kind = RegionKind::Polygon;
  EXPECT_THROW(regionChoiceFor(r, nullptr), std::invalid_argument);
  r.polygon = PolygonSelection::fromText("6500,4800 6700,4800 6600,5000");
  EXPECT_EQ(resolve(r).description, "a polygon of 3 vertices");
}

TEST(GenerationRequest, DefaultSettingsAreOneForBothFrontEnds) {
  const auto s = defaultGenerationSettings();
  EXPECT_EQ(s.checkpointSeconds, 30);
  EXPECT_EQ(s.checkpointSeconds, kCheckpointSeconds);
  EXPECT_GE(s.workers, 1);
  EXPECT_EQ(s.batch, 0);
  EXPECT_EQ(s.format, OmeZarrFormat::V3Sharded);
}

TEST(GenerationRequest, NextFreeOutputCountsUp) {
  const auto dir = testDir("next_free_output");
  EXPECT_EQ(nextFreeOutput(dir / "job.zarr"), dir / "job.zarr");
  std::filesystem::create_directories(dir / "job.zarr");
  EXPECT_EQ(nextFreeOutput(dir / "job.zarr"), dir / "job.zarr");  // empty: free
  std::ofstream(dir / "job.zarr" / "zarr.json") << "{}";
  EXPECT_EQ(nextFreeOutput(dir / "job.zarr"), dir / "job-2.zarr");
  std::filesystem::create_directories(dir / "job-2.zarr" / "0");
  EXPECT_EQ(nextFreeOutput(dir / "job.zarr"), dir / "job-3.zarr");
  EXPECT_EQ(nextFreeOutput(dir / "job.zarr/"), dir / "job-3.zarr");
}

// The Re-running bug: what an output is to a job is known before anything is written, and
// a refusal says in words what differs.
TEST(GenerationRequest, InspectOutputTellsNewResumeAndOtherJobInWords) {
  const auto dir = testDir("inspect_output");
  auto workspace = test::preparedWorkspace(dir / "tiny.safetensors");
  const auto& model = *workspace->model();
  const auto section = workspace->paintedSection();
  RegionRequest request;
  request.kind = RegionKind::DemoBlock;
  const auto region =
      resolveGenerationRegion(regionChoiceFor(request, nullptr), section->grid,
                              model.config().outputSections, workspace->paintContext());
  auto settings = defaultGenerationSettings();
  settings.tilePatches = 2;
  settings.sampling.steps = 2;
  const auto out = dir / "job.zarr";
  const auto description = workspace->jobDescription();
  using Use = RegionGeneration::OutputUse;
  std::string why;
  EXPECT_EQ(RegionGeneration::inspectOutput(model, region, settings, out, description), Use::New);
  { RegionGeneration created(model, *section, region, settings, out, description); }
  EXPECT_EQ(RegionGeneration::inspectOutput(model, region, settings, out, description, &why),
            Use::Resume);

  auto other = settings;
  other.sampling.seed = 3;
  EXPECT_EQ(RegionGeneration::inspectOutput(model, region, other, out, description, &why),
            Use::OtherJob);
  EXPECT_EQ(why, "seed 0 vs 3");
  // An output of the collage decoder alone (every output before the blend sampler) says how
  // to resume it.
  auto halo = settings;
  halo.sampling.decoders = PatchDecoders::Collage;
  EXPECT_EQ(RegionGeneration::inspectOutput(model, region, halo, out, description, &why),
            Use::OtherJob);
  EXPECT_EQ(why, "sampler blend vs halo");
  {
    const auto haloOut = dir / "halo.zarr";
    { RegionGeneration created(model, *section, region, halo, haloOut, description); }
    EXPECT_EQ(RegionGeneration::inspectOutput(model, region, settings, haloOut, description, &why),
              Use::OtherJob);
    EXPECT_EQ(why,
              "sampler halo vs blend (the halo sampler made it, as every output before blend "
              "did: add --sampler halo to resume it)");
  }
  workspace->condition().apply(test::knockOutInStructure(workspace->atlas(), model.genes()[0]));
  EXPECT_EQ(
      RegionGeneration::inspectOutput(model, region, other, out, workspace->jobDescription(), &why),
      Use::OtherJob);
  EXPECT_EQ(why, "it has no edits, this job has; seed 0 vs 3");
  try {
    RegionGeneration refused(model, *section, region, other, out, workspace->jobDescription());
    ADD_FAILURE() << "another job's output was reused";
  } catch (const FileError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("belongs to another job"), std::string::npos) << message;
    EXPECT_NE(message.find("it has no edits, this job has; seed 0 vs 3"), std::string::npos)
        << message;
    EXPECT_EQ(message.find('{'), std::string::npos) << "raw JSON: " << message;
  }
  EXPECT_EQ(nextFreeOutput(out), dir / "job-2.zarr");

  std::filesystem::create_directories(dir / "foreign");
  std::ofstream(dir / "foreign" / "notes.txt") << "mine";
  EXPECT_EQ(
      RegionGeneration::inspectOutput(model, region, settings, dir / "foreign", description, &why),
      Use::OtherJob);
  EXPECT_EQ(why, "it exists and is not a generation job's output");
}

}  // namespace
}  // namespace teramind
