// NanoString CosMx flat-file exports: the public NSCLC lung fixture
// (../shared/data/platform_fixtures/cosmx_human_lung_tiny) and small exports written here.
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include <gtest/gtest.h>
#include <tiffio.h>

#include "common/FileError.h"
#include "io/CosmxOutput.h"
#include "io/LabelOutlines.h"
#include "io/SpatialDataset.h"
#include "support/TestData.h"
#include "transcriptomics/DelimitedTextReader.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using test::ScratchDirectory;

const char* const kFixture = "platform_fixtures/cosmx_human_lung_tiny";

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const FileError& e) {
    return e.what();
  }
  return "(no FileError)";
}

#define EXPECT_HAS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

void writeText(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

std::string readText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A one-strip label TIFF written with libtiff itself: 32-bit floats (as CosMx writes them) or
// 32-bit unsigned integers.
template <typename T>
void writeLabelTiff(const fs::path& file, int width, int height, const std::vector<T>& pixels) {
  TIFF* tiff = TIFFOpen(file.c_str(), "w");
  ASSERT_NE(tiff, nullptr);
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, height);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 32);
  TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT,
               std::is_floating_point_v<T> ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
  TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, height);
  std::vector<T> copy = pixels;
  ASSERT_EQ(TIFFWriteEncodedStrip(tiff, 0, copy.data(), tmsize_t(copy.size() * sizeof(T))),
            tmsize_t(copy.size() * sizeof(T)));
  TIFFClose(tiff);
}

// A small export: four molecules in FOV 1 (origin 100, 200 px), a 4 × 3 label image.
constexpr const char* kSmallTranscripts =
    "\"fov\",\"cell_ID\",\"x_global_px\",\"y_global_px\",\"x_local_px\",\"y_local_px\",\"z\","
    "\"target\",\"CellComp\"\n"
    "1,1,101.5,202.5,1.5,2.5,0,\"ACTB\",\"Nuclear\"\n"
    "1,1,101.5,201.5,1.5,1.5,1,\"NegPrb3\",\"Cytoplasm\"\n"
    "1,0,103.5,200.5,3.5,0.5,2,\"SystemControl12\",\"0\"\n"
    "1,2,103.5,202.5,3.5,2.5,-1,\"EPCAM\",\"Membrane\"\n";

fs::path writeSmallExport(const ScratchDirectory& dir, bool withPositions = true) {
  const fs::path folder = dir / "Run1_S1";
  fs::create_directories(folder / "CellLabels");
  writeText(folder / "Run1_S1_tx_file.csv", kSmallTranscripts);
  if (withPositions)
    writeText(folder / "Run1_S1_fov_positions_file.csv",
              "\"fov\",\"x_global_px\",\"y_global_px\"\n1,100,200\n");
  // Rows run against y: row 0 is the top (y 202..203 px), row 2 the bottom (y 200..201).
  writeLabelTiff<float>(folder / "CellLabels" / "CellLabels_F001.tif", 4, 3,
                        {1, 1, 0, 2,  //
                         1, 1, 0, 2,  //
                         1, 0, 0, 0});
  return folder;
}

// Ray casting: whether (x, y) lies inside the ring.
bool inside(const CellPolygon& polygon, double x, double y) {
  bool in = false;
  const auto& v = polygon.vertices;
  for (std::size_t i = 0, j = v.size() - 1; i < v.size(); j = i++)
    if ((v[i].second > y) != (v[j].second > y) &&
        x < (v[j].first - v[i].first) * (y - v[i].second) / (v[j].second - v[i].second) +
                v[i].first)
      in = !in;
  return in;
}

