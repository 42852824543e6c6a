#include <zlib.h>

#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <tuple>

#include <gtest/gtest.h>

#include "common/FileError.h"
#include "io/ConditionFile.h"
#include "io/MorphologyImageFile.h"
#include "io/SpatialDataset.h"
#include "support/FileErrorOf.h"
#include "support/TestData.h"
#include "support/TestFiles.h"
#include "transcriptomics/ConditionBinner.h"
#include "transcriptomics/DelimitedTextReader.h"
#include "transcriptomics/GenePanel.h"
#include "transcriptomics/TextFormatReaders.h"

namespace teramind {
namespace {

using test::errorOf;
using test::ScratchDirectory;
using test::writeGzip;
using test::writeText;

TEST(GeneCatalogue, FlagsControlBarcodes) {
  GeneCatalogue genes;
  genes.add("Slc17a7");
  genes.add("Blank-12");
  genes.add("NegControlProbe_0001");
  genes.add("Gad1");
  EXPECT_EQ(genes.add("Slc17a7"), 0u);
  EXPECT_EQ(genes.size(), 4u);
  EXPECT_EQ(genes.geneCount(), 2u);
  EXPECT_EQ(genes.controlCount(), 2u);
  EXPECT_TRUE(genes.isControl(1));
  EXPECT_EQ(genes.geneNames(), (std::vector<std::string>{"Slc17a7", "Gad1"}));
  // Every vendor's control prefixes, in any case.
  for (const char* name : {"BLANK_0006", "NegControlCodeword_0500", "UnassignedCodeword_0001",
                           "DeprecatedCodeword_0001", "Intergenic_Region_12", "NegPrb3",
                           "SystemControl12", "FalseCode5", "falsecode0012"})
    EXPECT_TRUE(GeneCatalogue::isControlName(name)) << name;
  for (const char* name : {"Gfap", "Negr1", "Falz", "Sys1"})
    EXPECT_FALSE(GeneCatalogue::isControlName(name)) << name;
}

TEST(DelimitedTextReader, ReadsQuotedFieldsAndGzip) {
  ScratchDirectory dir;
  writeGzip(dir / "t.csv.gz", "a,b,c\n1,\"x, \"\"y\"\"\",3\r\n\n4,5,6\n");
  DelimitedTextReader in(dir / "t.csv.gz");
  EXPECT_EQ(in.readHeader(), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(in.next());
  EXPECT_EQ(in.field(1), "x, \"y\"");
  EXPECT_EQ(in.number(2), 3.0);
  ASSERT_TRUE(in.next());
  EXPECT_EQ(in.lineNumber(), 4u);
  EXPECT_EQ(in.number(0), 4.0);
  EXPECT_FALSE(in.next());
}

TEST(VizgenTranscripts, RealCropCounts) {
  TERAMIND_REQUIRE_SHARED_DATA("vizgen_merscope_mouse_brain_mini/vizgen_transcripts.gz");
  int progressCalls = 0;
  double lastFraction = 0;
  const TranscriptTable t = readVizgenTranscripts(sharedData, [&](double f) {
    ++progressCalls;
    EXPECT_GE(f, lastFraction);
    lastFraction = f;
  });
  EXPECT_EQ(t.size(), 80343u);
  EXPECT_EQ(t.genes.size(), 559u);
  EXPECT_EQ(t.genes.geneCount(), 450u);
  EXPECT_EQ(t.genes.controlCount(), 109u);
  EXPECT_EQ(t.planeCount(), 2);
  EXPECT_GT(progressCalls, 2);
  EXPECT_DOUBLE_EQ(lastFraction, 1.0);
  const auto counts = t.countsPerFeature();
  const auto top = std::max_element(counts.begin(), counts.end()) - counts.begin();
  EXPECT_EQ(t.genes.name(std::uint32_t(top)), "Slc17a7");
  EXPECT_EQ(t.geneTranscriptCount() + t.controlTranscriptCount(), 80343u);
  const auto [minX, maxX] = std::minmax_element(t.x.begin(), t.x.end());
  EXPECT_GE(*minX, 6400.0f);
  EXPECT_LE(*maxX, 6900.1f);
}

// Mean stain intensity at transcript positions, optionally with y mirrored in the crop.
double meanAtTranscripts(const TranscriptTable& t, const Image3D<std::uint8_t>& image, bool flipY) {
  const auto& frame = image.frame();
  const double yLo = frame.origin()[1] - 0.5 * frame.spacing()[1];
  const double yHi = yLo + double(image.dims()[1]) * frame.spacing()[1];
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double y = flipY ? yLo + yHi - t.y[i] : t.y[i];
    if (auto voxel = frame.physicalToVoxel({t.x[i], y, 0}, image.dims())) {
      sum += image((*voxel)[0], (*voxel)[1], 0);
      ++n;
    }
  }
  return sum / double(n);
}

TEST(BundledDemo, DapiIsBrightWhereTranscriptsAre) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  ASSERT_NE(demo.transcripts(), nullptr);
  EXPECT_EQ(demo.transcripts()->size(), 80343u);
  ASSERT_EQ(demo.stains.size(), 4u);
  EXPECT_NEAR(demo.placement().planeSpacingUm, 1.5, 1e-12);
  // The stated placement puts the crop centre in layer 5 of the right SSp.
  const Vec3 centre = demo.placement().sectionToAtlas.apply({6650, 4925, 0});
  EXPECT_NEAR(centre[0], 5000, 1e-9);
  EXPECT_NEAR(centre[1], 2000, 1e-9);
  EXPECT_NEAR(centre[2], 8200, 1e-9);

