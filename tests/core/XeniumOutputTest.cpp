// 10x Xenium output folders: the real vendor layout (platform_fixtures), the same data as
// csv.gz and Parquet (written by hyparquet-writer, an independent writer), the morphology image
// read by window, and bad input.
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/FileError.h"
#include "io/SpatialDataset.h"
#include "io/StainImageSource.h"
#include "io/TiffImage.h"
#include "io/XeniumOutput.h"
#include "support/FileErrorOf.h"
#include "support/FlatParquetBuilder.h"
#include "support/TestData.h"
#include "support/TestFiles.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using test::errorOf;
using test::ScratchDirectory;
using test::writeGzip;
using test::writeText;

fs::path xeniumFixture(const std::string& sample) {
  return test::sharedDataDirectory() / "platform_fixtures" / "xenium_mouse_brain_tiny" / sample;
}

std::string readText(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << text

const TranscriptTable& transcriptsOf(const SpatialDataset& dataset) {
  if (!dataset.transcripts()) throw std::logic_error("the dataset holds no transcript table");
  return *dataset.transcripts();
}

// The figures of platform_fixtures/README.md: every row, before any quality filter.
TEST(XeniumOutput, FixtureCountsEveryRowAndReportsTheQvFilter) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  struct Expected {
    const char* sample;
    std::uint64_t rows, genes, controls, kept;
    int planes;
  };
  // kept and planes: counted from the CSV with Python (qv >= 20; z steps of 3 µm).
  for (const Expected& e :
       {Expected{"sample1", 962, 132, 5, 777, 4}, Expected{"sample2", 777, 139, 4, 592, 5}}) {
    SCOPED_TRACE(e.sample);
    EXPECT_EQ(detectSpatialFormat(xeniumFixture(e.sample)), SpatialFormat::XeniumOutput);
    const SpatialDataset d = loadSpatialDataset(xeniumFixture(e.sample));
    EXPECT_EQ(d.format, SpatialFormat::XeniumOutput);
    EXPECT_EQ(d.name, e.sample);
    EXPECT_EQ(d.panelName, "Xenium Mouse Brain GEX (248 targets)");
    const auto& t = transcriptsOf(d);
    EXPECT_EQ(t.genes.geneCount(), e.genes);
    EXPECT_EQ(t.genes.controlCount(), e.controls);
    ASSERT_TRUE(d.qualityFilter);
    EXPECT_EQ(d.qualityFilter->rule, "qv >= 20");
    EXPECT_EQ(d.qualityFilter->rowsBefore, e.rows);
    EXPECT_EQ(d.qualityFilter->rowsKept, e.kept);
    EXPECT_EQ(t.size(), e.kept);
    EXPECT_EQ(t.planeCount(), e.planes);
    EXPECT_EQ(t.placement.planeSpacingUm, 3.0);  // experiment.xenium's z_step_size
    // No image in the fixture: no stain, and no placement claimed.
    EXPECT_TRUE(d.stains.empty());
    EXPECT_FALSE(t.placement.placed);
  }
}

TEST(XeniumOutput, FirstMoleculeIsPlacedInMicrons) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  const auto d = loadSpatialDataset(xeniumFixture("sample1"));
  const auto& t = transcriptsOf(d);
  // "1",281474976711439,67500,1,"Neurod6",4900.0063,6407.46,17.908697,40: the lowest kept z
  // is 12.35 µm, so plane 0 is [12, 15) µm and 17.9 µm lies on plane 1.
  EXPECT_EQ(t.genes.name(t.gene[0]), "Neurod6");
  EXPECT_FLOAT_EQ(t.x[0], 4900.0063f);
  EXPECT_FLOAT_EQ(t.y[0], 6407.46f);
  EXPECT_EQ(t.plane[0], 1);
}

