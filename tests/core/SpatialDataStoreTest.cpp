// SpatialData Zarr stores, built in each test the way spatialdata writes them: group attributes
// and OME-Zarr images by python3-zarr (tests/tools/write_spatialdata_zarr.py), points and
// shapes Parquet by hyparquet-writer under node (tests/tools/write-spatialdata-parquet.mjs), both
// independent of our readers. Skipped, saying why, without python3-zarr or node and the
// packages of tests/tools/install-node-packages.sh.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "io/OmeZarrStore.h"
#include "io/SpatialDataStore.h"
#include "io/SpatialDataset.h"
#include "workflow/RealStainsOfJob.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kTools = TERAMIND_TEST_TOOLS_DIR;

bool run(const std::string& command) {
  return std::system(command.c_str()) == 0;
}

std::string whatIsMissing() {
  static const std::string missing = [] {
    if (!run("/usr/bin/python3 -c 'import zarr, numpy' >/dev/null 2>&1"))
      return std::string("python3-zarr (Debian's python3-zarr) is not installed");
    if (!run("command -v node >/dev/null 2>&1")) return std::string("node is not installed");
    if (!fs::exists(kTools / "node_modules" / "hyparquet-writer"))
      return std::string("hyparquet-writer is missing: run tests/tools/install-node-packages.sh");
    return std::string();
  }();
  return missing;
}

#define SKIP_WITHOUT_WRITERS()                                \
  if (const auto missing = whatIsMissing(); !missing.empty()) \
  GTEST_SKIP() << missing << "; skipping"

json axesOf(std::initializer_list<const char*> names, const char* unit) {
  json axes = json::array();
  for (const char* n : names) {
    json a = {{"name", n}, {"type", std::string(n) == "c" ? "channel" : "space"}};
    if (unit && std::string(n) != "c") a["unit"] = unit;
    axes.push_back(a);
  }
  return axes;
}

// A transformation from the element's intrinsic axes to `system`, as spatialdata writes them.
json toSystem(json t, const char* system, std::initializer_list<const char*> axes,
              const char* unit = "micrometer") {
  t["input"] = {{"name", "xy"}, {"axes", axesOf(axes, unit)}};
  t["output"] = {{"name", system}, {"axes", axesOf(axes, unit)}};
  return t;
}

json pointsAttrs(const std::vector<json>& transformations, const char* featureKey = "gene",
                 json axes = {"x", "y"}) {
  json sd = {{"version", "0.1"}, {"instance_key", "cell_id"}};
  if (featureKey) sd["feature_key"] = featureKey;
  return {{"encoding-type", "ngff:points"},
          {"axes", axes},
          {"coordinateTransformations", json(transformations)},
          {"spatialdata_attrs", sd}};
}

json shapesAttrs(const std::vector<json>& transformations) {
  return {{"encoding-type", "ngff:shapes"},
          {"axes", {"x", "y"}},
          {"coordinateTransformations", json(transformations)},
          {"spatialdata_attrs", {{"version", "0.2"}}}};
}

json imageAttrs(const std::vector<json>& transformations, const std::vector<std::string>& labels) {
  json channels = json::array();
  for (const auto& l : labels) channels.push_back({{"label", l}});
  return {{"multiscales",
           {{{"axes", axesOf({"c", "y", "x"}, nullptr)},
             {"datasets",
              {{{"path", "0"},
                {"coordinateTransformations", {{{"type", "scale"}, {"scale", {1.0, 1.0, 1.0}}}}}}}},
             {"coordinateTransformations", json(transformations)},
             {"name", "morphology"},
             {"version", "0.4-dev-spatialdata"}}}},
          {"omero", {{"channels", channels}}},
          {"spatialdata_attrs", {{"version", "0.2"}}}};
}

// WKB (little-endian) as hex, as shapely writes it.
std::string hexOf(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) out += {digits[b >> 4], digits[b & 15]};
  return out;
}
std::string u32(std::uint32_t v) {
  return std::string(reinterpret_cast<const char*>(&v), 4);
}
std::string f64(double v) {
  return std::string(reinterpret_cast<const char*>(&v), 8);
}
std::string wkbPoint(double x, double y) {
  return "\x01" + u32(1) + f64(x) + f64(y);
}
std::string wkbPolygonBody(const std::vector<std::pair<double, double>>& ring) {
  std::string s = u32(1) + u32(std::uint32_t(ring.size() + 1));
  for (const auto& [x, y] : ring) s += f64(x) + f64(y);
  return s + f64(ring.front().first) + f64(ring.front().second);  // closed, as WKB writes it
}
std::string wkbPolygon(const std::vector<std::pair<double, double>>& ring) {
  return "\x01" + u32(3) + wkbPolygonBody(ring);
}
std::string wkbMultiPolygon(const std::vector<std::vector<std::pair<double, double>>>& parts) {
  std::string s = "\x01" + u32(6) + u32(std::uint32_t(parts.size()));
  for (const auto& p : parts) s += wkbPolygon(p);
  return s;
}

class SpatialDataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(TERAMIND_TEST_OUTPUT_DIR) / "spatialdata" / info->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    root_ = dir_ / "section.zarr";
    zarr_ = {
        {"root", root_.string()},
        {"root_attrs",
         {{"spatialdata_attrs", {{"version", "0.1"}, {"spatialdata_software_version", "0.2.3"}}}}},
        {"groups", json::array()},
        {"images", json::array()}};
  }

  void group(const std::string& path, const json& attrs) {
    zarr_["groups"].push_back({{"path", path}, {"attrs", attrs}});
  }
  void image(const std::string& path, const json& attrs, const json& shape, const json& chunks,
             const char* dtype = "uint8") {
    zarr_["images"].push_back(
        {{"path", path}, {"attrs", attrs}, {"shape", shape}, {"chunks", chunks}, {"dtype", dtype}});
  }
  // One Parquet file; `columns`: [{"name", "type", "data"[, "hex"]}].
  void parquet(const fs::path& file, const json& columns, int rowGroupSize = 1000) {
    parquet_.push_back(
        {{"file", (root_ / file).string()}, {"columns", columns}, {"rowGroupSize", rowGroupSize}});
  }
  // Points x, y, gene in parts of `perPart` rows.
  void points(const std::string& name, const std::vector<double>& x, const std::vector<double>& y,
              const std::vector<std::string>& genes, std::size_t perPart, int rowGroupSize) {
    for (std::size_t start = 0, part = 0; start < x.size(); start += perPart, ++part) {
      const std::size_t end = std::min(x.size(), start + perPart);
      json xs = json::array(), ys = json::array(), gs = json::array();
      for (std::size_t i = start; i < end; ++i) {
        xs.push_back(std::isfinite(x[i]) ? json(x[i]) : json("NaN"));
        ys.push_back(y[i]);
        gs.push_back(genes[i]);
      }
      parquet(fs::path("points") / name / "points.parquet" /
                  ("part." + std::to_string(part) + ".parquet"),
              {{{"name", "x"}, {"type", "DOUBLE"}, {"data", xs}},
               {{"name", "y"}, {"type", "DOUBLE"}, {"data", ys}},
               {{"name", "gene"}, {"type", "STRING"}, {"data", gs}},
               {{"name", "cell_id"}, {"type", "INT32"}, {"data", json::array()}}},
              rowGroupSize);
      // cell_id: one per row
      auto& cells = parquet_.back()["columns"][3]["data"];
      for (std::size_t i = start; i < end; ++i) cells.push_back(int(i % 7));
    }
  }
  // One part of points/<element>: x, y, z (DOUBLE) and gene (STRING).
  void pointsWithZ(const std::string& element, const json& x, const json& y, const json& z,
                   const json& genes) {
    parquet("points/" + element + "/points.parquet/part.0.parquet",
            {{{"name", "x"}, {"type", "DOUBLE"}, {"data", x}},
             {{"name", "y"}, {"type", "DOUBLE"}, {"data", y}},
             {{"name", "z"}, {"type", "DOUBLE"}, {"data", z}},
             {{"name", "gene"}, {"type", "STRING"}, {"data", genes}}});
  }
  // Two transcripts at (5, 4) and (9, 30) µm and an image of channels PolyT and dapi (c, y, x)
  // in pixels of 0.5 µm, its corner at (4, 3) µm.
  void transcriptsAndTwoStainImage(const json& shape, const json& chunks) {
    const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
    group("points/transcripts", pointsAttrs({identity}));
    points("transcripts", {5, 9}, {4, 30}, {"Gad1", "Gad1"}, 10, 1000);
    const json place = toSystem({{"type", "sequence"},
                                 {"transformations",
                                  {{{"type", "scale"}, {"scale", {1.0, 0.5, 0.5}}},
                                   {{"type", "translation"}, {"translation", {0.0, 3.0, 4.0}}}}}},
                                "global", {"c", "y", "x"});
    image("images/morphology", imageAttrs({place}, {"PolyT", "dapi"}), shape, chunks);
  }
  void write() {
    const fs::path zarrSpec = dir_ / "zarr.json", parquetSpec = dir_ / "parquet.json";
    std::ofstream(zarrSpec) << zarr_.dump();
    std::ofstream(parquetSpec) << parquet_.dump();
    ASSERT_TRUE(run("/usr/bin/python3 " + (kTools / "write_spatialdata_zarr.py").string() + " " +
                    zarrSpec.string()));
    if (!parquet_.empty()) {
      ASSERT_TRUE(run("cd " + kTools.string() + " && node write-spatialdata-parquet.mjs " +
                      parquetSpec.string()));
    }
  }
  // The FileError message of loading the store, or "" when it loads.
  std::string loadError(const fs::path& path) {
    try {
      loadSpatialDataset(path);
    } catch (const FileError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_, root_;
  json zarr_, parquet_ = json::array();
};

// The standard store: 10 molecules in 2 parts of row groups of 3, mapped to "global" by a
// scale then a translation.
void standardPoints(std::vector<double>& x, std::vector<double>& y,
                    std::vector<std::string>& genes) {
  x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  y = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  genes = {"Slc17a7", "Gad1",    "Slc17a7", "Blank-1", "Gad1", "Slc17a7", "NegControlProbe_Xyz",
           "Aqp4",    "Slc17a7", "Gad1"};
}

TEST_F(SpatialDataStoreTest, PointsAfterScaleAndTranslation) {
  SKIP_WITHOUT_WRITERS();
  std::vector<double> x, y;
  std::vector<std::string> genes;
  standardPoints(x, y, genes);
  const json seq = toSystem({{"type", "sequence"},
                             {"transformations",
                              {{{"type", "scale"}, {"scale", {2.0, 0.5}}},
                               {{"type", "translation"}, {"translation", {10.0, -5.0}}}}}},
                            "global", {"x", "y"});
  group("points/transcripts", pointsAttrs({seq}));
  points("transcripts", x, y, genes, 6, 3);
  write();

  EXPECT_EQ(detectSpatialFormat(root_), SpatialFormat::SpatialDataStore);
  std::vector<double> seen;
  const SpatialDataset d = loadSpatialDataset(root_, [&](double f) { seen.push_back(f); });
  EXPECT_EQ(d.format, SpatialFormat::SpatialDataStore);
  const auto* t = d.transcripts();
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_FLOAT_EQ(t->x[i], float(2 * x[i] + 10)) << i;
    EXPECT_FLOAT_EQ(t->y[i], float(0.5 * y[i] - 5)) << i;
    EXPECT_EQ(t->genes.name(t->gene[i]), genes[i]) << i;
    EXPECT_EQ(t->plane[i], 0);
  }
  EXPECT_EQ(t->genes.geneCount(), 3u);     // Slc17a7, Gad1, Aqp4
  EXPECT_EQ(t->genes.controlCount(), 2u);  // Blank-1, NegControlProbe_Xyz
  EXPECT_EQ(t->controlTranscriptCount(), 2u);
  ASSERT_FALSE(seen.empty());
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
  EXPECT_EQ(seen.size(), 4u);  // row group by row group: 3 + 3 rows in part 0, 3 + 1 in part 1

  // Binning conserves the gene molecules (controls are not channels).
  BinningOptions options;
  options.binUm = 1;
  const BinningResult binned = binDataset(d, options);
  double total = 0;
  for (std::size_t g = 0; g < binned.condition.geneCount(); ++g) total += binned.condition.total(g);
  EXPECT_DOUBLE_EQ(total, 8.0);
  EXPECT_DOUBLE_EQ(binned.binned + binned.notInPanel, 10.0);

  // The unit was named: no note about it, only the system chosen.
  ASSERT_EQ(d.readNotes.size(), 2u);
  EXPECT_NE(d.readNotes[0].find("points element 'transcripts'"), std::string::npos);
  EXPECT_NE(d.readNotes[1].find("'global'"), std::string::npos);
}