TEST(CosmxOutput, FixtureCountsAndControls) {
  TERAMIND_REQUIRE_SHARED_DATA(kFixture);
  struct Expected {
    const char* sample;
    std::size_t transcripts, genes, controls;
  };
  for (const Expected& e :
       {Expected{"sample_1", 23844, 949, 20}, Expected{"sample_2", 7155, 926, 17}}) {
    SCOPED_TRACE(e.sample);
    const fs::path folder = sharedData / e.sample;
    EXPECT_EQ(detectSpatialFormat(folder), SpatialFormat::CosmxOutput);
    EXPECT_EQ(detectSpatialFormat(folder / "tx_file.csv"), SpatialFormat::CosmxOutput);
    const SpatialDataset d = loadSpatialDataset(folder);
    EXPECT_EQ(d.format, SpatialFormat::CosmxOutput);
    ASSERT_NE(d.transcripts(), nullptr);
    const TranscriptTable& t = *d.transcripts();
    EXPECT_EQ(t.size(), e.transcripts);
    EXPECT_EQ(t.genes.geneCount(), e.genes);
    EXPECT_EQ(t.genes.controlCount(), e.controls);
    for (std::uint32_t g = 0; g < t.genes.size(); ++g) {
      if (t.genes.isControl(g)) {
        EXPECT_EQ(t.genes.name(g).rfind("NegPrb", 0), 0u);
      }
    }
    EXPECT_EQ(t.planeCount(), 9);  // z 0..8 (sample_1), -1..7 (sample_2)
    // The tx file given directly reads the same.
    const SpatialDataset direct = loadSpatialDataset(folder / "tx_file.csv");
    EXPECT_EQ(direct.transcripts()->size(), e.transcripts);
    EXPECT_EQ(direct.cellBoundaries.size(), 2u);
  }
}

TEST(CosmxOutput, GlobalPixelsBecomeMicrons) {
  TERAMIND_REQUIRE_SHARED_DATA(kFixture);
  const fs::path tx = sharedData / "sample_1" / "tx_file.csv";
  // The first row: x_global_px 5613.13313333333, y_global_px 146528.280555556, z 8.
  const SpatialDataset d = loadSpatialDataset(tx);
  EXPECT_NEAR(d.transcripts()->x[0], 5613.13313333333 * 0.18, 1e-2);
  EXPECT_NEAR(d.transcripts()->y[0], 146528.280555556 * 0.18, 1e-2);
  EXPECT_EQ(d.transcripts()->plane[0], 8);
  DatasetReadOptions options;
  options.pixelUm = 0.12028;
  const SpatialDataset other = loadSpatialDataset(tx, {}, DatasetContent::All, options);
  EXPECT_NEAR(other.transcripts()->x[0], 5613.13313333333 * 0.12028, 1e-2);
  EXPECT_NEAR(other.transcripts()->y[0], 146528.280555556 * 0.12028, 1e-2);
  // The assumed pixel size is said; a given one is not.
  ASSERT_EQ(d.readNotes.size(), 1u);
  EXPECT_HAS(d.readNotes[0], "pixel size 0.18 um/px assumed");
  EXPECT_TRUE(other.readNotes.empty());
}

TEST(CosmxOutput, ProgressRisesToTheEnd) {
  TERAMIND_REQUIRE_SHARED_DATA(kFixture);
  std::vector<double> seen;
  loadSpatialDataset(sharedData / "sample_1", [&](double f) { seen.push_back(f); });
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i], seen[i - 1]);
  EXPECT_LE(seen.back(), 1.0);
  EXPECT_GT(seen.back(), 0.9);
}