TEST(XeniumOutput, MinQvChangesTheFilter) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  DatasetReadOptions options;
  options.minQv = 0;
  auto d = loadSpatialDataset(xeniumFixture("sample1"), {}, DatasetContent::All, options);
  EXPECT_EQ(transcriptsOf(d).size(), 962u);
  EXPECT_EQ(d.qualityFilter->rule, "qv >= 0");
  options.minQv = 30;
  d = loadSpatialDataset(xeniumFixture("sample1"), {}, DatasetContent::All, options);
  EXPECT_EQ(d.qualityFilter->rowsKept, 642u);
  EXPECT_EQ(transcriptsOf(d).genes.size(), 137u);  // the catalogue keeps filtered-out features
  options.minQv = 41;                              // the fixture's best qv is 40
  EXPECT_HAS(errorOf([&] {
               loadSpatialDataset(xeniumFixture("sample1"), {}, DatasetContent::All, options);
             }),
             "transcripts.csv: no molecule of 962 has qv >= 41");
}

TEST(XeniumOutput, ControlsAreFlagged) {
  for (const char* name : {"NegControlProbe_00031", "NegControlCodeword_0500", "BLANK_0022",
                           "UnassignedCodeword_0001", "DeprecatedCodeword_0042"})
    EXPECT_TRUE(GeneCatalogue::isControlName(name)) << name;
  EXPECT_FALSE(GeneCatalogue::isControlName("Neurod6"));
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  const auto d = loadSpatialDataset(xeniumFixture("sample1"));
  const auto& genes = transcriptsOf(d).genes;
  for (const char* name : {"BLANK_0022", "BLANK_0414", "BLANK_0424", "NegControlProbe_00031",
                           "NegControlProbe_00062"}) {
    const auto index = genes.find(name);
    ASSERT_TRUE(index) << name;
    EXPECT_TRUE(genes.isControl(*index)) << name;
  }
  EXPECT_FALSE(genes.isControl(*genes.find("Neurod6")));
}

TEST(XeniumOutput, BoundariesAreListedAndRead) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  const auto d = loadSpatialDataset(xeniumFixture("sample1"));
  ASSERT_EQ(d.cellBoundaries.size(), 2u);
  EXPECT_EQ(d.cellBoundaries[0].compartment, "cell");
  EXPECT_EQ(d.cellBoundaries[0].file.filename(), "cell_boundaries.csv");
  EXPECT_EQ(d.cellBoundaries[1].compartment, "nucleus");
  EXPECT_EQ(d.cellBoundaries[1].file.filename(), "nucleus_boundaries.csv");
  const auto cells = readCellBoundaryFile(d.cellBoundaries[0]);
  ASSERT_EQ(cells.size(), 5u);  // 65 vertex rows, 13 per cell
  EXPECT_EQ(cells[0].id, "67500");
  // Rows 1 and 13 are the same vertex: the ring is stored open, as WKB's and the label
  // outlines' are (review item 18: it was kept closed, a 13th vertex).
  ASSERT_EQ(cells[0].vertices.size(), 12u);
  EXPECT_NE(cells[0].vertices.front(), cells[0].vertices.back());
  EXPECT_DOUBLE_EQ(cells[0].vertices[0].first, 4904.7124);
  EXPECT_DOUBLE_EQ(cells[0].vertices[0].second, 6399.65);
  const auto nuclei = readCellBoundaryFile(d.cellBoundaries[1]);
  ASSERT_EQ(nuclei.size(), 5u);
  EXPECT_DOUBLE_EQ(nuclei[0].vertices[0].first, 4899.825);
}

TEST(XeniumOutput, BinningConservesCounts) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  const auto d = loadSpatialDataset(xeniumFixture("sample1"));  // one kept control molecule
  const auto& t = transcriptsOf(d);
  EXPECT_EQ(t.controlTranscriptCount(), 1u);
  BinningOptions options;
  options.binUm = 2.0;
  const BinningResult result = binDataset(d, options);
  EXPECT_EQ(result.binned, double(t.geneTranscriptCount()));
  EXPECT_EQ(result.binned + result.notInPanel, double(d.qualityFilter->rowsKept));
  EXPECT_EQ(result.outsideGrid, 0.0);
  double total = 0;
  for (std::size_t g = 0; g < result.condition.geneCount(); ++g) total += result.condition.total(g);
  EXPECT_EQ(total, result.binned);
  EXPECT_EQ(result.condition.grid().planeSpacingUm, 3.0);
  EXPECT_EQ(result.condition.grid().planes, 4);
}