TEST_F(SpatialDataStoreTest, AffineAndChoiceOfSystemAndUnit) {
  SKIP_WITHOUT_WRITERS();
  std::vector<double> x, y;
  std::vector<std::string> genes;
  standardPoints(x, y, genes);
  // global: a quarter turn and a shift, in a unit that is not a length; aligned: identity.
  const json affine =
      toSystem({{"type", "affine"}, {"affine", {{0.0, -1.0, 100.0}, {1.0, 0.0, 0.0}}}}, "global",
               {"x", "y"}, "unit");
  const json identity = toSystem({{"type", "identity"}}, "aligned", {"x", "y"});
  group("points/transcripts", pointsAttrs({identity, affine}));
  points("transcripts", x, y, genes, 10, 1000);
  group("shapes/aligned_only", shapesAttrs({identity}));  // not in 'global': left out, said so
  parquet("shapes/aligned_only/shapes.parquet",
          {{{"name", "geometry"},
            {"type", "BYTE_ARRAY"},
            {"hex", true},
            {"data", {hexOf(wkbPolygon({{0, 0}, {1, 0}, {1, 1}}))}}}});
  write();

  const SpatialDataset d = loadSpatialDataset(root_);
  const auto* t = d.transcripts();
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_FLOAT_EQ(t->x[i], float(-y[i] + 100)) << i;
    EXPECT_FLOAT_EQ(t->y[i], float(x[i])) << i;
  }
  ASSERT_EQ(d.readNotes.size(), 4u);
  EXPECT_NE(d.readNotes[1].find("aligned, global"), std::string::npos) << d.readNotes[1];
  EXPECT_NE(d.readNotes[2].find("names no length unit (unit): read as µm"), std::string::npos)
      << d.readNotes[2];
  EXPECT_EQ(d.readNotes[3], "not placed in 'global', left out: shapes/aligned_only");
  EXPECT_TRUE(d.cellBoundaries.empty());

  const SpatialDataStore store(root_);
  EXPECT_EQ(store.coordinateSystems(), (std::vector<std::string>{"aligned", "global"}));
  const auto aligned = store.readPoints(*store.pointsToRead(), "aligned");
  EXPECT_FLOAT_EQ(aligned.x[3], 3.0f);
  EXPECT_FLOAT_EQ(aligned.y[3], 13.0f);
}

TEST_F(SpatialDataStoreTest, SeveralPointsElementsAreNamedByTheirFolder) {
  SKIP_WITHOUT_WRITERS();
  std::vector<double> x, y;
  std::vector<std::string> genes;
  standardPoints(x, y, genes);
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  group("points/a", pointsAttrs({identity}));
  group("points/b", pointsAttrs({identity}));
  points("a", x, y, genes, 10, 1000);
  points("b", {1, 2}, {3, 4}, {"Gad1", "Gad1"}, 10, 1000);
  write();
  EXPECT_NE(loadError(root_).find("holds 2 points elements (a, b); name the one to read by its "
                                  "folder"),
            std::string::npos)
      << loadError(root_);
  const fs::path b = root_ / "points" / "b";
  EXPECT_EQ(detectSpatialFormat(b), SpatialFormat::SpatialDataStore);
  const SpatialDataset d = loadSpatialDataset(b);
  ASSERT_NE(d.transcripts(), nullptr);
  EXPECT_EQ(d.transcripts()->size(), 2u);
}