  const Image3D<std::uint8_t> dapi = demo.readStain(demo.stains[0]);
  EXPECT_EQ(dapi.dims(), (Size3{4603, 4143, 1}));
  EXPECT_NEAR(dapi.frame().spacing()[0], 0.1086265, 1e-6);
  EXPECT_NEAR(dapi.frame().origin()[0], 6400.029 + 0.5 * 0.1086265, 1e-3);
  const auto& v = dapi.voxels();
  const double imageMean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  const double aligned = meanAtTranscripts(*demo.transcripts(), dapi, false);
  const double flipped = meanAtTranscripts(*demo.transcripts(), dapi, true);
  EXPECT_NEAR(imageMean, 32.6, 0.5);
  EXPECT_GT(aligned, 2.0 * imageMean) << "aligned " << aligned << " flipped " << flipped;
  EXPECT_LT(flipped, 0.75 * aligned);
}

TEST(CellPolygons, NegatedYComesBackInSectionMicrons) {
  TERAMIND_REQUIRE_SHARED_DATA("vizgen_merscope_mouse_brain_mini/cell_boundaries/z0_polygons.gz");
  const auto cells = readCellPolygons(sharedData, true);
  EXPECT_EQ(cells.size(), 498u);
  std::size_t vertices = 0;
  for (const auto& c : cells) {
    vertices += c.vertices.size();
    EXPECT_NE(c.vertices.front(), c.vertices.back()) << c.id;  // rings are kept open
  }
  EXPECT_EQ(vertices, 29104u - 498u);  // each file ring repeats its first vertex at its end
  EXPECT_GT(cells.front().vertices.front().second, 4690.0);
  EXPECT_LT(cells.front().vertices.front().second, 5160.0);
}

TEST(CellTables, StarmapIs28GenesBy4000Cells) {
  TERAMIND_REQUIRE_SHARED_DATA("starmap_3d_visp_mini");
  const SpatialDataset d = loadSpatialDataset(sharedData);
  EXPECT_EQ(d.format, SpatialFormat::StarmapPair);
  ASSERT_NE(d.cells(), nullptr);
  EXPECT_EQ(d.cells()->cellCount(), 4000u);
  EXPECT_EQ(d.cells()->genes.size(), 28u);
  EXPECT_EQ(d.cells()->genes.name(0), "Slc17a7");
  EXPECT_EQ(d.cells()->cellIds.front(), "cell_2944");
  const auto [minZ, maxZ] = std::minmax_element(d.cells()->z.begin(), d.cells()->z.end());
  EXPECT_EQ(*minZ, 6.0f);
  EXPECT_EQ(*maxZ, 94.0f);
}

TEST(CellTables, ZhuangMerfishSlice) {
  TERAMIND_REQUIRE_SHARED_DATA("merfish_mop_zhang2021/MERFISH_dataset1_slice1.csv");
  const CellTable t = readCellByGeneCsv(sharedData);
  EXPECT_EQ(t.cellCount(), 2109u);
  EXPECT_EQ(t.genes.size(), 254u);
  EXPECT_EQ(t.genes.name(0), "1700022I11Rik");
  EXPECT_EQ(t.genes.name(253), "Gad1");
  // Roughly 70 % zeros: the sparse table stores the rest only.
  const double density = double(t.entryValue.size()) / double(t.cellCount() * 254);
  EXPECT_GT(density, 0.2);
  EXPECT_LT(density, 0.4);
}

// What `teramind seams` and `fidelity` read of a job's dataset: the stains and their placement,
// not the molecules.
TEST(BundledDemo, StainImagesOnlyReadsNoTranscripts) {
  const SpatialDataset all = loadSpatialDataset(bundledDemoDataset());
  const SpatialDataset stains =
      loadSpatialDataset(bundledDemoDataset(), {}, DatasetContent::StainImagesOnly);
  ASSERT_NE(stains.transcripts(), nullptr);
  EXPECT_EQ(stains.transcripts()->size(), 0u);
  ASSERT_EQ(stains.stains.size(), all.stains.size());
  for (std::size_t i = 0; i < all.stains.size(); ++i) {
    EXPECT_EQ(stains.stains[i].file, all.stains[i].file);
    EXPECT_EQ(stains.stains[i].plane, all.stains[i].plane);
  }
  EXPECT_EQ(stains.micronToPixelTransform, all.micronToPixelTransform);
  EXPECT_TRUE(stains.placement().placed);
  EXPECT_EQ(stains.placement().sectionToAtlas.toRowMajor(),
            all.placement().sectionToAtlas.toRowMajor());
}

TEST(Binning, ConservesEveryGeneCountExactly) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  const TranscriptTable& t = *demo.transcripts();
  BinningOptions options;
  options.binUm = 16 * 0.1086265;
  const BinningResult r = binTranscripts(t, options);
  EXPECT_EQ(r.condition.geneCount(), 450u);
  EXPECT_EQ(r.outsideGrid, 0);
  EXPECT_EQ(r.notInPanel, double(t.controlTranscriptCount()));
  EXPECT_EQ(r.binned, double(t.geneTranscriptCount()));
  const auto counts = t.countsPerFeature();
  for (std::size_t g = 0; g < r.condition.geneCount(); ++g) {
    const auto feature = *t.genes.find(r.condition.geneName(g));
    ASSERT_EQ(r.condition.total(g), double(counts[feature])) << r.condition.geneName(g);
  }
  // 500 × 450 µm at 1.74 µm bins, 2 planes; far fewer stored bins than genes × bins.
  EXPECT_EQ(r.condition.grid().planes, 2);
  EXPECT_NEAR(r.condition.grid().width, 500 / options.binUm, 2);
  EXPECT_LT(r.condition.nonZeroCount(), 80343u);
}