// The same folder with transcripts.csv.gz instead: the same table.
TEST(XeniumOutput, GzipTranscriptsEqualPlain) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  ScratchDirectory dir;
  fs::copy_file(xeniumFixture("sample1") / "experiment.xenium", dir / "experiment.xenium");
  writeGzip(dir / "transcripts.csv.gz", readText(xeniumFixture("sample1") / "transcripts.csv"));
  const auto plain = loadSpatialDataset(xeniumFixture("sample1"));
  const auto gzip = loadSpatialDataset(dir.path());
  const auto &a = transcriptsOf(plain), &b = transcriptsOf(gzip);
  EXPECT_EQ(a.genes, b.genes);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(a.plane, b.plane);
  EXPECT_EQ(a.gene, b.gene);
  EXPECT_EQ(gzip.qualityFilter->rowsBefore, 962u);
  EXPECT_TRUE(gzip.cellBoundaries.empty());
}

// A transcripts file given directly is read with the folder around it.
TEST(XeniumOutput, TranscriptsFileOrManifestGivenDirectly) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  for (const char* name : {"transcripts.csv", "experiment.xenium"}) {
    SCOPED_TRACE(name);
    const fs::path file = xeniumFixture("sample2") / name;
    EXPECT_EQ(detectSpatialFormat(file), SpatialFormat::XeniumOutput);
    const auto d = loadSpatialDataset(file);
    EXPECT_EQ(d.qualityFilter->rowsBefore, 777u);
    EXPECT_EQ(transcriptsOf(d).placement.planeSpacingUm, 3.0);
    EXPECT_EQ(d.cellBoundaries.size(), 2u);
  }
}

// A small Xenium-like folder: transcripts of two genes and a control, around (x, y) µm.
std::string transcriptsCsv(const std::string& badRow = "") {
  std::string csv =
      "transcript_id,cell_id,overlaps_nucleus,feature_name,x_location,y_location,z_location,"
      "qv\n";
  for (int i = 0; i < 30; ++i)
    csv += std::to_string(i) + ",1,0," +
           (i % 10 == 0 ? "BLANK_0001"
            : i % 2     ? "Gad1"
                        : "Sst") +
           "," + std::to_string(10 + i * 0.5) + "," + std::to_string(20 + i * 0.25) + ",4.5," +
           (i % 3 ? "40" : "15.5") + "\n";
  return csv + badRow;
}

TEST(XeniumOutput, MissingColumnIsNamed) {
  ScratchDirectory dir;
  std::string csv = transcriptsCsv();
  csv.replace(csv.find(",qv\n"), 4, ",quality\n");
  writeText(dir / "transcripts.csv", csv);
  EXPECT_EQ(detectSpatialFormat(dir.path()), SpatialFormat::XeniumOutput);
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "transcripts.csv: missing column 'qv'");
  csv = transcriptsCsv();
  csv.replace(csv.find("z_location"), 10, "z");
  writeText(dir / "transcripts.csv", csv);
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }), "missing column 'z_location'");
}

TEST(XeniumOutput, NonFiniteCoordinateIsRefusedWithItsLine) {
  ScratchDirectory dir;
  for (const char* bad : {"30,1,0,Gad1,nan,20,4.5,40\n", "30,1,0,Gad1,10,inf,4.5,40\n",
                          "30,1,0,Gad1,10,20,1e300,40\n"}) {
    writeText(dir / "transcripts.csv", transcriptsCsv(bad));
    const std::string e = errorOf([&] { loadSpatialDataset(dir.path()); });
    EXPECT_HAS(e, "transcripts.csv: line 32: column '");
    EXPECT_HAS(e, "is not finite");
  }
}

// The same section bound as every reader (sectionUm): a coordinate beyond ±1 m is garbage, not
// a position (it was read as one before).
TEST(XeniumOutput, CoordinateBeyondAMetreIsRefusedWithItsLine) {
  ScratchDirectory dir;
  writeText(dir / "transcripts.csv", transcriptsCsv("30,1,0,Gad1,2e6,20,4.5,40\n"));
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "transcripts.csv: line 32: column 'x_location': 2e6 µm lies beyond ±1 m");
}

