#include <zlib.h>

#include <cmath>
#include <fstream>
#include <numeric>
#include <stdexcept>

#include <gtest/gtest.h>

#include "common/FileError.h"
#include "io/SpatialDataset.h"
#include "support/FileErrorOf.h"
#include "support/TestData.h"
#include "support/TestFiles.h"
#include "transcriptomics/SectionCoordinates.h"
#include "transcriptomics/SpotTableColumns.h"
#include "transcriptomics/SpotTableReader.h"

namespace teramind {
namespace {

using test::errorOf;
using test::ScratchDirectory;
using test::writeGzip;
using test::writeText;

template <typename Call>
std::string invalidArgumentOf(Call&& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected std::invalid_argument";
  return {};
}

#define EXPECT_HAS(text, part)                               \
  EXPECT_NE(std::string(text).find(part), std::string::npos) \
      << "'" << (text) << "' lacks '" << (part) << "'"

const SpotTableColumns kPciSeq{"Gene", "x", "y", ""};

// pciSeq's spots.csv as ISS pipelines write it: Gene, x, y in pixels.
const char* kSpots =
    "Gene,x,y\n"
    "Slc17a7,100,200\n"
    "Gad1,102.5,4\n"
    "Slc17a7,0,0\n"
    "Blank-0003,10,10\n"
    "NegPrb7,11,12\n";

// The one section policy every reader uses (review items 16 and 17).
TEST(SectionCoordinates, BoundAndPlanes) {
  EXPECT_EQ(sectionUm(12.5, 2), 25.0f);
  EXPECT_EQ(sectionUm(-1e6), -1e6f);
  EXPECT_FALSE(sectionUm(1e6 + 1));
  EXPECT_FALSE(sectionUm(1e10, 0.1625));
  EXPECT_FALSE(sectionUm(std::nan("")));
  EXPECT_FALSE(sectionUm(1e300, 1e300));
  EXPECT_TRUE(isPlaneIndex(0));
  EXPECT_TRUE(isPlaneIndex(4095));
  EXPECT_FALSE(isPlaneIndex(4096));
  EXPECT_FALSE(isPlaneIndex(-1));
  EXPECT_FALSE(isPlaneIndex(2.5));
  EXPECT_FALSE(isPlaneIndex(std::nan("")));
  // Xenium: 3 µm planes from the lowest z rounded down to 3 µm.
  const PlaneCut um(12.35, 3);
  EXPECT_EQ(um.origin(), 12);
  EXPECT_EQ(um.plane(12.35), 0);
  EXPECT_EQ(um.plane(17.9), 1);
  EXPECT_FALSE(um.plane(12 + 3.0 * 4096));
  // CosMx: focal slices from the lowest, which may be below 0.
  const PlaneCut slices(-1, 1);
  EXPECT_EQ(slices.plane(-1), 0);
  EXPECT_EQ(slices.plane(2), 3);
  EXPECT_EQ(slices.plane(4094), 4095);
  EXPECT_FALSE(slices.plane(4095));
}

TEST(SpotTableColumns, ParsesKeysInAnyOrder) {
  const auto c = parseSpotTableColumns("y=Y_px,gene=target,x=X_px,z=plane");
  EXPECT_EQ(c.gene, "target");
  EXPECT_EQ(c.x, "X_px");
  EXPECT_EQ(c.y, "Y_px");
  EXPECT_EQ(c.z, "plane");
  EXPECT_EQ(formatSpotTableColumns(c), "gene=target,x=X_px,y=Y_px,z=plane");
  const auto flat = parseSpotTableColumns("gene=Gene,x=x,y=y");
  EXPECT_TRUE(flat.z.empty());
  EXPECT_EQ(formatSpotTableColumns(flat), "gene=Gene,x=x,y=y");
  EXPECT_EQ(formatSpotTableColumns(parseSpotTableColumns(formatSpotTableColumns(c))),
            formatSpotTableColumns(c));
}

TEST(SpotTableColumns, RefusesBadMapsSayingWhy) {
  EXPECT_HAS(invalidArgumentOf([] { parseSpotTableColumns("x=x,y=y"); }), "lacks 'gene=COLUMN'");
  EXPECT_HAS(invalidArgumentOf([] { parseSpotTableColumns("gene=g,x=x"); }), "lacks 'y=COLUMN'");
  EXPECT_HAS(invalidArgumentOf([] { parseSpotTableColumns("gene=g,x=x,y=y,cell=c"); }),
             "unknown key 'cell'");
  EXPECT_HAS(invalidArgumentOf([] { parseSpotTableColumns("gene=g,x=x,x=x2,y=y"); }),
             "key 'x' is given twice");
  EXPECT_HAS(invalidArgumentOf([] { parseSpotTableColumns("gene,x=x,y=y"); }),
             "'gene' is not KEY=COLUMN");
  EXPECT_HAS(invalidArgumentOf([] { parseSpotTableColumns("gene=,x=x,y=y"); }),
             "is not KEY=COLUMN");
  EXPECT_HAS(invalidArgumentOf([] { parseSpotTableColumns(""); }), "lacks 'gene=COLUMN'");
}

TEST(SpotTable, ReadsPixelsAsMicrometres) {
  ScratchDirectory dir;
  writeText(dir / "spots.csv", kSpots);
  std::vector<double> fractions;
  const auto t =
      readSpotTable(dir / "spots.csv", kPciSeq, 0.5, [&](double f) { fractions.push_back(f); });
  ASSERT_EQ(t.size(), 5u);
  EXPECT_FLOAT_EQ(t.x[0], 50.0f);
  EXPECT_FLOAT_EQ(t.y[0], 100.0f);
  EXPECT_FLOAT_EQ(t.x[1], 51.25f);
  EXPECT_FLOAT_EQ(t.y[1], 2.0f);
  EXPECT_EQ(t.planeCount(), 1);
  EXPECT_EQ(t.genes.name(t.gene[2]), "Slc17a7");
  EXPECT_EQ(t.gene[0], t.gene[2]);
  // Controls are flagged by name, as for every other reader.
  EXPECT_EQ(t.genes.geneCount(), 2u);
  EXPECT_EQ(t.genes.controlCount(), 2u);
  EXPECT_EQ(t.geneTranscriptCount(), 3u);
  EXPECT_EQ(t.controlTranscriptCount(), 2u);
  ASSERT_FALSE(fractions.empty());
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
}

TEST(SpotTable, ReadsTsvByNameOrHeaderAndGzip) {
  ScratchDirectory dir;
  std::string tsv = kSpots;
  for (char& c : tsv)
    if (c == ',') c = '\t';
  writeText(dir / "spots.csv", kSpots);
  writeText(dir / "spots.tsv", tsv);
  writeGzip(dir / "spots.tsv.gz", tsv);
  writeText(dir / "spots.txt", tsv);
  writeText(dir / "spots.table", tsv);  // no telling name: the header's tabs say it
  writeGzip(dir / "spots.csv.gz", kSpots);
  // Quoted fields, as R's write.csv writes them.
  writeText(dir / "quoted.csv",
            "\"Gene\",\"x\",\"y\"\n\"Slc17a7\",100,200\n\"Gad1\",102.5,4\n\"Slc17a7\",0,0\n"
            "\"Blank-0003\",10,10\n\"NegPrb7\",11,12\n");
  const auto reference = readSpotTable(dir / "spots.csv", kPciSeq, 0.1625);
  for (const auto* name :
       {"spots.tsv", "spots.tsv.gz", "spots.txt", "spots.table", "spots.csv.gz", "quoted.csv"}) {
    SCOPED_TRACE(name);
    const auto t = readSpotTable(dir / name, kPciSeq, 0.1625);
    EXPECT_EQ(t.x, reference.x);
    EXPECT_EQ(t.y, reference.y);
    EXPECT_EQ(t.gene, reference.gene);
    EXPECT_TRUE(t.genes == reference.genes);
  }
}

TEST(SpotTable, ZIsAPlaneIndex) {
  ScratchDirectory dir;
  writeText(dir / "z.csv", "Gene,x,y,plane_id\nA,1,1,0\nB,2,2,3\nA,3,3,2.0\n");
  const auto t =
      readSpotTable(dir / "z.csv", parseSpotTableColumns("gene=Gene,x=x,y=y,z=plane_id"), 1);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.plane, (std::vector<std::uint16_t>{0, 3, 2}));
  EXPECT_EQ(t.planeCount(), 4);
  // Without z in the map the same table is one plane.
  EXPECT_EQ(readSpotTable(dir / "z.csv", kPciSeq, 1).planeCount(), 1);