TEST(Binning, PanelOrderAndMissingGenes) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  GenePanel panel{"mine", "", {"Gfap", "NotAGene", "Slc17a7"}};
  BinningOptions options;
  options.binUm = 10;
  const BinningResult r = binTranscripts(*demo.transcripts(), options, &panel);
  EXPECT_EQ(r.condition.geneNames(), panel.genes);
  EXPECT_EQ(r.missingGenes, std::vector<std::string>{"NotAGene"});
  EXPECT_EQ(r.condition.nonZeroCount(1), 0u);
  const auto counts = demo.transcripts()->countsPerFeature();
  EXPECT_EQ(r.condition.total(2), double(counts[*demo.transcripts()->genes.find("Slc17a7")]));
  EXPECT_EQ(r.binned + r.notInPanel, 80343.0);
}

TEST(Binning, MinimumOnABinEdgeStaysInside) {
  // floor(93.5 / 1.1) · 1.1 rounds to 93.50000000000001, above the minimum.
  TranscriptTable t;
  const auto a = t.genes.add("A");
  t.push(93.5f, 0.0f, 0, a);
  t.push(100.0f, 5.0f, 0, a);
  BinningOptions options;
  options.binUm = 1.1;
  const BinningResult r = binTranscripts(t, options);
  EXPECT_EQ(r.binned, 2.0);
  EXPECT_EQ(r.outsideGrid, 0.0);
  EXPECT_EQ(r.condition.total(0), 2.0);
}

TEST(Binning, RefusesWhatAFloatCannotCountExactly) {
  CellTable cells;
  cells.genes.add("A");
  cells.addCell("c1", 0, 0, 0, {16777216.0f});
  cells.addCell("c2", 0, 0, 0, {1.0f});
  BinningOptions options;
  options.binUm = 10;
  EXPECT_THROW(binCells(cells, options), std::invalid_argument);
}

TEST(Binning, ControlsOnlyIsAnError) {
  TranscriptTable t;
  t.push(1, 1, 0, t.genes.add("Blank-1"));
  EXPECT_THROW(binTranscripts(t, {}), std::invalid_argument);
  BinGrid nan;
  nan.originXUm = std::nan("");
  nan.width = nan.height = 1;
  EXPECT_THROW(BinnedCondition(nan, {"A"}), std::invalid_argument);
}

TEST(Binning, FarAwayPointsFallOutsideWithoutOverflow) {
  BinGrid g;
  g.binUm = 1e-3;
  g.width = g.height = 10;
  EXPECT_FALSE(g.contains(g.binAt(1e7, 0, 0)));
  EXPECT_FALSE(g.contains(g.binAt(-1e7, 0, 0)));
  EXPECT_FALSE(g.contains(g.binAt(std::nan(""), 0, 0)));
}

TEST(Binning, CellsGoToTheirCentroidBins) {
  CellTable cells;
  cells.genes.add("A");
  cells.genes.add("B");
  cells.addCell("c1", 0.5f, 0.5f, 0, {2.5f, 0});
  cells.addCell("c2", 0.6f, 0.4f, 0, {1.0f, 4.0f});
  cells.addCell("c3", 25.0f, 5.0f, 0, {0, 1.0f});
  BinningOptions options;
  options.binUm = 10;
  const BinningResult r = binCells(cells, options);
  EXPECT_EQ(r.condition.get(0, {0, 0, 0}), 3.5f);
  EXPECT_EQ(r.condition.get(1, {0, 0, 0}), 4.0f);
  EXPECT_EQ(r.condition.get(1, {2, 0, 0}), 1.0f);
  EXPECT_EQ(r.condition.grid().width, 3);
}