TEST_F(SpatialDataStoreTest, PointsWithWholeZArePlanesAndMicrometreZIsOnePlane) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y", "z"});
  group("points/planes", pointsAttrs({identity}, "gene", {"x", "y", "z"}));
  pointsWithZ("planes", {1, 2, 3}, {1, 2, 3}, {0, 2, 6}, {"a", "b", "a"});
  group("points/depth", pointsAttrs({identity}, "gene", {"x", "y", "z"}));
  pointsWithZ("depth", {1, 2}, {1, 2}, {10.25, 11.5}, {"a", "b"});
  write();
  const auto planes = loadSpatialDataset(root_ / "points" / "planes");
  EXPECT_EQ(planes.transcripts()->plane, (std::vector<std::uint16_t>{0, 2, 6}));
  EXPECT_EQ(planes.transcripts()->planeCount(), 7);
  const auto depth = loadSpatialDataset(root_ / "points" / "depth");
  EXPECT_EQ(depth.transcripts()->plane, (std::vector<std::uint16_t>{0, 0}));
}

TEST_F(SpatialDataStoreTest, ShapesAsOutlinesInTheSameSystem) {
  SKIP_WITHOUT_WRITERS();
  const json scale = toSystem({{"type", "scale"}, {"scale", {2.0, 3.0}}}, "global", {"x", "y"});
  group("points/transcripts", pointsAttrs({scale}));
  points("transcripts", {1}, {1}, {"Gad1"}, 10, 1000);
  group("shapes/cell_boundaries", shapesAttrs({scale}));
  parquet("shapes/cell_boundaries/shapes.parquet",
          {{{"name", "geometry"},
            {"type", "BYTE_ARRAY"},
            {"hex", true},
            {"data",
             {hexOf(wkbPolygon({{0, 0}, {1, 0}, {1, 1}, {0, 1}})),
              hexOf(wkbMultiPolygon({{{5, 5}, {6, 5}, {6, 6}}, {{8, 8}, {9, 8}, {9, 9}}}))}}},
           {{"name", "cell_id"}, {"type", "STRING"}, {"data", {"cellA", "cellB"}}}});
  group("shapes/nuclei", shapesAttrs({scale}));
  parquet("shapes/nuclei/shapes.parquet",
          {{{"name", "geometry"},
            {"type", "BYTE_ARRAY"},
            {"hex", true},
            {"data", {hexOf(wkbPoint(10, 20))}}},
           {{"name", "radius"}, {"type", "DOUBLE"}, {"data", {2.0}}}});
  write();

  const SpatialDataset d = loadSpatialDataset(root_);
  ASSERT_EQ(d.cellBoundaries.size(), 2u);
  EXPECT_EQ(d.cellBoundaries[0].compartment, "cell_boundaries");
  EXPECT_EQ(d.cellBoundaries[1].compartment, "nuclei");
  const auto cells = readCellBoundaryFile(d.cellBoundaries[0]);
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[0].id, "cellA");
  ASSERT_EQ(cells[0].vertices.size(), 4u);  // the closing vertex dropped
  EXPECT_EQ(cells[0].vertices[2], (std::pair<double, double>{2, 3}));
  EXPECT_EQ(cells[1].id, "cellB/0");
  EXPECT_EQ(cells[2].id, "cellB/1");
  EXPECT_EQ(cells[2].vertices[0], (std::pair<double, double>{16, 24}));

  const auto circles = readCellBoundaryFile(d.cellBoundaries[1]);
  ASSERT_EQ(circles.size(), 1u);
  EXPECT_EQ(circles[0].id, "0");
  ASSERT_EQ(circles[0].vertices.size(), 32u);
  for (const auto& [u, v] : circles[0].vertices) {
    // An ellipse after the scale: ((u - 20) / 4)² + ((v - 60) / 6)² = 1.
    EXPECT_NEAR(std::pow((u - 20) / 4, 2) + std::pow((v - 60) / 6, 2), 1.0, 1e-9);
  }
}