  writeText(dir / "um.csv", "Gene,x,y,z\nA,1,1,0\nB,2,2,4.37\n");
  const auto e = errorOf(
      [&] { readSpotTable(dir / "um.csv", parseSpotTableColumns("gene=Gene,x=x,y=y,z=z"), 1); });
  EXPECT_HAS(e, "um.csv: line 3: column 'z': 4.37 is not a z-plane index");
  EXPECT_HAS(e, "leaving z out of --columns");
  writeText(dir / "negative.csv", "Gene,x,y,z\nA,1,1,-1\n");
  EXPECT_HAS(errorOf([&] {
               readSpotTable(dir / "negative.csv", parseSpotTableColumns("gene=Gene,x=x,y=y,z=z"),
                             1);
             }),
             "line 2: column 'z': -1 is not a z-plane index");
}

TEST(SpotTable, BinningKeepsEveryGeneMolecule) {
  ScratchDirectory dir;
  std::string text = "Gene,x,y\n";
  // 3 genes and a control on a 40 × 30 px field, some molecules sharing bins.
  std::size_t genes = 0;
  for (int i = 0; i < 600; ++i) {
    const char* name = i % 7 == 0   ? "Blank-1"
                       : i % 3 == 0 ? "Gad1"
                       : i % 3 == 1 ? "Slc17a7"
                                    : "Pvalb";
    if (i % 7 != 0) ++genes;
    text += std::string(name) + "," + std::to_string((i * 37) % 400 / 10.0) + "," +
            std::to_string((i * 53) % 300 / 10.0) + "\n";
  }
  writeText(dir / "spots.csv", text);
  DatasetReadOptions options;
  options.columns = kPciSeq;
  options.pixelUm = 0.1625;
  const auto dataset = loadSpatialDataset(dir / "spots.csv", {}, DatasetContent::All, options);
  EXPECT_EQ(dataset.format, SpatialFormat::SpotTable);
  ASSERT_NE(dataset.transcripts(), nullptr);
  EXPECT_EQ(dataset.transcripts()->geneTranscriptCount(), genes);
  BinningOptions binning;
  binning.binUm = 1.0;
  const auto result = binDataset(dataset, binning);
  EXPECT_EQ(result.binned, double(genes));
  EXPECT_EQ(result.notInPanel, 600.0 - double(genes));
  EXPECT_EQ(result.outsideGrid, 0.0);
  // 40 px × 0.1625 µm = 6.5 µm wide: the grid is in µm, not pixels.
  EXPECT_LE(result.condition.grid().width, 8);
  EXPECT_LE(result.condition.grid().height, 6);
}

TEST(SpotTable, MissingColumnIsNamed) {
  ScratchDirectory dir;
  writeText(dir / "spots.csv", kSpots);
  const auto e = errorOf(
      [&] { readSpotTable(dir / "spots.csv", parseSpotTableColumns("gene=gene,x=x,y=y"), 1); });
  EXPECT_HAS(e, "spots.csv: line 1 (the header): no column 'gene' for the column map's gene=gene");
  EXPECT_HAS(e, "its columns: Gene, x, y");
  EXPECT_HAS(errorOf([&] {
               readSpotTable(dir / "spots.csv", parseSpotTableColumns("gene=Gene,x=x,y=y,z=z"), 1);
             }),
             "no column 'z' for the column map's z=z");
}

TEST(SpotTable, UnknownPixelSizeIsRefused) {
  ScratchDirectory dir;
  writeText(dir / "spots.csv", kSpots);
  DatasetReadOptions options;
  options.columns = kPciSeq;
  const auto e =
      errorOf([&] { loadSpatialDataset(dir / "spots.csv", {}, DatasetContent::All, options); });
  EXPECT_HAS(e, "spots.csv: a spot table needs its pixel size: give --pixel-um");
  EXPECT_HAS(e, "1 if the table is in µm");
  options.pixelUm = 0;
  EXPECT_HAS(
      errorOf([&] { loadSpatialDataset(dir / "spots.csv", {}, DatasetContent::All, options); }),
      "--pixel-um must be a positive number");
  EXPECT_HAS(errorOf([&] { readSpotTable(dir / "spots.csv", kPciSeq, std::nan("")); }),
             "is not a positive number");
}

TEST(SpotTable, NonFiniteAndAbsurdCoordinatesAreNamed) {
  ScratchDirectory dir;
  const auto errorFor = [&](const std::string& row) {
    writeText(dir / "bad.csv", std::string("Gene,x,y\nA,1,2\n") + row + "\nA,3,4\n");
    return errorOf([&] { readSpotTable(dir / "bad.csv", kPciSeq, 0.1625); });
  };
  EXPECT_HAS(errorFor("A,inf,2"), "bad.csv: line 3: column 'x': 'inf' is not finite");
  EXPECT_HAS(errorFor("A,1,nan"), "bad.csv: line 3: column 'y': 'nan' is not finite");
  EXPECT_HAS(errorFor("A,NA,2"), "line 3: column 'x': 'NA' is not a number");
  EXPECT_HAS(errorFor("A,1,"), "line 3: column 'y': '' is not a number");
  EXPECT_HAS(errorFor("A,1e300,2"), "line 3: column 'x'");
  const auto far = errorFor("A,1,1e10");
  EXPECT_HAS(far, "line 3: column 'y': 1e10 × 0.1625 µm");
  EXPECT_HAS(far, "beyond ±1 m");
  EXPECT_HAS(errorFor(",1,2"), "line 3: column 'Gene' (the gene) is empty");
  EXPECT_HAS(errorFor("A,1"), "line 3: has 2 fields, the header has 3");
  writeText(dir / "empty.csv", "Gene,x,y\n");
  EXPECT_HAS(errorOf([&] { readSpotTable(dir / "empty.csv", kPciSeq, 1); }), "holds no molecules");
}

TEST(SpotTable, KnownLayoutsWithoutAMapSayWhichFlags) {
  ScratchDirectory dir;
  writeText(dir / "pciseq.csv", kSpots);
  auto e = errorOf([&] { loadSpatialDataset(dir / "pciseq.csv"); });
  EXPECT_HAS(e, "pciseq.csv: looks like a pciSeq spot table (Gene, x, y in pixels)");
  EXPECT_HAS(e, "--columns gene=Gene,x=x,y=y --pixel-um <µm per pixel>");
  std::string tsv = kSpots;
  for (char& c : tsv)
    if (c == ',') c = '\t';
  writeText(dir / "pciseq.tsv", tsv);
  EXPECT_HAS(errorOf([&] { detectSpatialFormat(dir / "pciseq.tsv"); }), "pciSeq spot table");

  writeText(dir / "segmentation.csv",
            "x,y,z,gene,molecule_id,prior_segmentation,confidence,cluster,cell,"
            "assignment_confidence,is_noise,ncv_color\n"
            "1.5,2.5,0.8,Gad1,1,0,0.9,1,CR1,0.8,false,#aabbcc\n");
  e = errorOf([&] { detectSpatialFormat(dir / "segmentation.csv"); });
  EXPECT_HAS(e, "looks like a Baysor segmentation table");
  EXPECT_HAS(e, "--columns gene=gene,x=x,y=y --pixel-um");

  writeGzip(dir / "transcript-metadata.csv.gz",
            "transcript_id,x,y,z,observed_x,observed_y,observed_z,gene,assignment,probability,"
            "background,confusion,fov\n1,1.5,2.5,0.8,1.4,2.6,0.8,Gad1,3,0.9,0,0,0\n");
  e = errorOf([&] { detectSpatialFormat(dir / "transcript-metadata.csv.gz"); });
  EXPECT_HAS(e, "looks like a proseg transcript table");
  EXPECT_HAS(e, "--columns gene=gene,x=x,y=y --pixel-um 1");

  writeText(dir / "other.csv", "GENE,X,Y,qual\nA,1,2,30\n");
  EXPECT_HAS(errorOf([&] { detectSpatialFormat(dir / "other.csv"); }),
             "looks like a spot table (GENE, X, Y): read it with --columns gene=GENE,x=X,y=Y");

  // The map's flags do read them.
  DatasetReadOptions options;
  options.columns = parseSpotTableColumns("gene=gene,x=x,y=y");
  options.pixelUm = 1;
  EXPECT_EQ(loadSpatialDataset(dir / "transcript-metadata.csv.gz", {}, DatasetContent::All, options)
                .transcripts()
                ->size(),
            1u);
  // A table that is none of these is still "not recognised".
  writeText(dir / "nothing.csv", "a,b\n1,2\n");
  EXPECT_HAS(errorOf([&] { detectSpatialFormat(dir / "nothing.csv"); }),
             "not a recognised spatial transcriptomics table");
}

void writeManifest(const std::filesystem::path& file, const std::string& transcripts) {
  writeText(file, R"({"format": "teramind-spatial-dataset", "version": 1, "name": "iss",
                      "plane_spacing_um": 2.0, "transcripts": )" +
                      transcripts + "}");
}