TEST(ConditionFile, VdbRoundTripIsExact) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  GenePanel panel{"p", "", {"Slc17a7", "Gfap", "Gabbr1"}};
  const BinningResult r = binTranscripts(*demo.transcripts(), {}, &panel);
  ScratchDirectory dir;
  writeCondition(dir / "c.vdb", r.condition);
  const BinnedCondition back = readCondition(dir / "c.vdb");
  EXPECT_TRUE(back == r.condition);
  EXPECT_NE(errorOf([&] { readCondition(dir / "missing.vdb"); }).find("does not exist"),
            std::string::npos);
  writeText(dir / "junk.vdb", "not a vdb");
  EXPECT_NE(errorOf([&] {
              readCondition(dir / "junk.vdb");
            }).find("junk.vdb: not a readable OpenVDB file"),
            std::string::npos);
  // A file cut short is an error naming it, not a crash or a huge allocation.
  std::ifstream in(dir / "c.vdb", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  for (std::size_t size : {std::size_t(220), bytes.size() / 3, 2 * bytes.size() / 3}) {
    std::ofstream(dir / "cut.vdb", std::ios::binary).write(bytes.data(), std::streamsize(size));
    EXPECT_NE(errorOf([&] { readCondition(dir / "cut.vdb"); }).find("cut.vdb: "), std::string::npos)
        << size;
  }
}

TEST(ConditionFile, Hdf5RoundTripIsExact) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  const BinningResult r = binTranscripts(*demo.transcripts(), {});
  ScratchDirectory dir;
  writeCondition(dir / "c.h5", r.condition);
  EXPECT_TRUE(isConditionFile(dir / "c.h5"));
  EXPECT_TRUE(readCondition(dir / "c.h5") == r.condition);
  EXPECT_NE(errorOf([&] {
              writeCondition(dir / "c.txt", r.condition);
            }).find("unknown binned-condition format"),
            std::string::npos);
  writeText(dir / "junk.h5", "not hdf5");
  EXPECT_FALSE(isConditionFile(dir / "junk.h5"));
  EXPECT_NE(errorOf([&] { readCondition(dir / "junk.h5"); }).find("not a binned condition"),
            std::string::npos);
}

TEST(ConditionFile, VdbRefusesWhatWouldExhaustMemory) {
  // A million bins, each in its own OpenVDB leaf: ~2 GiB of leaves.
  BinGrid grid;
  grid.binUm = 1;
  grid.width = 8 * 1000;
  grid.height = 8 * 1000;
  BinnedCondition scattered(grid, {"A"});
  for (std::int32_t y = 0; y < 1000; ++y)
    for (std::int32_t x = 0; x < 1000; ++x) scattered.set(0, {8 * x, 8 * y, 0}, 1.0f);
  ScratchDirectory dir;
  const std::string e = errorOf([&] { writeCondition(dir / "big.vdb", scattered); });
  EXPECT_NE(e.find("write it as .h5 instead"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir / "big.vdb"));
}

TEST(GenePanel, PresetsAndJsonRoundTrip) {
  EXPECT_EQ(GenePanel::preset("glut").genes, (std::vector<std::string>{"Slc17a6", "Slc17a7"}));
  EXPECT_EQ(GenePanel::preset("DOPA").genes, (std::vector<std::string>{"Nr4a2", "Th"}));
  EXPECT_EQ(GenePanel::preset("BLOD").genes, (std::vector<std::string>{"Cldn5", "Aqp4"}));
  EXPECT_THROW(GenePanel::preset("nope"), std::invalid_argument);
  ScratchDirectory dir;
  const GenePanel mine{"cortex", "layer markers", {"Cux2", "Rorb", "Fezf2"}};
  mine.save(dir / "p.json");
  EXPECT_EQ(GenePanel::load(dir / "p.json"), mine);
  writeText(dir / "dup.json", R"({"name": "x", "genes": ["A", "A"]})");
  EXPECT_NE(errorOf([&] { GenePanel::load(dir / "dup.json"); }).find("lists 'A' twice"),
            std::string::npos);
  writeText(dir / "bad.json", "{");
  EXPECT_NE(errorOf([&] { GenePanel::load(dir / "bad.json"); }).find("bad.json: malformed"),
            std::string::npos);
}

TEST(BadInput, MalformedRowNamesTheLine) {
  ScratchDirectory dir;
  writeText(dir / "t.csv", "gene,global_x,global_y,global_z\nA,1,2,0\nB,1,2\n");
  const std::string e = errorOf([&] { readVizgenTranscripts(dir / "t.csv"); });
  EXPECT_NE(e.find("t.csv: line 3: has 3 fields, the header has 4"), std::string::npos) << e;
}

TEST(BadInput, MissingColumn) {
  ScratchDirectory dir;
  writeText(dir / "t.csv", "gene,global_x,global_z\nA,1,0\n");
  const std::string e = errorOf([&] { readVizgenTranscripts(dir / "t.csv"); });
  EXPECT_NE(e.find("missing column 'global_y' (has: gene, global_x, global_z)"), std::string::npos)
      << e;
}

TEST(BadInput, NanCoordinateAndNegativeCount) {
  ScratchDirectory dir;
  writeText(dir / "t.csv", "gene,global_x,global_y,global_z\nA,nan,2,0\n");
  EXPECT_NE(errorOf([&] {
              readVizgenTranscripts(dir / "t.csv");
            }).find("line 2: column 'global_x': 'nan' is not finite"),
            std::string::npos);
  writeText(dir / "c.csv", "index,pos_x,pos_y,Gad1,Sst\nc1,1,2,3,-1\n");
  EXPECT_NE(errorOf([&] {
              readCellByGeneCsv(dir / "c.csv");
            }).find("line 2: column 'Sst': negative count -1"),
            std::string::npos);
  writeText(dir / "n.csv", "index,pos_x,pos_y,Gad1\nc1,1,2,NaN\n");
  EXPECT_NE(errorOf([&] { readCellByGeneCsv(dir / "n.csv"); }).find("column 'Gad1'"),
            std::string::npos);
}