// The y-direction question: molecules carrying a cell_ID land inside that cell's outline once
// the label image is placed with its rows running against y. The fixture's CellLabels_F002 is
// a byte copy of F001 (the source's), so only FOV 1's half can agree.
TEST(CosmxOutput, FixtureLabelsLandUnderTheirMolecules) {
  TERAMIND_REQUIRE_SHARED_DATA(kFixture);
  for (const char* sample : {"sample_1", "sample_2"}) {
    SCOPED_TRACE(sample);
    const fs::path folder = sharedData / sample;
    const SpatialDataset d = loadSpatialDataset(folder);
    ASSERT_EQ(d.cellBoundaries.size(), 2u);
    const CellBoundaryFile& fov1 = d.cellBoundaries[0];
    ASSERT_TRUE(fov1.labelImage.has_value());
    EXPECT_EQ(fov1.file.filename(), "CellLabels_F001.tif");
    const std::vector<CellPolygon> cells = readCellBoundaryFile(fov1);
    // A cell in several pieces has one outline per piece, "1_<label>/<k>".
    const auto cellOf = [](const std::string& id) { return id.substr(0, id.find('/')); };
    std::set<std::string> ids;
    std::map<std::string, std::vector<const CellPolygon*>> byCell;
    for (const auto& c : cells) ids.insert(c.id), byCell[cellOf(c.id)].push_back(&c);
    EXPECT_EQ(ids.size(), cells.size());
    EXPECT_GT(cells.size(), 40u);
    // Every vertex lies in FOV 1's box: 300 × 600 px from its origin.
    const double x0 = fov1.labelImage->originXPx * 0.18, y0 = fov1.labelImage->originYPx * 0.18;
    for (const auto& c : cells)
      for (const auto& [x, y] : c.vertices) {
        EXPECT_GE(x, x0 - 1e-6);
        EXPECT_LE(x, x0 + 300 * 0.18 + 1e-6);
        EXPECT_GE(y, y0 - 1e-6);
        EXPECT_LE(y, y0 + 600 * 0.18 + 1e-6);
      }
    // Molecules of FOV 1's half with a cell_ID: in that cell's outline? With the rows placed
    // along y instead, few are: the test tells the two apart.
    LabelImagePlacement alongY = *fov1.labelImage;
    alongY.rowsAgainstY = false;
    const std::vector<CellPolygon> flippedCells = readLabelImageOutlines(fov1.file, alongY);
    std::map<std::string, std::vector<const CellPolygon*>> flipped;
    for (const auto& c : flippedCells) flipped[cellOf(c.id)].push_back(&c);
    const auto inAny = [](const std::map<std::string, std::vector<const CellPolygon*>>& outlines,
                          const std::string& id, double x, double y) {
      const auto it = outlines.find(id);
      if (it == outlines.end()) return false;
      for (const CellPolygon* piece : it->second)
        if (inside(*piece, x, y)) return true;
      return false;
    };
    DelimitedTextReader in(folder / "tx_file.csv");
    in.readHeader();
    const std::size_t cell = in.column("cell_ID"), xc = in.column("x_global_px"),
                      yc = in.column("y_global_px");
    std::size_t withCell = 0, inOwnCell = 0, inFlippedCell = 0;
    while (in.next()) {
      const std::string id(in.field(cell));
      const double x = in.number(xc), y = in.number(yc);
      if (id == "0" || x >= fov1.labelImage->originXPx + 300) continue;
      ++withCell;
      if (inAny(byCell, "1_" + id, x * 0.18, y * 0.18)) ++inOwnCell;
      if (inAny(flipped, "1_" + id, x * 0.18, y * 0.18)) ++inFlippedCell;
    }
    ASSERT_GT(withCell, 1000u);
    const double fraction = double(inOwnCell) / double(withCell);
    const double flippedFraction = double(inFlippedCell) / double(withCell);
    std::cout << sample << ": " << inOwnCell << " of " << withCell
              << " molecules with a cell_ID lie in their cell's outline (" << fraction * 100
              << " %); with rows along y " << inFlippedCell << " (" << flippedFraction * 100
              << " %)\n";
    EXPECT_GT(fraction, 0.95);
    EXPECT_LT(flippedFraction, 0.2);
  }
}

TEST(CosmxOutput, BinningConservesCounts) {
  TERAMIND_REQUIRE_SHARED_DATA(kFixture);
  const SpatialDataset d = loadSpatialDataset(sharedData / "sample_1");
  BinningOptions binning;
  binning.binUm = 2.0;
  const BinningResult result = binDataset(d, binning);
  EXPECT_EQ(result.binned, double(d.transcripts()->geneTranscriptCount()));
  EXPECT_EQ(result.notInPanel, double(d.transcripts()->controlTranscriptCount()));
  EXPECT_EQ(result.binned + result.notInPanel, 23844.0);
  double total = 0;
  for (std::size_t g = 0; g < result.condition.geneCount(); ++g) total += result.condition.total(g);
  EXPECT_EQ(total, result.binned);
  EXPECT_EQ(result.condition.geneCount(), 949u);
}

