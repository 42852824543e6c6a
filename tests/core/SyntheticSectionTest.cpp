#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/FileError.h"
#include "io/TiffImage.h"
#include "support/TestData.h"
#include "synthetic/SyntheticSection.h"

namespace teramind {
namespace {

using test::ScratchDirectory;

// About 30 cells on 926 × 741 px (2 × 2 tiles): the whole folder in well under a second.
SyntheticSectionSpec tinySpec(std::uint64_t seed = 7) {
  SyntheticSectionSpec spec;
  spec.widthUm = 100;
  spec.heightUm = 80;
  spec.seed = seed;
  return spec;
}

std::string readBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Decodes the gzip file with zlib itself.
std::vector<std::string> gunzipLines(const std::filesystem::path& file) {
  gzFile gz = gzopen(file.c_str(), "rb");
  EXPECT_NE(gz, nullptr) << file;
  std::string text;
  char buffer[1 << 16];
  for (int n; (n = gzread(gz, buffer, sizeof buffer)) > 0;) text.append(buffer, std::size_t(n));
  EXPECT_EQ(gzclose(gz), Z_OK);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> splitCommas(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

struct Transform {
  double m[3][3];
};

Transform readTransform(const std::filesystem::path& file) {
  std::ifstream in(file);
  Transform t{};
  std::string line;
  for (int r = 0; r < 3; ++r) {
    EXPECT_TRUE(std::getline(in, line)) << "row " << r;
    std::istringstream row(line);
    for (int c = 0; c < 3; ++c) EXPECT_TRUE(row >> t.m[r][c]) << "row " << r << " col " << c;
  }
  EXPECT_FALSE(std::getline(in, line) && !line.empty()) << "more than 3 rows";
  return t;
}

const std::vector<std::string> kExpectedFiles = {
    "detected_transcripts.csv.gz", "images/micron_to_mosaic_pixel_transform.csv",
    "images/mosaic_DAPI_z0.tif",   "images/mosaic_DAPI_z1.tif",
    "images/mosaic_PolyT_z0.tif",  "images/mosaic_PolyT_z1.tif",
    "synth_section.json"};

std::vector<std::string> filesUnder(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file())
      files.push_back(std::filesystem::relative(entry.path(), dir).generic_string());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(SyntheticSection, PresetsHaveTheRealSizes) {
  const auto s = syntheticSectionSpec("S");
  EXPECT_DOUBLE_EQ(s.widthUm, 1000);
  EXPECT_DOUBLE_EQ(s.heightUm, 1000);
  EXPECT_DOUBLE_EQ(s.pixelUm, 0.108);
  EXPECT_EQ(s.genes, 500);
  EXPECT_EQ(s.planes, 2);
  EXPECT_DOUBLE_EQ(syntheticSectionSpec("M").widthUm, 3000);
  const auto l = syntheticSectionSpec("L");
  EXPECT_DOUBLE_EQ(l.widthUm, 10000);
  EXPECT_DOUBLE_EQ(l.heightUm, 8000);
  EXPECT_THROW(syntheticSectionSpec("XL"), std::invalid_argument);
}

TEST(SyntheticSection, WritesTheMerscopeRegionLayout) {
  ScratchDirectory scratch;
  const auto out = scratch / "region";
  std::vector<double> fractions;
  const auto summary = writeSyntheticSection(
      tinySpec(), out, [&](double f, const std::string&) { fractions.push_back(f); });

  EXPECT_EQ(filesUnder(out), kExpectedFiles);  // and no temporaries left behind
  EXPECT_EQ(summary.files.size(), kExpectedFiles.size());
  EXPECT_EQ(summary.widthPx, 926);  // ceil(100 / 0.108)
  EXPECT_EQ(summary.heightPx, 741);
  EXPECT_GT(summary.cells, 20);
  EXPECT_GT(summary.transcripts, 100 * summary.cells);
  ASSERT_FALSE(fractions.empty());
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);

  for (const char* name : {"mosaic_DAPI_z0.tif", "mosaic_PolyT_z1.tif"}) {
    const TiffImageReader image(out / "images" / name);
    EXPECT_EQ(image.info().width, 926) << name;
    EXPECT_EQ(image.info().height, 741) << name;
    EXPECT_EQ(image.info().bitsPerSample, 16) << name;
    EXPECT_TRUE(image.info().tiled) << name;
    EXPECT_EQ(image.info().blockWidth, 512) << name;
    EXPECT_TRUE(image.info().bigTiff) << name;
    EXPECT_NE(image.info().compression, "none") << name;
  }

  // The transform as MERSCOPE writes it: 1/0.108 px per µm, offset by the section's origin.
  const Transform t = readTransform(out / "images" / "micron_to_mosaic_pixel_transform.csv");
  EXPECT_NEAR(t.m[0][0], 1 / 0.108, 1e-12);
  EXPECT_NEAR(t.m[1][1], 1 / 0.108, 1e-12);
  EXPECT_NE(t.m[0][2], 0);
  EXPECT_NE(t.m[1][2], 0);
  EXPECT_EQ(t.m[2][0], 0);
  EXPECT_EQ(t.m[2][2], 1);
}

TEST(SyntheticSection, HeaderIsMerscopesAndTheGzipDecodes) {
  ScratchDirectory scratch;
  writeSyntheticSection(tinySpec(), scratch / "region");
  const auto lines = gunzipLines(scratch / "region" / "detected_transcripts.csv.gz");
  ASSERT_GT(lines.size(), 1000u);
  EXPECT_EQ(lines[0], merscopeTranscriptHeader());
  EXPECT_EQ(lines[0], ",barcode_id,global_x,global_y,global_z,x,y,fov,gene,transcript_id,cell_id");

  // The real instrument file's columns, in its order (newer outputs append cell_id).
  TERAMIND_REQUIRE_SHARED_DATA("platform_fixtures/merscope_vpt_mouse_liver");
  std::ifstream real(sharedData / "detected_transcripts.csv");
  std::string realHeader;
  ASSERT_TRUE(std::getline(real, realHeader));
  EXPECT_EQ(lines[0].substr(0, realHeader.size()), realHeader);
  EXPECT_EQ(lines[0].substr(realHeader.size()), ",cell_id");
}

TEST(SyntheticSection, TranscriptsAreClusteredInCellsInsideTheMosaic) {
  ScratchDirectory scratch;
  const auto out = scratch / "region";
  const auto summary = writeSyntheticSection(tinySpec(), out);
  const Transform t = readTransform(out / "images" / "micron_to_mosaic_pixel_transform.csv");
  const auto lines = gunzipLines(out / "detected_transcripts.csv.gz");
  ASSERT_EQ(std::int64_t(lines.size()) - 1, summary.transcripts);

  std::map<std::string, std::int64_t> perGene;
  std::map<long, std::pair<double, double>> centreSum;  // cell → Σ px
  std::map<long, int> perCell;
  std::int64_t background = 0, planeCount[2] = {0, 0};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = splitCommas(lines[i]);
    ASSERT_EQ(f.size(), 11u) << "row " << i << ": " << lines[i];
    const double x = std::stod(f[2]), y = std::stod(f[3]), z = std::stod(f[4]);
    const double px = t.m[0][0] * x + t.m[0][1] * y + t.m[0][2];
    const double py = t.m[1][0] * x + t.m[1][1] * y + t.m[1][2];
    ASSERT_GE(px, 0) << "row " << i;
    ASSERT_LT(px, double(summary.widthPx)) << "row " << i;
    ASSERT_GE(py, 0) << "row " << i;
    ASSERT_LT(py, double(summary.heightPx)) << "row " << i;
    ASSERT_TRUE(z == 0 || z == 1) << "row " << i << " global_z " << f[4];
    ++planeCount[int(z)];
    ++perGene[f[8]];
    const long cell = std::stol(f[10]);
    if (cell < 0) {
      ++background;
      continue;
    }
    centreSum[cell].first += px;
    centreSum[cell].second += py;
    ++perCell[cell];
  }
  // Most molecules in cells, a few percent outside; every cell has its molecules.
  const double backgroundShare = double(background) / double(summary.transcripts);
  EXPECT_GT(backgroundShare, 0.01);
  EXPECT_LT(backgroundShare, 0.06);
  EXPECT_EQ(background, summary.backgroundTranscripts);
  EXPECT_EQ(std::int64_t(perCell.size()), summary.cells);
  EXPECT_GT(planeCount[0], 0);
  EXPECT_GT(planeCount[1], 0);

  // Zipf-like: the top gene far above the median one; blanks rare.
  std::vector<std::int64_t> counts;
  std::int64_t blanks = 0;
  for (const auto& [gene, n] : perGene) {
    if (gene.rfind("Blank-", 0) == 0)
      blanks += n;
    else
      counts.push_back(n);
  }
  std::sort(counts.begin(), counts.end());
  ASSERT_GT(counts.size(), 300u);
  EXPECT_GT(counts.back(), 20 * std::max<std::int64_t>(1, counts[counts.size() / 2]));
  EXPECT_GT(blanks, 0);
  EXPECT_LT(double(blanks), 0.01 * double(summary.transcripts));
  EXPECT_EQ(blanks, summary.blankTranscripts);

  // DAPI is bright where the molecules of a cell gather (its nucleus), dark in the margin
  // no cell reaches.
  const TiffImageReader dapi0(out / "images" / "mosaic_DAPI_z0.tif");
  const TiffImageReader dapi1(out / "images" / "mosaic_DAPI_z1.tif");
  const TiffImageReader polyT0(out / "images" / "mosaic_PolyT_z0.tif");
  auto meanOf = [](const std::vector<std::uint16_t>& v) {
    double sum = 0;
    for (auto value : v) sum += value;
    return sum / double(v.size());
  };
  const double dapiMargin = meanOf(dapi0.readWindow(0, 0, 40, 40));
  const double polyTMargin = meanOf(polyT0.readWindow(0, 0, 40, 40));
  std::vector<double> dapiCentres, polyTCentres;
  for (const auto& [cell, sum] : centreSum) {
    const auto cx = std::int64_t(sum.first / perCell[cell]);
    const auto cy = std::int64_t(sum.second / perCell[cell]);
    dapiCentres.push_back(std::max(meanOf(dapi0.readWindow(cx - 2, cy - 2, 5, 5)),
                                   meanOf(dapi1.readWindow(cx - 2, cy - 2, 5, 5))));
    polyTCentres.push_back(meanOf(polyT0.readWindow(cx - 2, cy - 2, 5, 5)));
  }
  std::sort(dapiCentres.begin(), dapiCentres.end());
  std::sort(polyTCentres.begin(), polyTCentres.end());
  const double dapiMedian = dapiCentres[dapiCentres.size() / 2];
  EXPECT_GT(dapiMargin, 100);  // a dark but not empty background
  EXPECT_GT(dapiMedian, 10 * dapiMargin) << "DAPI median at cell centres vs margin";
  EXPECT_GT(dapiCentres[dapiCentres.size() / 10], 3 * dapiMargin);
  EXPECT_GT(polyTCentres[polyTCentres.size() / 2], 1.5 * polyTMargin);
}

TEST(SyntheticSection, SameSeedSameBytesOtherSeedOtherBytes) {
  ScratchDirectory scratch;
  SyntheticSectionSpec oneThread = tinySpec(7);
  oneThread.threads = 1;
  writeSyntheticSection(tinySpec(7), scratch / "a");
  writeSyntheticSection(oneThread, scratch / "b");  // threads never change a byte
  writeSyntheticSection(tinySpec(8), scratch / "c");
  for (const auto& file : kExpectedFiles)
    EXPECT_TRUE(readBytes(scratch / "a" / file) == readBytes(scratch / "b" / file)) << file;
  for (const char* file :
       {"detected_transcripts.csv.gz", "images/mosaic_DAPI_z0.tif", "images/mosaic_PolyT_z1.tif"})
    EXPECT_FALSE(readBytes(scratch / "a" / file) == readBytes(scratch / "c" / file)) << file;
}

TEST(SyntheticSection, PlanesFlagChangesTheMosaicCount) {
  ScratchDirectory scratch;
  SyntheticSectionSpec spec = tinySpec();
  spec.widthUm = spec.heightUm = 40;
  spec.planes = 3;
  writeSyntheticSection(spec, scratch / "region");
  EXPECT_TRUE(std::filesystem::exists(scratch / "region" / "images" / "mosaic_DAPI_z2.tif"));
  EXPECT_TRUE(std::filesystem::exists(scratch / "region" / "images" / "mosaic_PolyT_z2.tif"));
  EXPECT_FALSE(std::filesystem::exists(scratch / "region" / "images" / "mosaic_DAPI_z3.tif"));
}

TEST(SyntheticSection, RefusesANonEmptyFolder) {
  ScratchDirectory scratch;
  std::ofstream(scratch / "something.txt") << "keep me";
  try {
    writeSyntheticSection(tinySpec(), scratch.path());
    FAIL() << "wrote into a non-empty folder";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), scratch.path());
    EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(filesUnder(scratch.path()), std::vector<std::string>{"something.txt"});
}

}  // namespace
}  // namespace teramind