TEST(XeniumOutput, GarbageQvIsRefusedWithItsLine) {
  ScratchDirectory dir;
  writeText(dir / "transcripts.csv", transcriptsCsv("30,1,0,Gad1,10,20,4.5,high\n"));
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "transcripts.csv: line 32: column 'qv': 'high' is not a number");
  writeText(dir / "transcripts.csv", transcriptsCsv("30,1,0,,10,20,4.5,40\n"));
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "line 32: column 'feature_name' is empty");
}

TEST(XeniumOutput, BadManifestAndBoundariesAreNamed) {
  ScratchDirectory dir;
  writeText(dir / "transcripts.csv", transcriptsCsv());
  writeText(dir / "experiment.xenium", R"({"pixel_size": -1})");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "experiment.xenium: field 'pixel_size' is not a positive number");
  writeText(dir / "experiment.xenium", R"({"z_step_size": "3"})");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "field 'z_step_size' is not a positive number");
  writeText(dir / "experiment.xenium", "{ not json");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }), "experiment.xenium: not valid JSON");
  fs::remove(dir / "experiment.xenium");
  writeText(dir / "cell_boundaries.csv", "cell_id,vertex_x,vertex_y\na,1,2\na,2,nan\n");
  const auto d = loadSpatialDataset(dir.path());
  ASSERT_EQ(d.cellBoundaries.size(), 1u);
  EXPECT_HAS(errorOf([&] { readCellBoundaryFile(d.cellBoundaries[0]); }),
             "cell_boundaries.csv: line 3: column 'vertex_y': 'nan' is not finite");
  writeText(dir / "cell_boundaries.csv", "cell_id,vertex_x,vertex_y\na,1,2\na,2,3\n");
  EXPECT_HAS(errorOf([&] { readCellBoundaryFile(d.cellBoundaries[0]); }),
             "cell 'a' has fewer than 3 vertices");
}

TEST(XeniumOutput, NoManifestUsesTenXDefaultsAndFiltersTheSmallFolder) {
  ScratchDirectory dir;
  writeText(dir / "transcripts.csv", transcriptsCsv());
  const auto d = loadSpatialDataset(dir.path());
  const auto& t = transcriptsOf(d);
  EXPECT_EQ(d.qualityFilter->rowsBefore, 30u);
  EXPECT_EQ(d.qualityFilter->rowsKept, 20u);  // every third row has qv 15.5
  EXPECT_EQ(t.genes.size(), 3u);
  EXPECT_EQ(t.genes.controlCount(), 1u);
  EXPECT_EQ(t.placement.planeSpacingUm, 3.0);
  EXPECT_EQ(t.planeCount(), 1);
  EXPECT_TRUE(d.panelName.empty());
}