TEST(CosmxOutput, SmallExportReadsExactly) {
  ScratchDirectory dir;
  const fs::path folder = writeSmallExport(dir);
  DatasetReadOptions options;
  options.pixelUm = 0.5;
  const SpatialDataset d = loadSpatialDataset(folder, {}, DatasetContent::All, options);
  const TranscriptTable& t = *d.transcripts();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t.genes.geneCount(), 2u);
  EXPECT_EQ(t.genes.controlCount(), 2u);  // NegPrb3, SystemControl12
  EXPECT_FLOAT_EQ(t.x[0], 50.75f);
  EXPECT_FLOAT_EQ(t.y[0], 101.25f);
  // z 0, 1, 2, -1: plane 0 is the lowest slice.
  EXPECT_EQ(t.plane, (std::vector<std::uint16_t>{1, 2, 3, 0}));
  ASSERT_EQ(d.cellBoundaries.size(), 1u);
  const auto cells = readCellBoundaryFile(d.cellBoundaries[0]);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].id, "1_1");
  EXPECT_EQ(cells[1].id, "1_2");
  // Cell 2 is column 3, rows 0-1: x 103..104 px, y 201..203 px (rows against y), × 0.5 µm.
  std::set<std::pair<double, double>> corners(cells[1].vertices.begin(), cells[1].vertices.end());
  EXPECT_EQ(corners, (std::set<std::pair<double, double>>{
                         {51.5, 100.5}, {52.0, 100.5}, {52.0, 101.5}, {51.5, 101.5}}));
  // Its molecules land in their cells; the cell-less one in none.
  EXPECT_TRUE(inside(cells[0], t.x[0], t.y[0]));
  EXPECT_TRUE(inside(cells[0], t.x[1], t.y[1]));
  EXPECT_TRUE(inside(cells[1], t.x[3], t.y[3]));
  EXPECT_FALSE(inside(cells[0], t.x[2], t.y[2]) || inside(cells[1], t.x[2], t.y[2]));
}