TEST(BadInput, TruncatedGzipIsAnErrorNotFewerRows) {
  TERAMIND_REQUIRE_SHARED_DATA("vizgen_merscope_mouse_brain_mini/vizgen_transcripts.gz");
  ScratchDirectory dir;
  std::ifstream in(sharedData, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(dir / "cut.gz", std::ios::binary).write(bytes.data(), 300000);
  const std::string e = errorOf([&] { readVizgenTranscripts(dir / "cut.gz"); });
  EXPECT_NE(e.find("cut.gz: line "), std::string::npos) << e;
  EXPECT_NE(e.find("corrupt compressed data"), std::string::npos) << e;
}

TEST(BadInput, HugeCoordinatesAndPlanes) {
  ScratchDirectory dir;
  writeText(dir / "t.csv", "gene,global_x,global_y,global_z\nA,1e39,2,0\n");
  EXPECT_NE(errorOf([&] {
              readVizgenTranscripts(dir / "t.csv");
            }).find("t.csv: line 2: column 'global_x': '1e39' is not finite in single precision"),
            std::string::npos);
  writeText(dir / "z.csv", "gene,global_x,global_y,global_z\nA,1,2,5000\n");
  EXPECT_NE(errorOf([&] {
              readVizgenTranscripts(dir / "z.csv");
            }).find("line 2: column 'global_z': 5000 is not a z-plane index"),
            std::string::npos);
  writeText(dir / "p.csv", "x,y,poly_ID\n");
  EXPECT_NE(errorOf([&] { readCellPolygons(dir / "p.csv", false); }).find("holds no cell outlines"),
            std::string::npos);
}

TEST(BadInput, StarmapPairIsFoundOrRefusedNeverGuessed) {
  ScratchDirectory dir;
  writeText(dir / "cells_loc.txt", "1 2 3\n4 5 6\n");
  writeText(dir / "expr_a.txt", "\"c1\" \"c2\"\n\"Gad1\" 1 2\n");
  const SpatialDataset a = loadSpatialDataset(dir / "expr_a.txt");
  ASSERT_NE(a.cells(), nullptr);
  EXPECT_EQ(a.cells()->cellCount(), 2u);
  writeText(dir / "expr_b.txt", "\"c1\" \"c2\"\n\"Sst\" 1 2\n\"Vip\" 0 1\n");
  EXPECT_EQ(loadSpatialDataset(dir / "expr_b.txt").cells()->genes.size(), 2u);
  EXPECT_NE(errorOf([&] { loadSpatialDataset(dir.path()); }).find("several STARmap"),
            std::string::npos);
}

TEST(BadInput, StarmapMismatchedPair) {
  ScratchDirectory dir;
  writeText(dir / "loc.txt", "1 2 3\n4 5 6\n");
  writeText(dir / "expr.txt", "\"c1\" \"c2\" \"c3\"\n\"Gad1\" 1 2 3\n");
  EXPECT_NE(
      errorOf([&] { readStarmap(dir / "loc.txt", dir / "expr.txt"); }).find("has 3 cells, but"),
      std::string::npos);
}

TEST(BadInput, ImageWithoutExtent) {
  const SpatialDataset demo = loadSpatialDataset(bundledDemoDataset());
  const std::string e = errorOf([&] { readMorphologyImage(demo.stains[0].file, std::nullopt); });
  EXPECT_NE(e.find("has no µm extent"), std::string::npos) << e;
  ScratchDirectory dir;
  writeText(dir / "rot.csv", "0 9.2 0\n9.2 0 0\n0 0 1\n");
  EXPECT_NE(errorOf([&] {
              extentFromMicronToPixelTransform(dir / "rot.csv", 10, 10);
            }).find("only scale + translation"),
            std::string::npos);
}

TEST(BadInput, UnrecognisedTable) {
  ScratchDirectory dir;
  writeText(dir / "other.csv", "foo,bar\n1,2\n");
  EXPECT_NE(errorOf([&] {
              loadSpatialDataset(dir / "other.csv");
            }).find("not a recognised spatial transcriptomics table"),
            std::string::npos);
}

TEST(AffineTransform, FitRecoversAKnownMapAndInverts) {
  const AffineTransform truth(Mat3{{{0, 0, 1}, {0, 2, 0.1}, {1.5, 0, 0}}}, {5000, -2925, 1550});
  std::vector<Vec3> from, to;
  for (double x : {0.0, 100.0, 250.0})
    for (double y : {0.0, 70.0})
      for (double z : {0.0, 3.0}) {
        from.push_back({x, y, z});
        to.push_back(truth.apply({x, y, z}));
      }
  EXPECT_TRUE(AffineTransform::fit(from, to).approximatelyEquals(truth, 1e-6));
  const Vec3 p = truth.inverse().apply(truth.apply({12, 34, 56}));
  EXPECT_NEAR(p[0], 12, 1e-9);
  EXPECT_NEAR(p[2], 56, 1e-9);
  EXPECT_THROW(AffineTransform::fit({{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}},
                                    {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}}),
               std::invalid_argument);
}