// Ids come from the pandas index, not from the first attribute column (review item 11):
// geopandas writes data columns, geometry, then a named index; an unnamed one as
// __index_level_0__; none at all for a plain range index.
TEST_F(SpatialDataStoreTest, ShapesIdsFromTheIndexNotFromAttributes) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  group("points/transcripts", pointsAttrs({identity}));
  points("transcripts", {1}, {1}, {"Gad1"}, 10, 1000);
  const json square = {hexOf(wkbPolygon({{0, 0}, {1, 0}, {1, 1}, {0, 1}})),
                       hexOf(wkbPolygon({{2, 0}, {3, 0}, {3, 1}, {2, 1}}))};
  const json area = {{"name", "area"}, {"type", "DOUBLE"}, {"data", {12.5, 7.25}}};
  const json geometry = {
      {"name", "geometry"}, {"type", "BYTE_ARRAY"}, {"hex", true}, {"data", square}};
  group("shapes/a_named", shapesAttrs({identity}));
  parquet("shapes/a_named/shapes.parquet",
          {area, geometry, {{"name", "cell_id"}, {"type", "STRING"}, {"data", {"c1", "c2"}}}});
  group("shapes/b_unnamed", shapesAttrs({identity}));
  parquet("shapes/b_unnamed/shapes.parquet",
          {area,
           {{"name", "__index_level_0__"}, {"type", "STRING"}, {"data", {"u1", "u2"}}},
           geometry});
  group("shapes/c_range", shapesAttrs({identity}));
  parquet("shapes/c_range/shapes.parquet", {geometry, area});
  write();

  const SpatialDataset d = loadSpatialDataset(root_);
  ASSERT_EQ(d.cellBoundaries.size(), 3u);
  std::map<std::string, std::vector<std::string>> ids;
  for (const auto& b : d.cellBoundaries)
    for (const auto& cell : readCellBoundaryFile(b)) ids[b.compartment].push_back(cell.id);
  EXPECT_EQ(ids["a_named"], (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(ids["b_unnamed"], (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(ids["c_range"], (std::vector<std::string>{"0", "1"}));
}

// Integer genes and shape ids above 2^53 stay apart: through a double, 2^53 and 2^53 + 1 are the
// same number (review item 7). INT64 data as strings: the writer makes them BigInts exactly.
TEST_F(SpatialDataStoreTest, IntegerGenesAndShapeIdsAreExact) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  const json big = {"9007199254740992", "9007199254740993"};
  group("points/transcripts", pointsAttrs({identity}));
  parquet("points/transcripts/points.parquet/part.0.parquet",
          {{{"name", "x"}, {"type", "DOUBLE"}, {"data", {1.0, 2.0}}},
           {{"name", "y"}, {"type", "DOUBLE"}, {"data", {1.0, 2.0}}},
           {{"name", "gene"}, {"type", "INT64"}, {"data", big}}});
  group("shapes/cells", shapesAttrs({identity}));
  parquet("shapes/cells/shapes.parquet",
          {{{"name", "geometry"},
            {"type", "BYTE_ARRAY"},
            {"hex", true},
            {"data",
             {hexOf(wkbPolygon({{0, 0}, {1, 0}, {1, 1}})),
              hexOf(wkbPolygon({{2, 0}, {3, 0}, {3, 1}}))}}},
           {{"name", "__index_level_0__"}, {"type", "INT64"}, {"data", big}}});
  write();

  const SpatialDataset d = loadSpatialDataset(root_);
  const auto* t = d.transcripts();
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ(t->genes.name(t->gene[0]), "9007199254740992");
  EXPECT_EQ(t->genes.name(t->gene[1]), "9007199254740993");
  ASSERT_EQ(d.cellBoundaries.size(), 1u);
  const auto cells = readCellBoundaryFile(d.cellBoundaries[0]);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].id, "9007199254740992");
  EXPECT_EQ(cells[1].id, "9007199254740993");
}

TEST_F(SpatialDataStoreTest, ImageChannelsAsStainsReadByWindow) {
  SKIP_WITHOUT_WRITERS();
  transcriptsAndTwoStainImage({2, 20, 30}, {1, 6, 7});
  write();

  const SpatialDataset d = loadSpatialDataset(root_);
  ASSERT_EQ(d.stains.size(), 2u);
  EXPECT_EQ(d.stains[0].stain, "PolyT");
  EXPECT_EQ(d.stains[1].stain, "DAPI");
  const StainImageSource dapi = d.openStain(d.stains[1]);
  EXPECT_EQ(dapi.width(), 30);
  EXPECT_EQ(dapi.height(), 20);
  EXPECT_EQ(dapi.bitsPerSample(), 8);
  EXPECT_DOUBLE_EQ(dapi.pixelUm(), 0.5);
  EXPECT_DOUBLE_EQ(dapi.extent().xMin, 4.0);
  EXPECT_DOUBLE_EQ(dapi.extent().yMin, 3.0);
  EXPECT_DOUBLE_EQ(dapi.extent().xMax, 19.0);
  EXPECT_DOUBLE_EQ(dapi.extent().yMax, 13.0);
  // A window across chunk edges and past the image's edge.
  const auto window = dapi.readWindow(25, 15, 8, 7);
  for (int y = 0; y < 7; ++y)
    for (int x = 0; x < 8; ++x) {
      const int px = 25 + x, py = 15 + y;
      const int expected = px < 30 && py < 20 ? (1 * 50 + py * 3 + px) % 256 : 0;
      EXPECT_EQ(window[std::size_t(y * 8 + x)], expected) << px << "," << py;
    }
  const MosaicCoverage coverage = measureMosaicCoverage(d);
  EXPECT_EQ(coverage.insideMosaic, 1u);  // (5, 4) is on the image, (9, 30) is not

  // Stain images only: no transcripts read, the stains still listed.
  const SpatialDataset stainsOnly = loadSpatialDataset(root_, {}, DatasetContent::StainImagesOnly);
  EXPECT_EQ(stainsOnly.transcripts()->size(), 0u);
  EXPECT_EQ(stainsOnly.stains.size(), 2u);
}