TEST(CosmxOutput, TracesEachLabelsOuterBoundary) {
  // Label 1 is an L; label 2 touches it only at a corner (4-connected: apart); label 3 is
  // in two pieces (each piece is outlined, review item 8: the second was dropped).
  LabelImage image;
  image.width = 4;
  image.height = 3;
  image.labels = {1, 0, 3, 0,  //
                  1, 1, 0, 3,  //
                  0, 0, 2, 0};
  const auto outlines = traceLabelOutlines(image, 0);
  ASSERT_EQ(outlines.size(), 4u);
  EXPECT_EQ(outlines[0].label, 1u);
  EXPECT_EQ(outlines[0].pieces, 1u);
  EXPECT_EQ(outlines[0].vertices, (std::vector<std::pair<double, double>>{
                                      {0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {0, 2}}));
  EXPECT_EQ(outlines[1].label, 3u);
  EXPECT_EQ(outlines[1].piece, 0u);
  EXPECT_EQ(outlines[1].pieces, 2u);
  EXPECT_EQ(outlines[1].vertices,
            (std::vector<std::pair<double, double>>{{2, 0}, {3, 0}, {3, 1}, {2, 1}}));
  EXPECT_EQ(outlines[2].label, 3u);
  EXPECT_EQ(outlines[2].piece, 1u);
  EXPECT_EQ(outlines[2].pieces, 2u);
  EXPECT_EQ(outlines[2].vertices,
            (std::vector<std::pair<double, double>>{{3, 1}, {4, 1}, {4, 2}, {3, 2}}));
  EXPECT_EQ(outlines[3].label, 2u);
  EXPECT_EQ(outlines[3].vertices,
            (std::vector<std::pair<double, double>>{{2, 2}, {3, 2}, {3, 3}, {2, 3}}));
}

// Random label images (many pinches, pieces and holes): every label's ring closes, runs along
// pixel edges, and encloses at least the 4-connected piece it starts from; every labelled
// pixel lies in a piece that is outlined.
TEST(CosmxOutput, TracingRandomLabelImagesAlwaysCloses) {
  std::uint32_t state = 12345;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int round = 0; round < 50; ++round) {
    LabelImage image;
    image.width = 1 + next() % 24;
    image.height = 1 + next() % 24;
    const std::uint32_t labels = 1 + next() % 6;
    image.labels.resize(std::size_t(image.width * image.height));
    for (auto& l : image.labels) l = (next() >> 8) % (labels + 1);
    const auto outlines = traceLabelOutlines(image, 0);
    std::vector<bool> covered(image.labels.size(), false);
    for (const auto& o : outlines) {
      SCOPED_TRACE("round " + std::to_string(round) + " label " + std::to_string(o.label));
      EXPECT_LT(o.piece, o.pieces);
      ASSERT_GE(o.vertices.size(), 4u);
      double twiceArea = 0;
      for (std::size_t i = 0; i < o.vertices.size(); ++i) {
        const auto& a = o.vertices[i];
        const auto& b = o.vertices[(i + 1) % o.vertices.size()];
        EXPECT_TRUE(a.first == b.first || a.second == b.second);  // along pixel edges
        EXPECT_GE(a.first, 0);
        EXPECT_LE(a.first, double(image.width));
        EXPECT_GE(a.second, 0);
        EXPECT_LE(a.second, double(image.height));
        twiceArea += a.first * b.second - b.first * a.second;
      }
      // The piece holding the ring's first corner's pixel, 4-connected.
      const auto first =
          std::size_t(o.vertices[0].second * double(image.width) + o.vertices[0].first);
      ASSERT_EQ(image.labels[first], o.label);
      std::vector<bool> seen(image.labels.size(), false);
      std::vector<std::size_t> stack{first};
      seen[first] = true;
      std::size_t piece = 0;
      while (!stack.empty()) {
        const std::size_t p = stack.back();
        stack.pop_back();
        ++piece;
        EXPECT_FALSE(covered[p]);  // each piece is outlined once
        covered[p] = true;
        const std::int64_t c = std::int64_t(p) % image.width, r = std::int64_t(p) / image.width;
        const std::int64_t nc[4] = {c + 1, c - 1, c, c}, nr[4] = {r, r, r + 1, r - 1};
        for (int k = 0; k < 4; ++k) {
          if (nc[k] < 0 || nr[k] < 0 || nc[k] >= image.width || nr[k] >= image.height) continue;
          const std::size_t q = std::size_t(nr[k] * image.width + nc[k]);
          if (!seen[q] && image.labels[q] == o.label) seen[q] = true, stack.push_back(q);
        }
      }
      EXPECT_GE(std::abs(twiceArea) / 2, double(piece));
    }
    for (std::size_t p = 0; p < image.labels.size(); ++p)
      EXPECT_EQ(covered[p], image.labels[p] != 0) << "round " << round << " pixel " << p;
  }
}

TEST(CosmxOutput, MissingColumnIsNamed) {
  ScratchDirectory dir;
  const fs::path folder = writeSmallExport(dir);
  std::string text = kSmallTranscripts;
  text.replace(text.find("\"target\""), 8, "\"gene\"");
  writeText(folder / "Run1_S1_tx_file.csv", text);
  const std::string e = errorOf([&] { loadSpatialDataset(folder); });
  EXPECT_HAS(e, "Run1_S1_tx_file.csv");
  EXPECT_HAS(e, "missing column 'target'");
}

TEST(CosmxOutput, MissingFovPositionsFileIsNamed) {
  ScratchDirectory dir;
  const fs::path folder = writeSmallExport(dir, false);
  const std::string e = errorOf([&] { loadSpatialDataset(folder); });
  EXPECT_HAS(e, "has no *fov_positions_file.csv");
  EXPECT_HAS(e, "CellLabels_F001.tif");
}

TEST(CosmxOutput, LabelImageOfAnUnlistedFovIsRefused) {
  ScratchDirectory dir;
  const fs::path folder = writeSmallExport(dir);
  fs::copy_file(folder / "CellLabels" / "CellLabels_F001.tif",
                folder / "CellLabels" / "CellLabels_F007.tif");
  const std::string e = errorOf([&] { loadSpatialDataset(folder); });
  EXPECT_HAS(e, "CellLabels_F007.tif: is FOV 7, which Run1_S1_fov_positions_file.csv does not");
}