// The reader before blocks: whole lines, trailing CR stripped, blank lines skipped, then the
// RFC-4180 split character by character. Streaming must give exactly these records.
struct ReferenceRecord {
  std::uint64_t line;
  std::vector<std::string> fields;
};

std::vector<ReferenceRecord> referenceRecords(const std::string& text, char sep) {
  std::vector<ReferenceRecord> records;
  std::uint64_t line = 0;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(at, end - at);
    at = end + 1;
    ++line;
    while (!row.empty() && row.back() == '\r') row.pop_back();
    if (row.find_first_not_of(" \t") == std::string::npos) continue;
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const char c = row[i];
      if (quoted) {
        if (c == '"' && i + 1 < row.size() && row[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          field += c;
        }
      } else if (c == '"' && field.empty()) {
        quoted = true;
      } else if (c == sep) {
        fields.push_back(std::move(field));
        field.clear();
      } else {
        field += c;
      }
    }
    fields.push_back(std::move(field));
    records.push_back({line, std::move(fields)});
  }
  return records;
}

void expectSameRecords(const std::filesystem::path& file, const std::string& text,
                       DelimitedTextReader::Delimiter delimiter, char sep) {
  const auto expected = referenceRecords(text, sep);
  DelimitedTextReader in(file, delimiter);
  std::size_t r = 0;
  while (in.next()) {
    ASSERT_LT(r, expected.size()) << file;
    ASSERT_EQ(in.lineNumber(), expected[r].line) << file;
    ASSERT_EQ(in.fieldCount(), expected[r].fields.size()) << file << " line " << in.lineNumber();
    for (std::size_t f = 0; f < in.fieldCount(); ++f)
      ASSERT_EQ(in.field(f), expected[r].fields[f]) << file << " line " << in.lineNumber();
    ++r;
  }
  EXPECT_EQ(r, expected.size()) << file;
}

// A few MiB of MERSCOPE-like rows with quoted fields, CRLF, blank lines and one line longer
// than a block, so lines and quoted fields straddle block boundaries everywhere.
std::string variedTable(std::size_t rows, char sep) {
  std::mt19937 random(7);
  std::string text = std::string("gene") + sep + "global_x" + sep + "note\n";
  for (std::size_t i = 0; i < rows; ++i) {
    const auto kind = random() % 50;
    std::string note = "n" + std::to_string(random() % 1000);
    if (kind == 0) note = "\"a" + std::string(1, sep) + " \"\"quoted\"\" b\"";
    if (kind == 1) note = "\"\"";
    if (i == rows / 2) note = std::string(DelimitedTextReader::kBlockBytes + 12345, 'w');
    text += "Gene" + std::to_string(random() % 500) + sep + std::to_string(random() % 100000) +
            "." + std::to_string(random() % 1000) + sep + note + (kind == 2 ? "\r\n" : "\n");
    if (kind == 3) text += kind % 2 ? "\n" : "  \t\n";
  }
  return text;
}

TEST(DelimitedTextReader, BlocksGiveTheSameRecordsAsWholeLines) {
  ScratchDirectory dir;
  for (const char sep : {',', '\t'}) {
    const std::string text = variedTable(120000, sep);
    ASSERT_GT(text.size(), 3 * DelimitedTextReader::kBlockBytes);
    const auto delimiter =
        sep == ',' ? DelimitedTextReader::Delimiter::Comma : DelimitedTextReader::Delimiter::Tab;
    writeText(dir / "t.txt", text);
    expectSameRecords(dir / "t.txt", text, delimiter, sep);
    writeGzip(dir / "t.txt.gz", text);
    expectSameRecords(dir / "t.txt.gz", text, delimiter, sep);
    // No newline at the end: the last line still counts.
    const std::string cut = text.substr(0, text.size() - 1);
    writeGzip(dir / "cut.gz", cut);
    expectSameRecords(dir / "cut.gz", cut, delimiter, sep);
  }
}

TEST(DelimitedTextReader, LineAndQuotedFieldAcrossABlockBoundary) {
  ScratchDirectory dir;
  // The quoted field (with a comma and a doubled quote) starts 10 bytes before the first
  // block ends.
  const std::string header = "a,b\n";
  std::string text = header +
                     std::string(DelimitedTextReader::kBlockBytes - header.size() - 13, 'x') +
                     ",\"p, \"\"q\"\" r\"\nlast,2\n";
  for (const auto& name : {"b.csv", "b.csv.gz"}) {
    name == std::string("b.csv") ? writeText(dir / name, text) : writeGzip(dir / name, text);
    DelimitedTextReader in(dir / name);
    in.readHeader();
    ASSERT_TRUE(in.next());
    EXPECT_EQ(in.field(1), "p, \"q\" r");
    EXPECT_EQ(in.field(0).size(), DelimitedTextReader::kBlockBytes - header.size() - 13);
    ASSERT_TRUE(in.next());
    EXPECT_EQ(in.lineNumber(), 3u);
    EXPECT_EQ(in.field(0), "last");
    EXPECT_FALSE(in.next());
  }
}