// spatialdata-io's MERSCOPE stores: one image element per z-plane ("<region>_z<k>"), points with
// MERSCOPE's plane index as z, all in the "microns" system only. A 3D image (c, z, y, x) gives
// a stain per plane.
TEST_F(SpatialDataStoreTest, PlanesOfImagesByNameOrZAxis) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "microns", {"x", "y", "z"});
  group("points/region_0_transcripts", pointsAttrs({identity}, "gene", {"x", "y", "z"}));
  pointsWithZ("region_0_transcripts", {1, 2}, {1, 2}, {0, 1}, {"a", "b"});
  const json pixels =
      toSystem({{"type", "scale"}, {"scale", {1.0, 0.25, 0.25}}}, "microns", {"c", "y", "x"});
  for (const char* name : {"region_0_z0", "region_0_z1"})
    image(std::string("images/") + name, imageAttrs({pixels}, {"DAPI", "PolyT"}), {2, 8, 8},
          {1, 8, 8});
  write();
  const SpatialDataset d = loadSpatialDataset(root_);
  ASSERT_EQ(d.stains.size(), 4u);
  std::map<std::pair<std::string, int>, fs::path> stains;
  for (const auto& s : d.stains) stains[{s.stain, s.plane}] = s.file;
  EXPECT_EQ(stains.at({"DAPI", 0}).filename(), "region_0_z0");
  EXPECT_EQ(stains.at({"PolyT", 1}).filename(), "region_0_z1");
  EXPECT_EQ(d.transcripts()->plane, (std::vector<std::uint16_t>{0, 1}));
  EXPECT_EQ(measureMosaicCoverage(d).planesWithoutMosaic, 0u);

  // One 3D image instead: its z index is the plane.
  fs::remove_all(root_);
  zarr_["images"] = json::array();
  json volume =
      imageAttrs({toSystem({{"type", "identity"}}, "microns", {"c", "z", "y", "x"})}, {"DAPI"});
  volume["multiscales"][0]["axes"] = axesOf({"c", "z", "y", "x"}, nullptr);
  volume["multiscales"][0]["datasets"][0]["coordinateTransformations"][0]["scale"] = {1, 1, 1, 1};
  image("images/volume", volume, {1, 3, 6, 6}, {1, 2, 4, 4});
  write();
  const SpatialDataset v = loadSpatialDataset(root_);
  ASSERT_EQ(v.stains.size(), 3u);
  for (int z = 0; z < 3; ++z) {
    EXPECT_EQ(v.stains[std::size_t(z)].plane, z);
    const auto window = v.openStain(v.stains[std::size_t(z)]).readWindow(0, 0, 6, 6);
    for (int y = 0; y < 6; ++y)
      for (int x = 0; x < 6; ++x)
        EXPECT_EQ(window[std::size_t(y * 6 + x)], (z * 20 + y * 3 + x) % 256) << z << y << x;
  }
}

TEST_F(SpatialDataStoreTest, SixteenBitImage) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"c", "y", "x"});
  image("images/morphology", imageAttrs({identity}, {"DAPI"}), {1, 16, 16}, {1, 8, 8}, "uint16");
  write();
  const SpatialDataset d = loadSpatialDataset(root_, {}, DatasetContent::StainImagesOnly);
  ASSERT_EQ(d.stains.size(), 1u);
  const auto dapi = d.openStain(d.stains[0]);
  EXPECT_EQ(dapi.bitsPerSample(), 16);
  // Values 0 … 555 grow along x and y; the 8-bit view keeps their order.
  const auto w = dapi.readWindow(0, 0, 16, 16);
  EXPECT_LT(w[0], w[15]);
  EXPECT_LT(w[15], w[255]);
  EXPECT_EQ(w[255], 255);
}

TEST_F(SpatialDataStoreTest, RotatedImageIsRefused) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  group("points/transcripts", pointsAttrs({identity}));
  points("transcripts", {5}, {4}, {"Gad1"}, 10, 1000);
  const json turn =
      toSystem({{"type", "affine"},
                {"affine", {{1.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 1.0, 0.0}, {0.0, -1.0, 0.0, 0.0}}}},
               "global", {"c", "y", "x"});
  image("images/morphology", imageAttrs({turn}, {"DAPI"}), {1, 4, 4}, {1, 4, 4});
  write();
  EXPECT_NE(loadError(root_).find("image 'morphology': its transformation to 'global' rotates, "
                                  "shears or flips it"),
            std::string::npos)
      << loadError(root_);
}

TEST_F(SpatialDataStoreTest, MissingFeatureColumnOrKey) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  group("points/transcripts", pointsAttrs({identity}, "feature_name"));
  points("transcripts", {1, 2}, {3, 4}, {"a", "b"}, 10, 1000);
  write();
  const std::string error = loadError(root_);
  EXPECT_NE(error.find("part.0.parquet"), std::string::npos) << error;
  EXPECT_NE(error.find("missing column 'feature_name'"), std::string::npos) << error;

  zarr_["groups"][0]["attrs"] = pointsAttrs({identity}, nullptr);
  write();
  EXPECT_NE(loadError(root_).find("spatialdata_attrs names no feature_key"), std::string::npos)
      << loadError(root_);
}

TEST_F(SpatialDataStoreTest, TransformationNotInvertibleOrUnknown) {
  SKIP_WITHOUT_WRITERS();
  group("points/transcripts",
        pointsAttrs({toSystem({{"type", "scale"}, {"scale", {0.0, 1.0}}}, "global", {"x", "y"})}));
  points("transcripts", {1, 2}, {3, 4}, {"a", "b"}, 10, 1000);
  write();
  EXPECT_NE(loadError(root_).find("is not invertible in x, y"), std::string::npos)
      << loadError(root_);

  zarr_["groups"][0]["attrs"] =
      pointsAttrs({toSystem({{"type", "displacements"}, {"path", "d"}}, "global", {"x", "y"})});
  write();
  const std::string error = loadError(root_);
  EXPECT_NE(error.find("coordinateTransformations[0].type: \"displacements\" is not a "
                       "transformation this reader knows"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find(".zattrs"), std::string::npos) << error;

  // Thousands of axes named by the element: refused before any matrix is built.
  json manyAxes = json::array();
  for (int i = 0; i < 5000; ++i) manyAxes.push_back("a" + std::to_string(i));
  zarr_["groups"][0]["attrs"] =
      pointsAttrs({json{{"type", "identity"}, {"output", "global"}}}, "gene", manyAxes);
  write();
  EXPECT_NE(loadError(root_).find("5000 axes (1…8 are read)"), std::string::npos)
      << loadError(root_);

  zarr_["groups"][0]["attrs"] =
      pointsAttrs({toSystem({{"type", "affine"}, {"affine", {{1.0, 0.0}}}}, "global", {"x", "y"})});
  write();
  EXPECT_NE(loadError(root_).find("is not 2 rows of 3 numbers"), std::string::npos)
      << loadError(root_);
}

TEST_F(SpatialDataStoreTest, MissingPartAndNonFiniteCoordinate) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  group("points/transcripts", pointsAttrs({identity}));
  points("transcripts", {1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6}, {"a", "b", "a", "b", "a", "b"}, 2,
         1000);
  write();
  ASSERT_EQ(loadError(root_), "");
  fs::remove(root_ / "points/transcripts/points.parquet/part.1.parquet");
  const std::string missing = loadError(root_);
  EXPECT_NE(missing.find("part.1.parquet: missing"), std::string::npos) << missing;

  fs::remove_all(root_ / "points/transcripts/points.parquet");
  parquet_ = json::array();
  points("transcripts", {1, 2, NAN, 4}, {1, 2, 3, 4}, {"a", "b", "a", "b"}, 10, 2);
  write();
  const std::string nonFinite = loadError(root_);
  EXPECT_NE(nonFinite.find("part.0.parquet: row group 1, row 2: coordinate (nan, 3) is not "
                           "finite"),
            std::string::npos)
      << nonFinite;
}