TEST(SpotTable, ManifestNamesTheTableWithItsMap) {
  ScratchDirectory dir;
  writeGzip(dir / "spots.csv.gz", kSpots);
  writeManifest(dir / "dataset.json",
                R"({"file": "spots.csv.gz", "columns": "gene=Gene,x=x,y=y", "pixel_um": 0.5})");
  const auto dataset = loadSpatialDataset(dir.path());
  EXPECT_EQ(dataset.format, SpatialFormat::DatasetManifest);
  ASSERT_NE(dataset.transcripts(), nullptr);
  const auto& t = *dataset.transcripts();
  ASSERT_EQ(t.size(), 5u);
  EXPECT_FLOAT_EQ(t.x[0], 50.0f);
  EXPECT_DOUBLE_EQ(t.placement.planeSpacingUm, 2.0);
  // Only the stains asked for: the table is not read.
  EXPECT_EQ(
      loadSpatialDataset(dir.path(), {}, DatasetContent::StainImagesOnly).transcripts()->size(),
      0u);

  // Without pixel_um: refused, unless --pixel-um gives it.
  writeManifest(dir / "dataset.json",
                R"({"file": "spots.csv.gz", "columns": "gene=Gene,x=x,y=y"})");
  const auto e = errorOf([&] { loadSpatialDataset(dir.path()); });
  EXPECT_HAS(
      e,
      "dataset.json: a spot table needs its pixel size: give transcripts.pixel_um (or --pixel-um)");
  DatasetReadOptions options;
  options.pixelUm = 0.25;
  EXPECT_FLOAT_EQ(
      loadSpatialDataset(dir.path(), {}, DatasetContent::All, options).transcripts()->x[0], 25.0f);

  writeManifest(dir / "dataset.json",
                R"({"file": "spots.csv.gz", "columns": "gene=Gene,x=x", "pixel_um": 0.5})");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "dataset.json: transcripts.columns: the column map lacks 'y=COLUMN'");
  writeManifest(dir / "dataset.json",
                R"({"file": "spots.csv.gz", "columns": "gene=Gene,x=x,y=y", "pixel_um": -1})");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "transcripts.pixel_um (or --pixel-um) must be a positive number");
  writeManifest(dir / "dataset.json", R"({"columns": "gene=Gene,x=x,y=y", "pixel_um": 0.5})");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }), "malformed manifest");
  // A bad row inside the table is named by the table's own file and line.
  writeText(dir / "bad.csv", "Gene,x,y\nA,1,2\nA,x,2\n");
  writeManifest(dir / "dataset.json",
                R"({"file": "bad.csv", "columns": "gene=Gene,x=x,y=y", "pixel_um": 0.5})");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(dir.path()); }),
             "bad.csv: line 3: column 'x': 'x' is not a number");
}

}  // namespace
}  // namespace teramind