TEST(DelimitedTextReader, ConcatenatedGzipMembersReadAsOne) {
  ScratchDirectory dir;
  const std::string first = "a,b\n1,2\n3,", second = "4\n5,6\n";
  writeGzip(dir / "1.gz", first);
  writeGzip(dir / "2.gz", second);
  std::ifstream one(dir / "1.gz", std::ios::binary), two(dir / "2.gz", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(one)), {});
  bytes.append((std::istreambuf_iterator<char>(two)), {});
  std::ofstream(dir / "both.gz", std::ios::binary) << bytes;
  expectSameRecords(dir / "both.gz", first + second, DelimitedTextReader::Delimiter::Comma, ',');
}

// One gzip member of `text` at `level` (0 = stored blocks), with a sync flush halfway when
// `flush`, so the deflate stream ends in an empty stored block, and a file name in the header.
std::string gzipMember(const std::string& text, int level, bool flush) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  gz_header header{};
  std::string name = "member.csv";
  header.name = reinterpret_cast<Bytef*>(name.data());
  deflateSetHeader(&z, &header);
  std::string out(deflateBound(&z, uLong(text.size())) + 64, '\0');
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  const std::size_t half = flush ? text.size() / 2 : text.size();
  z.avail_in = uInt(half);
  if (flush) {
    EXPECT_EQ(deflate(&z, Z_SYNC_FLUSH), Z_OK);
  }
  z.avail_in += uInt(text.size() - half);
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(DelimitedTextReader, ManyGzipMembersEndingAnywhereInTheInput) {
  // Hundreds of members of 0 to 3000 bytes, stored, fast and best, some ending in an empty
  // stored block: member ends (and the trailers the inflater may have read ahead into) fall
  // at every offset of the reader's input chunks.
  ScratchDirectory dir;
  std::mt19937 random(11);
  std::string text = "a,b\n", bytes = gzipMember(text, 6, false);
  for (int m = 0; m < 1500; ++m) {
    std::string part;
    for (auto rows = random() % 150; rows > 0; --rows)
      part += std::to_string(random() % 100000) + "," + std::to_string(random() % 7) + "\n";
    const int level = std::array<int, 3>{0, 1, 9}[random() % 3];
    bytes += gzipMember(part, level, random() % 4 == 0);
    text += part;
  }
  ASSERT_GT(bytes.size(), 2 * (std::size_t(256) << 10));  // several input chunks
  std::ofstream(dir / "many.gz", std::ios::binary) << bytes;
  expectSameRecords(dir / "many.gz", text, DelimitedTextReader::Delimiter::Comma, ',');
  // A bad CRC in the last member's trailer is still found.
  std::string badCrc = bytes;
  badCrc[badCrc.size() - 8] = char(badCrc[badCrc.size() - 8] ^ 0x55);
  std::ofstream(dir / "crc.gz", std::ios::binary) << badCrc;
  const std::string e = errorOf([&] {
    DelimitedTextReader in(dir / "crc.gz");
    while (in.next()) {
    }
  });
  EXPECT_NE(e.find("corrupt compressed data (incorrect data check)"), std::string::npos) << e;
}

TEST(DelimitedTextReader, WhitespaceQuotedFields) {
  ScratchDirectory dir;
  writeGzip(dir / "w.txt.gz", "gene \"cell 1\"\tc2\n  Gad1   3 \"4\"\n");
  DelimitedTextReader in(dir / "w.txt.gz", DelimitedTextReader::Delimiter::Whitespace);
  EXPECT_EQ(in.readHeader(), (std::vector<std::string>{"gene", "cell 1", "c2"}));
  ASSERT_TRUE(in.next());
  EXPECT_EQ(in.fieldCount(), 3u);
  EXPECT_EQ(in.field(0), "Gad1");
  EXPECT_EQ(in.count(2), 4.0);
}

TEST(DelimitedTextReader, ProgressIsMonotonicAndEndsAtOne) {
  ScratchDirectory dir;
  const std::string text = variedTable(60000, ',');
  writeGzip(dir / "p.csv.gz", text);
  std::vector<double> fractions;
  DelimitedTextReader in(dir / "p.csv.gz", DelimitedTextReader::Delimiter::Comma,
                         [&](double f) { fractions.push_back(f); });
  while (in.next()) {
  }
  ASSERT_GT(fractions.size(), 2u);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_EQ(fractions.back(), 1.0);
}