TEST_F(SpatialDataStoreTest, DamagedGeometryIsNamed) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  group("points/transcripts", pointsAttrs({identity}));
  points("transcripts", {1}, {1}, {"Gad1"}, 10, 1000);
  group("shapes/cells", shapesAttrs({identity}));
  std::string truncated = wkbPolygon({{0, 0}, {1, 0}, {1, 1}});
  truncated.resize(truncated.size() - 5);
  parquet("shapes/cells/shapes.parquet",
          {{{"name", "geometry"},
            {"type", "BYTE_ARRAY"},
            {"hex", true},
            {"data", {hexOf(wkbPolygon({{0, 0}, {1, 0}, {1, 1}})), hexOf(truncated)}}}});
  write();
  const SpatialDataset d = loadSpatialDataset(root_);
  ASSERT_EQ(d.cellBoundaries.size(), 1u);
  try {
    readCellBoundaryFile(d.cellBoundaries[0]);
    FAIL() << "a truncated geometry was read";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("shapes.parquet: row group 0, row 1, geometry: WKB at "
                                         "byte"),
              std::string::npos)
        << e.what();
  }
}

// seams and fidelity read a job's real stains through RealStainsOfJob, channel by channel of
// the one OME-Zarr image: at the image's own pixels a tile is the image's raw window.
TEST_F(SpatialDataStoreTest, RealStainsOfAGenerationJob) {
  SKIP_WITHOUT_WRITERS();
  transcriptsAndTwoStainImage({2, 64, 96}, {1, 16, 20});
  write();

  constexpr int kChunk = 32;
  OmeZarrLayout layout;
  layout.channels = {"DAPI", "PolyT"};
  layout.height = 2 * kChunk;
  layout.width = 3 * kChunk;
  layout.chunk = kChunk;
  layout.shard = 4 * kChunk;
  layout.pixelUm = 0.5;
  layout.originXUm = 4;
  layout.originYUm = 3;
  const fs::path output = dir_ / "generated.zarr";
  fs::create_directories(output);
  std::ofstream(output / "teramind-job.json") << json{
      {"data", fs::absolute(root_).string()},
      {"planes", {0}},
      {"region", "a test block"},
      {"edits", ""}}.dump();
  OmeZarrStore::create(output, layout);
  const RealStainsOfJob real(OmeZarrStore::open(output));
  for (int channel = 0; channel < 2; ++channel) {
    // Output channel 0 is DAPI, the image's channel 1; output channel 1 is PolyT, its 0.
    const int imageChannel = 1 - channel;
    const auto tile = real.readTile(channel, 0, 1, 2);
    ASSERT_EQ(tile.size(), std::size_t(kChunk * kChunk));
    int differing = 0;
    for (int y = 0; y < kChunk; ++y)
      for (int x = 0; x < kChunk; ++x) {
        const int expected = (imageChannel * 50 + (kChunk + y) * 3 + 2 * kChunk + x) % 256;
        differing += std::abs(int(tile[std::size_t(y * kChunk + x)]) - expected) > 1;
      }
    EXPECT_EQ(differing, 0) << "channel " << channel;
  }
}

