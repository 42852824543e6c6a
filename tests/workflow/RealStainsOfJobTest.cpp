// The real stains behind a generated output: read from its job's dataset on the output's own
// pixel grid, plane for plane, and refused with the file named when they cannot be.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "analysis/SeamMetric.h"
#include "common/FileError.h"
#include "io/OmeZarrStore.h"
#include "io/SpatialDataset.h"
#include "io/StainImageSource.h"
#include "workflow/GeneratedFidelity.h"
#include "workflow/RealStainsOfJob.h"

namespace teramind {
namespace {

constexpr int kChunk = 32;

std::filesystem::path freshDir(const std::string& name) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "real_stains_of_job" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir.parent_path());
  return dir;
}

void writeText(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

// A 3 × 2-chunk store of two planes placed at (x0, y0) µm with `pixelUm`, and its job file.
OmeZarrStore makeOutput(const std::filesystem::path& dir, double x0, double y0, double pixelUm,
                        const nlohmann::json& job) {
  OmeZarrLayout L;
  L.channels = {"DAPI", "PolyT"};
  L.planes = 2;
  L.height = 2 * kChunk;
  L.width = 3 * kChunk;
  L.chunk = kChunk;
  L.shard = 4 * kChunk;
  L.pixelUm = pixelUm;
  L.originXUm = x0;
  L.originYUm = y0;
  std::filesystem::create_directories(dir);
  if (!job.is_null()) writeText(dir / "teramind-job.json", job.dump());
  OmeZarrStore::create(dir, L);
  return OmeZarrStore::open(dir);
}

nlohmann::json demoJob(std::vector<int> planes = {0}) {
  return {{"data", std::filesystem::absolute(bundledDemoDataset()).string()},
          {"planes", planes},
          {"region", "a test block"},
          {"edits", ""}};
}

const StainImage& stainOf(const SpatialDataset& d, const std::string& name, int plane) {
  for (const auto& s : d.stains)
    if (s.stain == name && s.plane == plane) return s;
  throw std::runtime_error("no stain " + name);
}

TEST(RealStainsOfJob, ReadsTheStainAtTheOutputsPixelsAndPlanes) {
  // At the stain image's own pixel size, on its pixel lattice, a box average is the pixel
  // itself: the tiles must equal the mosaic's raw 8-bit window, read by another path.
  const auto dataset = loadSpatialDataset(bundledDemoDataset());
  const StainImageSource polyT1(stainOf(dataset, "PolyT", 1).file, dataset.micronToPixelTransform);
  const double um = polyT1.pixelUm();
  const auto& e = polyT1.extent();
  const std::int64_t px0 = 2200, py0 = 2000;  // mosaic pixels, in the tissue
  const auto store = makeOutput(freshDir("lattice"), e.xMin + double(px0) * um,
                                e.yMin + double(py0) * um, um, demoJob());
  const RealStainsOfJob real(store);
  EXPECT_EQ(real.sectionPlane(0), 0);
  EXPECT_EQ(real.sectionPlane(1), 1);
  EXPECT_EQ(real.imageFile(1, 1), stainOf(dataset, "PolyT", 1).file);
  EXPECT_EQ(real.imageFile(0, 0), stainOf(dataset, "DAPI", 0).file);

  // Chunk (row 1, col 2) of PolyT plane 1: mosaic pixels from (px0 + 64, py0 + 32).
  const auto tile = real.readTile(1, 1, 1, 2);
  const auto raw = polyT1.readWindow(px0 + 2 * kChunk, py0 + kChunk, kChunk, kChunk);
  ASSERT_EQ(tile.size(), raw.size());
  int differing = 0;
  for (std::size_t i = 0; i < raw.size(); ++i)
    differing += std::abs(int(tile[i]) - int(raw[i])) > 1;
  EXPECT_EQ(differing, 0);
  // Not a constant: the comparison can fail.
  EXPECT_NE(*std::min_element(raw.begin(), raw.end()), *std::max_element(raw.begin(), raw.end()));
  // Plane 0 is another image.
  EXPECT_NE(real.readTile(1, 0, 1, 2), tile);
}

TEST(RealStainsOfJob, TheCoveredBoxStopsAtTheStainsEdge) {
  // An output starting 40 px left of and 10 px above the mosaic: the stains start there.
  const auto dataset = loadSpatialDataset(bundledDemoDataset());
  const StainImageSource dapi(stainOf(dataset, "DAPI", 0).file, dataset.micronToPixelTransform);
  const double um = dapi.pixelUm();
  const auto& e = dapi.extent();
  const auto inside =
      makeOutput(freshDir("covered_inside"), e.xMin + 100 * um, e.yMin + 100 * um, um, demoJob());
  // Not clipped to the output: the tissue around it counts (shifted grids read it).
  const auto all = RealStainsOfJob(inside).coveredBox();
  EXPECT_EQ(all.x0, -100);
  EXPECT_EQ(all.y0, -100);
  EXPECT_EQ(all.x1, dapi.width() - 100);
  EXPECT_EQ(all.y1, dapi.height() - 100);
  const auto past =
      makeOutput(freshDir("covered_past"), e.xMin - 40 * um, e.yMin - 10 * um, um, demoJob());
  const auto cut = RealStainsOfJob(past).coveredBox();
  EXPECT_EQ(cut.x0, 40);
  EXPECT_EQ(cut.y0, 10);
  EXPECT_EQ(cut.x1, dapi.width() + 40);
  const auto outside =
      makeOutput(freshDir("covered_none"), e.xMax + 10 * um, e.yMin, um, demoJob());
  EXPECT_LE(RealStainsOfJob(outside).coveredBox().x1, 0) << "the stains end before it starts";
}

TEST(RealStainsOfJob, APlanePairStartingLaterReadsItsOwnPlanes) {
  // Store planes 0, 1 of a job whose only pair starts at plane 1 are section planes 1, 2: the
  // demo has no plane 2, so it is refused naming the stain and plane.
  const auto store = makeOutput(freshDir("later_pair"), 6450, 4750, 1.0, demoJob({1}));
  try {
    RealStainsOfJob real(store);
    FAIL() << "plane 2 of a two-plane dataset was found";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("no DAPI image for plane 2 (output plane 1)"),
              std::string::npos)
        << e.what();
  }
}