// The morphology image named by experiment.xenium: a DAPI stain placed by pixel_size alone
// (pixel (0, 0) at µm (0, 0)), read by window.
TEST(XeniumOutput, MorphologyImageIsReadByWindowAtThePixelSize) {
  ScratchDirectory dir;
  writeText(dir / "transcripts.csv", transcriptsCsv());
  writeText(dir / "experiment.xenium",
            R"({"pixel_size": 0.5, "z_step_size": 3.0, "panel_name": "Test panel",
                "images": {"morphology_filepath": "morphology.ome.tif",
                           "morphology_mip_filepath": "morphology_mip.ome.tif",
                           "morphology_focus_filepath": "morphology_focus.ome.tif"}})");
  {
    const int w = 150, h = 100, tile = 64;
    TiledTiffWriter writer(dir / "morphology_mip.ome.tif", w, h, tile);
    for (std::int64_t r = 0; r < writer.tileRows(); ++r)
      for (std::int64_t c = 0; c < writer.tileCols(); ++c) {
        std::vector<std::uint16_t> pixels(std::size_t(tile * tile), 0);
        for (int y = 0; y < tile; ++y)
          for (int x = 0; x < tile; ++x)
            pixels[std::size_t(y * tile + x)] =
                std::uint16_t(c * tile + x >= 40 && c * tile + x < 60 ? 1000 : 10);
        writer.writeTile(r, c, pixels);
      }
    writer.commit();
  }
  // The focus image is named first but absent: the MIP is taken.
  const auto d = loadSpatialDataset(dir.path());
  ASSERT_EQ(d.stains.size(), 1u);
  EXPECT_EQ(d.stains[0].stain, "DAPI");
  EXPECT_EQ(d.stains[0].file.filename(), "morphology_mip.ome.tif");
  ASSERT_TRUE(d.stainPixelUm);
  EXPECT_EQ(*d.stainPixelUm, 0.5);
  EXPECT_EQ(d.panelName, "Test panel");
  const StainImageSource image = d.openStain(d.stains[0]);
  EXPECT_EQ(image.width(), 150);
  EXPECT_EQ(image.height(), 100);
  EXPECT_DOUBLE_EQ(image.pixelUm(), 0.5);
  EXPECT_DOUBLE_EQ(image.extent().xMin, 0.0);
  EXPECT_DOUBLE_EQ(image.extent().xMax, 75.0);
  EXPECT_DOUBLE_EQ(image.extent().yMax, 50.0);
  // Columns 40..59 are bright: a window across them reads them, 16-bit scaled to 8.
  const auto window = image.readWindow(38, 10, 4, 1);
  ASSERT_EQ(window.size(), 4u);
  EXPECT_LT(window[0], window[2]);
  EXPECT_EQ(window[2], 255);
  // The molecules (x 10..24.5 µm) land on the image's 75 × 50 µm.
  const MosaicCoverage coverage = measureMosaicCoverage(d);
  EXPECT_EQ(coverage.insideMosaic, coverage.molecules);
  // Only the stains: no transcripts read.
  const auto stainsOnly = loadSpatialDataset(dir.path(), {}, DatasetContent::StainImagesOnly);
  EXPECT_EQ(stainsOnly.stains.size(), 1u);
  EXPECT_EQ(transcriptsOf(stainsOnly).size(), 0u);
  EXPECT_THROW(StainImageSource(dir / "morphology_mip.ome.tif", 0.0), FileError);
}

// Writes the fixture's transcripts and cell boundaries as Parquet into `out` with
// hyparquet-writer (node); `nullXRow`: that row's x_location is null. False when node or the
// package is absent.
bool writeXeniumParquet(const fs::path& sample, const fs::path& out, const std::string& nullXRow) {
  const fs::path tools = fs::path(TERAMIND_BASELINE_DIR).parent_path() / "tools";
  if (std::system("command -v node >/dev/null 2>&1") != 0 ||
      !fs::exists(tools / "node_modules" / "hyparquet-writer"))
    return false;
  const std::string command = "node '" + (tools / "write-xenium-parquet.mjs").string() + "' '" +
                              (sample / "transcripts.csv").string() + "' '" +
                              (sample / "cell_boundaries.csv").string() + "' '" + out.string() +
                              "' " + nullXRow;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return true;
}
#define SKIP_WITHOUT_HYPARQUET                                                                 \
  GTEST_SKIP() << "node or hyparquet-writer is missing (tests/tools/install-node-packages.sh " \
                  "installs it): the Parquet files cannot be written"

// transcripts.parquet and cell_boundaries.parquet written by hyparquet-writer (node) from the
// fixture's CSVs: the same table and outlines as the CSVs give.
TEST(XeniumOutput, ParquetEqualsCsv) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  ScratchDirectory dir;
  const fs::path sample = xeniumFixture("sample1");
  fs::copy_file(sample / "experiment.xenium", dir / "experiment.xenium");
  if (!writeXeniumParquet(sample, dir.path(), "")) SKIP_WITHOUT_HYPARQUET;
  EXPECT_EQ(detectSpatialFormat(dir / "transcripts.parquet"), SpatialFormat::XeniumOutput);
  const auto csv = loadSpatialDataset(sample);
  const auto parquet = loadSpatialDataset(dir.path());
  const auto &a = transcriptsOf(csv), &b = transcriptsOf(parquet);
  EXPECT_EQ(parquet.qualityFilter->rowsBefore, 962u);
  EXPECT_EQ(parquet.qualityFilter->rowsKept, 777u);
  EXPECT_EQ(a.genes, b.genes);
  EXPECT_EQ(a.x, b.x);  // float32 in both
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(a.plane, b.plane);
  EXPECT_EQ(a.gene, b.gene);
  ASSERT_EQ(parquet.cellBoundaries.size(), 1u);
  EXPECT_EQ(parquet.cellBoundaries[0].file.filename(), "cell_boundaries.parquet");
  const auto fromParquet = readCellBoundaryFile(parquet.cellBoundaries[0]);
  const auto fromCsv = readCellBoundaryFile(csv.cellBoundaries[0]);
  ASSERT_EQ(fromParquet.size(), fromCsv.size());
  for (std::size_t c = 0; c < fromCsv.size(); ++c) {
    EXPECT_EQ(fromParquet[c].id, fromCsv[c].id);
    ASSERT_EQ(fromParquet[c].vertices.size(), fromCsv[c].vertices.size());
    for (std::size_t v = 0; v < fromCsv[c].vertices.size(); ++v)
      EXPECT_EQ(float(fromParquet[c].vertices[v].first), float(fromCsv[c].vertices[v].first));
  }
}