TEST(BadInput, CorruptGzipNamesTheLine) {
  ScratchDirectory dir;
  const std::string text = variedTable(60000, ',');
  writeGzip(dir / "good.gz", text);
  std::ifstream in(dir / "good.gz", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  auto readAll = [](const std::filesystem::path& file) {
    DelimitedTextReader reader(file);
    while (reader.next()) {
    }
  };
  // A wrong CRC-32 in the trailer.
  std::string badCrc = bytes;
  badCrc[badCrc.size() - 8] = char(badCrc[badCrc.size() - 8] ^ 0x55);
  std::ofstream(dir / "crc.gz", std::ios::binary) << badCrc;
  std::string e = errorOf([&] { readAll(dir / "crc.gz"); });
  EXPECT_NE(e.find("crc.gz: line "), std::string::npos) << e;
  EXPECT_NE(e.find("corrupt compressed data (incorrect data check)"), std::string::npos) << e;
  // Garbage in the middle of the deflate stream.
  std::string garbage = bytes;
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) garbage[i] = char(0xFF);
  std::ofstream(dir / "mid.gz", std::ios::binary) << garbage;
  e = errorOf([&] { readAll(dir / "mid.gz"); });
  EXPECT_NE(e.find("mid.gz: line "), std::string::npos) << e;
  EXPECT_NE(e.find("corrupt compressed data"), std::string::npos) << e;
  // Cut inside the trailer.
  std::ofstream(dir / "cut.gz", std::ios::binary) << bytes.substr(0, bytes.size() - 3);
  e = errorOf([&] { readAll(dir / "cut.gz"); });
  EXPECT_NE(e.find("corrupt compressed data (unexpected end of file)"), std::string::npos) << e;
}

TEST(BadInput, LineLongerThan64MiB) {
  ScratchDirectory dir;
  writeText(dir / "long.csv", "a\n" + std::string((std::size_t(64) << 20) + 10, 'x') + "\n");
  const std::string e = errorOf([&] {
    DelimitedTextReader in(dir / "long.csv");
    while (in.next()) {
    }
  });
  EXPECT_NE(e.find("long.csv: line 2 is longer than 64 MiB: not a text table"), std::string::npos)
      << e;
}

// Binning the straightforward way: one count per (channel, bin) in an ordered map.
struct ReferenceBinning {
  std::map<std::tuple<std::size_t, std::int32_t, std::int32_t, std::int32_t>, double> counts;
  double notInPanel = 0, outsideGrid = 0, binned = 0;
};

ReferenceBinning referenceBinning(const TranscriptTable& t, const BinnedCondition& condition) {
  ReferenceBinning ref;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto channel = condition.geneIndex(t.genes.name(t.gene[i]));
    const BinIndex bin = condition.grid().binAt(t.x[i], t.y[i], t.plane[i]);
    if (!channel)
      ref.notInPanel += 1;
    else if (!condition.grid().contains(bin))
      ref.outsideGrid += 1;
    else {
      ref.counts[{*channel, bin.plane, bin.y, bin.x}] += 1;
      ref.binned += 1;
    }
  }
  return ref;
}

void expectSameAsReference(const TranscriptTable& t, const BinningResult& r) {
  const ReferenceBinning ref = referenceBinning(t, r.condition);
  EXPECT_EQ(r.notInPanel, ref.notInPanel);
  EXPECT_EQ(r.outsideGrid, ref.outsideGrid);
  EXPECT_EQ(r.binned, ref.binned);
  BinnedCondition expected(r.condition.grid(), r.condition.geneNames());
  for (const auto& [where, count] : ref.counts) {
    const auto [channel, plane, y, x] = where;
    expected.set(channel, {x, y, plane}, float(count));
  }
  EXPECT_TRUE(r.condition == expected);
  EXPECT_EQ(r.condition.nonZeroCount(), ref.counts.size());
}

TranscriptTable randomTranscripts(std::size_t molecules, std::size_t genes, unsigned seed) {
  std::mt19937 random(seed);
  TranscriptTable t;
  for (std::size_t g = 0; g < genes; ++g) t.genes.add("G" + std::to_string(g));
  t.genes.add("Blank-1");
  std::uniform_real_distribution<float> position(-50.0f, 400.0f);
  for (std::size_t i = 0; i < molecules; ++i)
    t.push(position(random), position(random), std::uint16_t(random() % 3),
           std::uint32_t(random() % t.genes.size()));
  return t;
}

TEST(Binning, SortedCountsEqualAStraightforwardReference) {
  const TranscriptTable t = randomTranscripts(300000, 40, 11);
  BinningOptions options;
  options.binUm = 3.3;
  expectSameAsReference(t, binTranscripts(t, options));
  // A panel (some molecules off it, one gene missing) and a fixed grid (some outside it).
  GenePanel panel{"p", "", {"G3", "G1", "Missing", "G7", "G20"}};
  options.originUm = std::make_pair(0.0, 10.0);
  options.sizeBins = std::make_pair(80, 70);
  const BinningResult r = binTranscripts(t, options, &panel);
  EXPECT_GT(r.outsideGrid, 0.0);
  expectSameAsReference(t, r);
  // A grid too large for 32-bit packed bins.
  options.sizeBins = std::make_pair(1 << 20, 1 << 19);
  options.binUm = 0.01;
  expectSameAsReference(t, binTranscripts(t, options, &panel));
}

TEST(Binning, ChannelsInSeveralBatchesEqualTheReference) {
  // More molecules than one batch of keys holds (4 Mi), spread over a few genes.
  const TranscriptTable t = randomTranscripts(4500000, 3, 5);
  BinningOptions options;
  options.binUm = 2.0;
  expectSameAsReference(t, binTranscripts(t, options));
}

}  // namespace
}  // namespace teramind