// spatialdata 0.4 and later write Zarr v3: attributes in zarr.json, images under "ome".
// python3-zarr writes v2 only, so this store's Zarr side is written here by hand (raw chunks, no
// codec but "bytes"): it checks the v3 paths, not another writer's reading of the format.
TEST_F(SpatialDataStoreTest, ZarrV3Store) {
  SKIP_WITHOUT_WRITERS();
  auto writeJson = [](const fs::path& file, const json& j) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << j.dump();
  };
  auto groupJson = [](const json& attributes) {
    return json{{"zarr_format", 3}, {"node_type", "group"}, {"attributes", attributes}};
  };
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  writeJson(root_ / "zarr.json", groupJson({{"spatialdata_attrs", {{"version", "0.2"}}}}));
  writeJson(root_ / "points" / "zarr.json", groupJson(json::object()));
  writeJson(root_ / "points" / "transcripts" / "zarr.json", groupJson(pointsAttrs({identity})));
  const json scale =
      toSystem({{"type", "scale"}, {"scale", {1.0, 2.0, 2.0}}}, "global", {"c", "y", "x"});
  json image = imageAttrs({scale}, {"DAPI"});
  writeJson(root_ / "images" / "morphology" / "zarr.json",
            groupJson({{"ome",
                        {{"version", "0.5"},
                         {"multiscales", image["multiscales"]},
                         {"omero", image["omero"]}}}}));
  writeJson(root_ / "images" / "morphology" / "0" / "zarr.json",
            {{"zarr_format", 3},
             {"node_type", "array"},
             {"shape", {1, 6, 5}},
             {"data_type", "uint16"},
             {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", {1, 4, 4}}}}}},
             {"chunk_key_encoding", {{"name", "default"}, {"configuration", {{"separator", "/"}}}}},
             {"fill_value", 7},
             {"codecs", {{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}}}},
             {"dimension_names", {"c", "y", "x"}}});
  // Chunks (0, 0, 0) and (0, 1, 0) hold 100 + 10·y + x; (0, 0, 1) and (0, 1, 1) were never
  // written (the fill value).
  for (int cy = 0; cy < 2; ++cy) {
    std::string bytes;
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) {
        const int v = 100 + 10 * (cy * 4 + y) + x;
        bytes += {char(v & 255), char(v >> 8)};
      }
    const fs::path chunk =
        root_ / "images" / "morphology" / "0" / "c" / "0" / std::to_string(cy) / "0";
    fs::create_directories(chunk.parent_path());
    std::ofstream(chunk, std::ios::binary) << bytes;
  }
  points("transcripts", {1, 2}, {3, 4}, {"a", "b"}, 10, 1000);
  const fs::path parquetSpec = dir_ / "parquet.json";
  std::ofstream(parquetSpec) << parquet_.dump();
  ASSERT_TRUE(run("cd " + kTools.string() + " && node write-spatialdata-parquet.mjs " +
                  parquetSpec.string()));

  EXPECT_EQ(detectSpatialFormat(root_), SpatialFormat::SpatialDataStore);
  const SpatialDataset d = loadSpatialDataset(root_);
  EXPECT_EQ(d.transcripts()->size(), 2u);
  ASSERT_EQ(d.stains.size(), 1u);
  EXPECT_EQ(d.stains[0].stain, "DAPI");
  const auto dapi = d.openStain(d.stains[0]);
  EXPECT_EQ(dapi.width(), 5);
  EXPECT_EQ(dapi.height(), 6);
  EXPECT_EQ(dapi.bitsPerSample(), 16);
  EXPECT_DOUBLE_EQ(dapi.extent().xMax, 10.0);
  EXPECT_DOUBLE_EQ(dapi.extent().yMax, 12.0);
  const auto w = dapi.readWindow(0, 0, 5, 6);
  // The 8-bit view: the highest value (fill 7 is lowest) is 255, order kept.
  EXPECT_LT(w[4], w[0]);          // (4, 0) is fill, (0, 0) is 100
  EXPECT_LT(w[0], w[3]);          // 100 < 103
  EXPECT_LT(w[3], w[5 * 5 + 3]);  // 103 < 153
  // A chunk that is there but cannot be read is an error, not the fill value (review item 9).
  const fs::path blocked = root_ / "images" / "morphology" / "0" / "c" / "0" / "0" / "1";
  fs::create_directories(blocked);
  try {
    loadSpatialDataset(root_).openStain(d.stains[0]).readWindow(0, 0, 5, 6);
    ADD_FAILURE() << "a chunk that is a directory was read as the fill value";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("chunk cannot be read"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(blocked.string()), std::string::npos) << e.what();
  }
}

TEST_F(SpatialDataStoreTest, AttributesTooDeepOrNotJson) {
  SKIP_WITHOUT_WRITERS();
  const json identity = toSystem({{"type", "identity"}}, "global", {"x", "y"});
  group("points/transcripts", pointsAttrs({identity}));
  points("transcripts", {1}, {1}, {"Gad1"}, 10, 1000);
  write();
  const fs::path attrs = root_ / "points" / "transcripts" / ".zattrs";
  std::ofstream(attrs) << std::string(200, '[') << std::string(200, ']');
  EXPECT_NE(loadError(root_).find(".zattrs: JSON nested deeper than 64 levels"), std::string::npos)
      << loadError(root_);
  std::ofstream(attrs) << "{\"axes\": [";
  EXPECT_NE(loadError(root_).find(".zattrs: not JSON"), std::string::npos) << loadError(root_);
}

TEST_F(SpatialDataStoreTest, NotAStore) {
  fs::create_directories(dir_ / "plain.zarr");
  EXPECT_FALSE(SpatialDataStore::isStore(dir_ / "plain.zarr"));
  EXPECT_FALSE(SpatialDataStore::isStore(dir_));
  EXPECT_THROW(SpatialDataStore{dir_ / "plain.zarr"}, FileError);
}

// Boundaries naming a store's root (or a points element), not a shapes element: a clear error,
// not a null dereference (review item 10).
TEST_F(SpatialDataStoreTest, BoundariesThatAreNotAShapesElement) {
  fs::create_directories(root_);
  std::ofstream(root_ / "zarr.json")
      << json{{"zarr_format", 3},
              {"node_type", "group"},
              {"attributes", {{"spatialdata_attrs", {{"version", "0.2"}}}}}}
             .dump();
  CellBoundaryFile boundaries;
  boundaries.file = root_;
  boundaries.spatialDataSystem = "global";
  try {
    readCellBoundaryFile(boundaries);
    ADD_FAILURE() << "a store's root was read as shapes";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a SpatialData shapes element"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace teramind