// A null coordinate in a Parquet table is named by its row group and row.
TEST(XeniumOutput, ParquetNullCoordinateIsRefused) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  ScratchDirectory dir;
  if (!writeXeniumParquet(xeniumFixture("sample1"), dir.path(), "310")) SKIP_WITHOUT_HYPARQUET;
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "transcripts.parquet: row group 1, row 310: column 'x_location' is null or NaN");
}

// Parquet that is not Xenium's transcripts, or Parquet given a column map, is named as such,
// not read as a text table whose header is "PAR1" (review item 13).
TEST(XeniumOutput, ParquetWithoutTranscriptColumnsIsNamed) {
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/xenium_mouse_brain_tiny");
  ScratchDirectory dir;
  if (!writeXeniumParquet(xeniumFixture("sample1"), dir.path(), "")) SKIP_WITHOUT_HYPARQUET;
  const std::string e = errorOf([&] { detectSpatialFormat(dir / "cell_boundaries.parquet"); });
  EXPECT_HAS(e, "Parquet without Xenium's transcript columns");
  EXPECT_HAS(e, "its columns: cell_id");
  EXPECT_EQ(e.find("PAR1"), std::string::npos) << e;
  DatasetReadOptions options;
  options.columns = SpotTableColumns{"feature_name", "x_location", "y_location", ""};
  const std::string mapped =
      errorOf([&] { detectSpatialFormat(dir / "transcripts.parquet", options); });
  EXPECT_HAS(mapped, "is Parquet: a column map (--columns) reads CSV/TSV spot tables");
}

// Xenium before 1.3 wrote cell_id as INT64: ids above 2^53 must stay apart (through a double,
// 2^53 and 2^53 + 1 are the same number and the two cells would merge into one outline).
TEST(XeniumOutput, ParquetIntegerCellIdsAreExact) {
  using test::FlatParquetColumn;
  ScratchDirectory dir;
  const std::int64_t big = std::int64_t(1) << 53;
  FlatParquetColumn id{"cell_id", FlatParquetColumn::Int64, {}};
  FlatParquetColumn x{"vertex_x", FlatParquetColumn::Double, {}};
  FlatParquetColumn y{"vertex_y", FlatParquetColumn::Double, {}};
  for (std::int64_t cell = 0; cell < 2; ++cell)
    for (const auto& [vx, vy] : {std::pair{0.0, 0.0}, {4.0, 0.0}, {0.0, 4.0}}) {
      id.values.push_back(test::plainInt64(big + cell));
      x.values.push_back(test::plainDouble(vx + 10.0 * double(cell)));
      y.values.push_back(test::plainDouble(vy));
    }
  const fs::path file = dir / "cell_boundaries.parquet";
  std::ofstream(file, std::ios::binary) << test::flatParquet({id, x, y});
  const auto cells = readXeniumBoundaries(file);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].id, "9007199254740992");
  EXPECT_EQ(cells[1].id, "9007199254740993");
  EXPECT_EQ(cells[1].vertices.front(), (std::pair{10.0, 0.0}));
}

}  // namespace
}  // namespace teramind