TEST(CosmxOutput, NonFiniteCoordinateIsRefusedWithItsLine) {
  ScratchDirectory dir;
  const fs::path folder = writeSmallExport(dir);
  for (const char* bad : {"nan", "inf", "-inf", "1e999"}) {
    std::string text = kSmallTranscripts;
    text.replace(text.find("103.5,200.5"), 5, bad);
    writeText(folder / "Run1_S1_tx_file.csv", text);
    const std::string e = errorOf([&] { loadSpatialDataset(folder); });
    EXPECT_HAS(e, "line 4");
    EXPECT_HAS(e, "x_global_px");
  }
}

TEST(CosmxOutput, UnknownPixelSizeIsRefused) {
  ScratchDirectory dir;
  const fs::path folder = writeSmallExport(dir);
  for (double bad : {0.0, -0.18, std::nan("")}) {
    DatasetReadOptions options;
    options.pixelUm = bad;
    const std::string e =
        errorOf([&] { loadSpatialDataset(folder, {}, DatasetContent::All, options); });
    EXPECT_HAS(e, "is not usable: give --pixel-um");
  }
  // Only FOV-local pixels: where the molecules lie on the slide is unknown.
  std::string text = readText(folder / "Run1_S1_tx_file.csv");
  for (const char* column : {"\"x_global_px\"", "\"y_global_px\""})
    text.replace(text.find(column), std::string(column).size(), "\"other\"");
  writeText(folder / "Run1_S1_tx_file.csv", text);
  EXPECT_EQ(detectSpatialFormat(folder / "Run1_S1_tx_file.csv"), SpatialFormat::CosmxOutput);
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(folder); }),
             "holds only FOV-local pixel coordinates (x_local_px, y_local_px)");
}

// The section bound all readers share (sectionUm): 1e10 px × the pixel size is no position on
// a slide (it was kept as long as it was finite as a float).
TEST(CosmxOutput, CoordinateBeyondAMetreIsRefused) {
  ScratchDirectory dir;
  const fs::path folder = writeSmallExport(dir);
  std::string text = kSmallTranscripts;
  text.replace(text.find("103.5,200.5"), 11, "1e10,200.5");
  writeText(folder / "Run1_S1_tx_file.csv", text);
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(folder); }), "(1e10, 200.5) px × ");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(folder); }), "lies beyond ±1 m");
}

TEST(CosmxOutput, FractionalZAndBadLabelsAreRefused) {
  ScratchDirectory dir;
  const fs::path folder = writeSmallExport(dir);
  std::string text = kSmallTranscripts;
  text.replace(text.find(",2,\"SystemControl12\""), 2, ",2.5");
  writeText(folder / "Run1_S1_tx_file.csv", text);
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(folder); }), "column 'z': 2.5 is not a focal-slice");
  writeText(folder / "Run1_S1_tx_file.csv", kSmallTranscripts);
  // A label that is no whole number is named by its pixel when the outlines are read.
  writeLabelTiff<float>(folder / "CellLabels" / "CellLabels_F001.tif", 2, 1, {1.0f, 2.5f});
  const SpatialDataset d = loadSpatialDataset(folder);
  EXPECT_HAS(errorOf([&] { readCellBoundaryFile(d.cellBoundaries[0]); }),
             "pixel (1, 0): 2.500000 is not a cell label");
  // Not a TIFF at all: refused when the export is read.
  writeText(folder / "CellLabels" / "CellLabels_F001.tif", "not a tiff");
  EXPECT_HAS(errorOf([&] { loadSpatialDataset(folder); }), "CellLabels_F001.tif");
}

TEST(CosmxOutput, IntegerLabelImagesReadToo) {
  ScratchDirectory dir;
  writeLabelTiff<std::uint32_t>(dir / "labels.tif", 3, 2, {0, 7, 7, 4000000000u, 7, 0});
  const LabelImage image = readLabelTiff(dir / "labels.tif");
  EXPECT_EQ(image.width, 3);
  EXPECT_EQ(image.height, 2);
  EXPECT_EQ(image.labels, (std::vector<std::uint32_t>{0, 7, 7, 4000000000u, 7, 0}));
}

}  // namespace
}  // namespace teramind