TEST(RealStainsOfJob, NoJobFileIsAnErrorNamingIt) {
  const auto dir = freshDir("no_job");
  const auto store = makeOutput(dir, 6450, 4750, 1.0, nullptr);
  try {
    RealStainsOfJob real(store);
    FAIL();
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), dir / "teramind-job.json");
    EXPECT_NE(e.problem().find("not a generation job's output"), std::string::npos);
  }
}

TEST(RealStainsOfJob, AGoneDatasetIsAnErrorNamingIt) {
  auto job = demoJob();
  const auto gone = freshDir("gone_data") / "dataset.json";
  job["data"] = gone.string();
  const auto store = makeOutput(freshDir("gone"), 6450, 4750, 1.0, job);
  try {
    RealStainsOfJob real(store);
    FAIL();
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), gone);
    EXPECT_NE(e.problem().find("is gone"), std::string::npos) << e.what();
  }
}

TEST(RealStainsOfJob, ADatasetWithoutStainsIsAnErrorNamingIt) {
  // The demo's dataset without its images section: transcripts only.
  const auto dir = freshDir("no_stains_data");
  std::filesystem::create_directories(dir);
  const auto demo = std::filesystem::absolute(bundledDemoDataset());
  std::ifstream in(demo);
  auto description = nlohmann::json::parse(in);
  description.erase("images");
  description.erase("cell_boundaries");
  description["transcripts"] = (demo.parent_path() / "vizgen_transcripts.gz").string();
  writeText(dir / "dataset.json", description.dump());
  auto job = demoJob();
  job["data"] = (dir / "dataset.json").string();
  const auto store = makeOutput(freshDir("no_stains"), 6450, 4750, 1.0, job);
  try {
    RealStainsOfJob real(store);
    FAIL();
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), dir / "dataset.json");
    EXPECT_NE(e.problem().find("has no stain images"), std::string::npos) << e.what();
  }
}

TEST(RealStainsOfJob, AJobFileWithoutDataIsAnErrorNamingIt) {
  auto job = demoJob();
  job.erase("data");
  const auto dir = freshDir("no_data_named");
  const auto store = makeOutput(dir, 6450, 4750, 1.0, job);
  try {
    RealStainsOfJob real(store);
    FAIL();
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), dir / "teramind-job.json");
    EXPECT_NE(e.problem().find("names no dataset"), std::string::npos);
  }
}

TEST(RealStainsOfJob, RealSeamsWalkTheChunksTheOutputHolds) {
  // Only the written chunks are cut from the real stains: (0,0) and (0,1) of DAPI plane 0
  // touch once; the reference then equals SeamMeter fed the same two real tiles by hand.
  const auto store = makeOutput(freshDir("seams"), 6450, 4750, 0.8684, demoJob());
  const std::vector<std::uint8_t> zeros(kChunk * kChunk, 0);
  store.writeChunk(0, 0, 0, 0, 0, zeros);
  store.writeChunk(0, 0, 0, 0, 1, zeros);
  store.buildPyramid();
  const RealStainsOfJob real(store);
  const auto seams = measureRealStainSeams(store, real);
  const auto a = real.readTile(0, 0, 0, 0), b = real.readTile(0, 0, 0, 1);
  SeamMeter byHand(kChunk);
  byHand.addTile({a.begin(), a.end()});
  byHand.addTile({b.begin(), b.end()});
  byHand.addHorizontalBorder({a.begin(), a.end()}, {b.begin(), b.end()});
  ASSERT_EQ(seams.channels.size(), 2u);
  EXPECT_EQ(seams.channels[0].borderPairs, kChunk);
  EXPECT_GT(byHand.ratio(), 0);
  EXPECT_DOUBLE_EQ(seams.channels[0].ratio, byHand.ratio());
  EXPECT_EQ(seams.channels[1].borderPairs, 0);
}

}  // namespace
}  // namespace teramind
