// Placing a section in the atlas from landmark pairs: the fit, its refusals, the CSV, the
// placement saved with the dataset and --landmarks applied by the loader.
#include <cmath>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "atlas/Atlas.h"
#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "io/LandmarkFile.h"
#include "io/SavedPlacement.h"
#include "io/SpatialDataset.h"
#include "support/TestData.h"
#include "transcriptomics/LandmarkPlacement.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using test::ScratchDirectory;

double length(const Vec3& v) {
  return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

Vec3 column(const AffineTransform& t, int c) {
  return {t.linear()[0][c], t.linear()[1][c], t.linear()[2][c]};
}

// A section tilted in the atlas, scaled 0.92 (shrinkage), sheared a little, far from the origin.
AffineTransform tiltedPlacement() {
  const double a = 0.3, b = 0.2;  // rotations about two axes (rad)
  const Vec3 u{0.92 * std::cos(a), 0.92 * std::sin(a) * std::cos(b),
               0.92 * std::sin(a) * std::sin(b)};
  const Vec3 v{-0.9 * std::sin(a) + 0.05, 0.9 * std::cos(a) * std::cos(b),
               0.9 * std::cos(a) * std::sin(b)};
  Mat3 m{};
  for (int r = 0; r < 3; ++r) m[r] = {u[r], v[r], 0};
  return AffineTransform(m, {5200, -2900, 1600});
}

Landmark placedLandmark(const AffineTransform& t, const std::string& name, double x, double y) {
  return {name, x, y, t.apply({x, y, 0})};
}

TEST(LandmarkFit, RecoversAKnownPlacementFromNoisyPoints) {
  const AffineTransform truth = tiltedPlacement();
  std::mt19937 random(7);
  std::normal_distribution<double> noise(0.0, 2.0);  // µm: a careful click
  std::vector<Landmark> landmarks;
  for (int i = 0; i < 30; ++i) {
    Landmark l = placedLandmark(truth, "p" + std::to_string(i), 6000 + 37.0 * (i % 6) * 4,
                                4500 + 53.0 * (i / 6) * 3);
    for (double& c : l.atlasUm) c += noise(random);
    landmarks.push_back(l);
  }
  const LandmarkFit fit = fitLandmarks(landmarks);
  for (int c = 0; c < 2; ++c)
    for (int r = 0; r < 3; ++r)
      EXPECT_NEAR(fit.sectionToAtlas.linear()[r][c], truth.linear()[r][c], 0.01);
  // The translation sits 6000 µm from the points: compare where the section's middle lands.
  const Vec3 middle = fit.sectionToAtlas.apply({6450, 4900, 0}),
             expected = truth.apply({6450, 4900, 0});
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(middle[a], expected[a], 2.0);
  // Out of plane: a unit normal, right-handed.
  const Vec3 n = column(fit.sectionToAtlas, 2);
  EXPECT_NEAR(length(n), 1.0, 1e-12);
  const Vec3 x = column(fit.sectionToAtlas, 0), y = column(fit.sectionToAtlas, 1);
  EXPECT_NEAR(x[0] * n[0] + x[1] * n[1] + x[2] * n[2], 0.0, 1e-9);
  EXPECT_NEAR(y[0] * n[0] + y[1] * n[1] + y[2] * n[2], 0.0, 1e-9);
  EXPECT_GT(determinant(fit.sectionToAtlas.linear()), 0.0);
  // Residuals: of the noise's size (3D, σ = 2 µm per axis), each what it says it is.
  ASSERT_EQ(fit.residualUm.size(), landmarks.size());
  EXPECT_GT(fit.rmsUm, 1.0);
  EXPECT_LT(fit.rmsUm, 5.0);
  double maxUm = 0;
  for (std::size_t i = 0; i < landmarks.size(); ++i) {
    const Vec3 p = fit.sectionToAtlas.apply({landmarks[i].sectionXUm, landmarks[i].sectionYUm, 0});
    const double r = length({p[0] - landmarks[i].atlasUm[0], p[1] - landmarks[i].atlasUm[1],
                             p[2] - landmarks[i].atlasUm[2]});
    EXPECT_NEAR(fit.residualUm[i], r, 1e-9);
    maxUm = std::max(maxUm, r);
  }
  EXPECT_DOUBLE_EQ(fit.maxUm, maxUm);
}

TEST(LandmarkFit, ThreePairsFitExactlyAndAMisplacedFourthStandsOut) {
  const AffineTransform truth = tiltedPlacement();
  std::vector<Landmark> landmarks{placedLandmark(truth, "a", 6000, 4500),
                                  placedLandmark(truth, "b", 6800, 4550),
                                  placedLandmark(truth, "c", 6100, 5300)};
  const LandmarkFit exact = fitLandmarks(landmarks);
  for (double r : exact.residualUm) EXPECT_LT(r, 1e-6);
  landmarks.push_back(placedLandmark(truth, "d", 6700, 5250));
  landmarks.push_back(placedLandmark(truth, "e", 6400, 4900));
  landmarks.back().atlasUm[1] += 120;  // a click on the wrong side of a boundary
  const LandmarkFit fit = fitLandmarks(landmarks);
  const auto worst = std::max_element(fit.residualUm.begin(), fit.residualUm.end());
  EXPECT_EQ(worst - fit.residualUm.begin(), 4);
  EXPECT_GT(*worst, 50.0);
}

TEST(LandmarkFit, RefusesSetsThatDoNotPlaceAPlane) {
  const AffineTransform truth = tiltedPlacement();
  auto message = [](const std::vector<Landmark>& l) {
    try {
      fitLandmarks(l);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("fitted");
  };
  EXPECT_NE(message({placedLandmark(truth, "a", 1, 2), placedLandmark(truth, "b", 3, 4)})
                .find("at least 3 landmark pairs, there are 2"),
            std::string::npos);
  // Section points in a row (exactly, and to within a nanometre over millimetres).
  EXPECT_NE(message({placedLandmark(truth, "a", 0, 0), placedLandmark(truth, "b", 100, 100),
                     placedLandmark(truth, "c", 300, 300)})
                .find("section points lie on one line"),
            std::string::npos);
  EXPECT_NE(message({placedLandmark(truth, "a", 6000, 4000), placedLandmark(truth, "b", 7000, 5000),
                     placedLandmark(truth, "c", 8000, 6000.000001)})
                .find("section points lie on one line"),
            std::string::npos);
  EXPECT_NE(message({placedLandmark(truth, "a", 5, 5), placedLandmark(truth, "b", 5, 5),
                     placedLandmark(truth, "c", 5, 5)})
                .find("section points lie on one line"),
            std::string::npos);
  // Atlas points in a row: the section would be flattened onto a line.
  EXPECT_NE(
      message({{"a", 0, 0, {10, 20, 30}}, {"b", 100, 0, {20, 40, 60}}, {"c", 0, 100, {30, 60, 90}}})
          .find("atlas points lie on one line"),
      std::string::npos);
  // One column near zero at a fine angle: saved, it would round to 0 and not load again.
  EXPECT_NE(message({{"a", 0, 0, {5000, 1000, 7000}},
                     {"b", 100, 0, {5000, 1000, 7000 + 1e-6}},
                     {"c", 0, 100, {5000, 1100, 7000}}})
                .find("atlas points lie on one line"),
            std::string::npos);
  EXPECT_NE(message({{"a", 0, 0, {1, 2, 3}}, {"b", 100, 0, {NAN, 0, 0}}, {"c", 0, 100, {0, 0, 1}}})
                .find("landmark 'b' has a coordinate that is not finite"),
            std::string::npos);
}

void writeText(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

std::string readError(const fs::path& file) {
  try {
    readLandmarks(file);
  } catch (const FileError& e) {
    return e.what();
  }
  return "read";
}

TEST(LandmarkFile, WritesAndReadsBackExactly) {
  ScratchDirectory dir;
  const std::vector<Landmark> landmarks{{"plain", 6400.037, 4966.6514, {5000, 1.0 / 3.0, 8200.5}},
                                        {"with, comma \"quoted\"", -1e-7, 12345678.9, {0, -0, 1e5}},
                                        {"L3", 1, 2, {3, 4, 5}}};
  writeLandmarks(dir / "l.csv", landmarks);
  const auto back = readLandmarks(dir / "l.csv");
  ASSERT_EQ(back.size(), landmarks.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].name, landmarks[i].name);
    EXPECT_EQ(back[i].sectionXUm, landmarks[i].sectionXUm);
    EXPECT_EQ(back[i].sectionYUm, landmarks[i].sectionYUm);
    EXPECT_EQ(back[i].atlasUm, landmarks[i].atlasUm);
  }
  // Columns in another order, an extra column and an unnamed row are fine.
  writeText(dir / "other.csv",
            "atlas_z_um,name,residual_um,section_y_um,section_x_um,atlas_y_um,atlas_x_um\n"
            "3,,0.5,2,1,4,5\n");
  const auto other = readLandmarks(dir / "other.csv");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].name, "L1");
  EXPECT_EQ(other[0].sectionXUm, 1);
  EXPECT_EQ(other[0].sectionYUm, 2);
  EXPECT_EQ(other[0].atlasUm, (Vec3{5, 4, 3}));
}

TEST(LandmarkFile, BadRowsNameTheFileLineAndColumn) {
  ScratchDirectory dir;
  const std::string header = "name,section_x_um,section_y_um,atlas_x_um,atlas_y_um,atlas_z_um\n";
  writeText(dir / "number.csv", header + "a,1,2,3,4,5\nb,1,2,3,four,5\n");
  EXPECT_EQ(
      readError(dir / "number.csv"),
      (dir / "number.csv").string() + ": line 3: column 'atlas_y_um': 'four' is not a number");
  writeText(dir / "inf.csv", header + "a,1,2,3,4,inf\n");
  EXPECT_NE(readError(dir / "inf.csv").find("line 2: column 'atlas_z_um': 'inf' is not finite"),
            std::string::npos);
  writeText(dir / "short.csv", header + "a,1,2,3,4\n");
  EXPECT_NE(readError(dir / "short.csv").find("line 2: has 5 fields, the header has 6"),
            std::string::npos);
  writeText(dir / "column.csv", "name,section_x_um,section_y_um,atlas_x_um,atlas_y_um\n");
  EXPECT_NE(readError(dir / "column.csv").find("missing column 'atlas_z_um'"), std::string::npos);
  writeText(dir / "twice.csv", header + "a,1,2,3,4,5\nb,1,2,3,4,5\na,6,7,8,9,10\n");
  EXPECT_NE(readError(dir / "twice.csv")
                .find("line 4: column 'name': 'a' is used twice (first on line 2)"),
            std::string::npos);
  writeText(dir / "empty.csv", header);
  EXPECT_EQ(readError(dir / "empty.csv"), (dir / "empty.csv").string() + ": holds no landmarks");
  std::string many = header;
  for (std::size_t i = 0; i <= kMaxLandmarks; ++i) many += "p" + std::to_string(i) + ",1,2,3,4,5\n";
  writeText(dir / "many.csv", many);
  EXPECT_NE(readError(dir / "many.csv").find("more than 10000 landmarks"), std::string::npos);
}

// The demo's own placement: section x → CCF LR + 1550, y → DV − 2925, planes → AP from 5000.
DatasetReadOptions demoLandmarks() {
  DatasetReadOptions options;
  options.landmarks =
      fs::path(TERAMIND_SOURCE_DIR) / "tests/data/landmarks/vizgen_mini_landmarks.csv";
  return options;
}

TEST(LandmarkPlacementOfData, TheLoaderAppliesLandmarksAndTheCentreLandsInTheRightStructure) {
  const SpatialDataset placed =
      loadSpatialDataset(bundledDemoDataset(), {}, DatasetContent::All, demoLandmarks());
  ASSERT_TRUE(placed.placement().placed);
  EXPECT_NE(placed.placementNote.find("fitted from 5 landmarks in vizgen_mini_landmarks.csv"),
            std::string::npos)
      << placed.placementNote;
  const AffineTransform& t = placed.placement().sectionToAtlas;
  const AffineTransform manifest =
      loadSpatialDataset(bundledDemoDataset()).placement().sectionToAtlas;
  // In the plane, the fit is the manifest's placement; out of it, the right-handed unit normal
  // (the manifest's is the left-handed one: its planes run posterior).
  for (int r = 0; r < 3; ++r) {
    EXPECT_NEAR(t.linear()[r][0], manifest.linear()[r][0], 1e-9);
    EXPECT_NEAR(t.linear()[r][1], manifest.linear()[r][1], 1e-9);
    EXPECT_NEAR(t.linear()[r][2], -manifest.linear()[r][2], 1e-9);
    EXPECT_NEAR(t.offset()[r], manifest.offset()[r], 1e-6);
  }
  const Atlas atlas = Atlas::load(bundledAtlasDirectory());
  const Structure* s = atlas.structureAt(t.apply({6650, 4925, 0}));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->acronym, "SSp-ul5");
}

TEST(LandmarkPlacementOfData, LandmarksThatDoNotPlaceTheSectionAreAFileError) {
  ScratchDirectory dir;
  writeText(dir / "row.csv",
            "name,section_x_um,section_y_um,atlas_x_um,atlas_y_um,atlas_z_um\n"
            "a,0,0,1,2,3\nb,10,10,4,5,6\nc,20,20,7,8,10\n");
  DatasetReadOptions options;
  options.landmarks = dir / "row.csv";
  try {
    loadSpatialDataset(bundledDemoDataset(), {}, DatasetContent::StainImagesOnly, options);
    FAIL() << "a degenerate set was accepted";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), dir / "row.csv");
    EXPECT_NE(e.problem().find("section points lie on one line"), std::string::npos);
  }
}

const char* kTranscripts =
    "global_x,global_y,gene,global_z\n"
    "10,10,Slc17a7,0\n20,15,Gad1,0\n30,40,Slc17a7,1\n";

std::vector<Landmark> squareLandmarks() {
  return {{"a", 0, 0, {5000, 1000, 7000}},
          {"b", 100, 0, {5000, 1000, 7100}},
          {"c", 0, 100, {5000, 1100, 7000}},
          {"d", 100, 100, {5000, 1100, 7101}}};
}

TEST(SavedPlacement, ASidecarBesideOtherDataIsPickedUpByTheLoader) {
  ScratchDirectory dir;
  writeText(dir / "detected_transcripts.csv", kTranscripts);
  const SpatialDataset first = loadSpatialDataset(dir / "detected_transcripts.csv");
  EXPECT_FALSE(first.placement().placed);
  EXPECT_FALSE(savedLandmarksFile(first));
  const auto landmarks = squareLandmarks();
  const LandmarkFit fit = fitLandmarks(landmarks);
  const PlacementFiles files = savePlacement(first, landmarks, fit);
  EXPECT_EQ(files.placement, dir / "detected_transcripts.csv.placement.json");
  EXPECT_EQ(files.landmarks, dir / "detected_transcripts.csv.landmarks.csv");
  EXPECT_FALSE(files.inManifest);

  const SpatialDataset again = loadSpatialDataset(dir / "detected_transcripts.csv");
  EXPECT_TRUE(again.placement().placed);
  EXPECT_TRUE(again.placement().sectionToAtlas.approximatelyEquals(fit.sectionToAtlas, 1e-9));
  EXPECT_NE(again.placementNote.find("fitted from 4 landmarks"), std::string::npos);
  ASSERT_TRUE(savedLandmarksFile(again));
  EXPECT_EQ(*savedLandmarksFile(again), files.landmarks);
  EXPECT_EQ(readLandmarks(files.landmarks).size(), 4u);

  // --landmarks wins over the sidecar.
  DatasetReadOptions options = demoLandmarks();
  const SpatialDataset overridden =
      loadSpatialDataset(dir / "detected_transcripts.csv", {}, DatasetContent::All, options);
  EXPECT_NE(overridden.placementNote.find("vizgen_mini_landmarks.csv"), std::string::npos);

  // A damaged sidecar is an error naming it, not a silently unplaced section.
  writeText(files.placement,
            "{\"format\": \"teramind-section-placement\", \"version\": 1, "
            "\"section_to_atlas\": {\"matrix_3x4\": [1, 0, 0]}}");
  try {
    loadSpatialDataset(dir / "detected_transcripts.csv");
    FAIL() << "a damaged sidecar was accepted";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), files.placement);
    EXPECT_NE(e.problem().find("needs 12 numbers"), std::string::npos);
  }
  writeText(files.placement,
            "{\"format\": \"teramind-section-placement\", \"version\": 1, "
            "\"section_to_atlas\": {\"matrix_3x4\": [0,0,0,1, 0,0,0,2, 0,0,0,3]}}");
  EXPECT_THROW(loadSpatialDataset(dir / "detected_transcripts.csv"), FileError);
}

TEST(SavedPlacement, AManifestGetsItInItsOwnSectionToAtlas) {
  ScratchDirectory dir;
  writeText(dir / "t.csv", kTranscripts);
  writeText(dir / "dataset.json",
            R"({"format": "teramind-spatial-dataset", "version": 1, "name": "tiny",
                "transcripts": "t.csv", "plane_spacing_um": 2.0,
                "section_to_atlas": {"matrix_3x4": [1,0,0,0, 0,1,0,0, 0,0,1,0], "note": "old"}})");
  const SpatialDataset first = loadSpatialDataset(dir.path());
  const auto landmarks = squareLandmarks();
  const LandmarkFit fit = fitLandmarks(landmarks);
  const PlacementFiles files = savePlacement(first, landmarks, fit);
  EXPECT_TRUE(files.inManifest);
  EXPECT_EQ(files.placement, dir / "dataset.json");
  EXPECT_EQ(files.landmarks, dir / "section_landmarks.csv");
  EXPECT_FALSE(fs::exists(dir / "dataset.json.placement.json"));

  std::ifstream in(dir / "dataset.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("name"), "tiny");
  EXPECT_EQ(j.at("plane_spacing_um"), 2.0);
  EXPECT_EQ(j.at("section_to_atlas").at("landmarks"), "section_landmarks.csv");
  const SpatialDataset again = loadSpatialDataset(dir.path());
  // The user's own note stays; the tool's goes beside it, with the fit's RMS in its own key.
  EXPECT_EQ(j.at("section_to_atlas").at("note"), "old");
  EXPECT_NE(
      j.at("section_to_atlas").at("fit_note").get<std::string>().find("fitted from 4 landmarks"),
      std::string::npos);
  EXPECT_DOUBLE_EQ(j.at("section_to_atlas").at("landmark_rms_um").get<double>(), fit.rmsUm);
  EXPECT_TRUE(again.placement().sectionToAtlas.approximatelyEquals(fit.sectionToAtlas, 1e-9));
  EXPECT_EQ(again.placement().planeSpacingUm, 2.0);
  // What placed it is the fit, whatever the user's note says.
  EXPECT_NE(again.placementNote.find("fitted from 4 landmarks"), std::string::npos);
  ASSERT_TRUE(savedLandmarksFile(again));
  EXPECT_EQ(*savedLandmarksFile(again), dir / "section_landmarks.csv");

  // Saved again, the tool's own note is replaced by the new fit's, not kept as the user's.
  writeText(dir / "dataset.json",
            R"x({"format": "teramind-spatial-dataset", "version": 1, "name": "tiny",
                "transcripts": "t.csv", "user_key": [1, 2], "section_to_atlas":
                {"matrix_3x4": [1,0,0,0, 0,1,0,0, 0,0,1,0],
                 "note": "fitted from 3 landmarks in x.csv (RMS 0.0 um, max 0.0 um)"}})x");
  savePlacement(loadSpatialDataset(dir.path()), landmarks, fit);
  std::ifstream in2(dir / "dataset.json");
  const auto k = nlohmann::ordered_json::parse(in2);
  EXPECT_NE(k.at("section_to_atlas").at("note").get<std::string>().find("fitted from 4 landmarks"),
            std::string::npos);
  EXPECT_FALSE(k.at("section_to_atlas").contains("fit_note"));
  EXPECT_EQ(k.at("user_key"), nlohmann::ordered_json::array({1, 2}));
  std::vector<std::string> keys;
  for (const auto& item : k.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"format", "version", "name", "transcripts", "user_key",
                                            "section_to_atlas"}));
}

// A rotation by 90° leaves cos(90°) ≈ 6e-17 in the fitted matrix: written and printed as 0.
TEST(SavedPlacement, RoundingNoiseInTheMatrixIsWrittenAsZero) {
  ScratchDirectory dir;
  writeText(dir / "detected_transcripts.csv", kTranscripts);
  const SpatialDataset data = loadSpatialDataset(dir / "detected_transcripts.csv");
  const double c = std::cos(M_PI / 2), s = std::sin(M_PI / 2);
  Mat3 m{};
  m[0] = {c, -s, 0};
  m[1] = {s, c, 0};
  m[2] = {0, 0, 1};
  const AffineTransform rotation(m, {5000, 3000, 6000});
  std::vector<Landmark> landmarks;
  for (auto [x, y] : {std::pair{0.0, 0.0}, {100.0, 0.0}, {0.0, 100.0}, {100.0, 100.0}})
    landmarks.push_back(placedLandmark(rotation, "p" + std::to_string(landmarks.size()), x, y));
  const LandmarkFit fit = fitLandmarks(landmarks);
  const auto clean = cleanRowMajor(fit.sectionToAtlas);
  for (double v : clean) EXPECT_TRUE(v == 0 || std::abs(v) > 1e-9) << v;
  EXPECT_EQ(clean[0], 0.0);
  EXPECT_NEAR(clean[1], -1.0, 1e-9);
  const PlacementFiles files = savePlacement(data, landmarks, fit);
  std::ifstream in(files.placement);
  const auto j = nlohmann::json::parse(in);
  for (const auto& v : j.at("section_to_atlas").at("matrix_3x4"))
    EXPECT_TRUE(v.get<double>() == 0 || std::abs(v.get<double>()) > 1e-9) << v;
}

TEST(LandmarkFit, ReportsTheInPlaneScaleAndWarnsAboutAnAbsurdOne) {
  const LandmarkFit plausible = fitLandmarks(squareLandmarks());
  EXPECT_NEAR(plausible.scaleMax, 1.0, 0.01);
  EXPECT_NEAR(plausible.scaleMin, 1.0, 0.01);
  EXPECT_TRUE(plausible.warnings.empty());

  // A 440 µm crop matched to 5.9 mm of atlas: 13.4×.
  std::vector<Landmark> crop{{"a", 0, 0, {5000, 1000, 5000}},
                             {"b", 440, 0, {5000, 1000, 10900}},
                             {"c", 0, 440, {5000, 6900, 5000}},
                             {"d", 440, 440, {5000, 6900, 10900}}};
  const LandmarkFit absurd = fitLandmarks(crop);
  EXPECT_NEAR(absurd.scaleMax, 5900.0 / 440.0, 0.01);
  ASSERT_EQ(absurd.warnings.size(), 1u);
  EXPECT_EQ(absurd.warnings[0], "the fit scales the section by 13.4×: are the pairs matched?");

  // Squashed in one direction only: the smaller singular value warns.
  std::vector<Landmark> squashed{{"a", 0, 0, {5000, 1000, 5000}},
                                 {"b", 1000, 0, {5000, 1000, 6000}},
                                 {"c", 0, 1000, {5000, 1200, 5000}}};
  const LandmarkFit thin = fitLandmarks(squashed);
  EXPECT_NEAR(thin.scaleMax, 1.0, 1e-9);
  EXPECT_NEAR(thin.scaleMin, 0.2, 1e-9);
  ASSERT_EQ(thin.warnings.size(), 1u);
  EXPECT_NE(thin.warnings[0].find("by 0.2×"), std::string::npos);
}

TEST(LandmarkFit, WarnsAboutSectionPointsOutsideTheSection) {
  const SectionExtentUm extent{0, 100, 0, 100};
  EXPECT_TRUE(fitLandmarks(squareLandmarks(), extent).warnings.empty());
  auto landmarks = squareLandmarks();
  landmarks[3].sectionXUm = 109;  // within the 10 % margin
  EXPECT_TRUE(fitLandmarks(landmarks, extent).warnings.empty());
  landmarks[3].sectionXUm = 5000;
  landmarks[3].atlasUm = {5000, 1100, 12000};
  const LandmarkFit fit = fitLandmarks(landmarks, extent);
  ASSERT_FALSE(fit.warnings.empty());
  EXPECT_NE(fit.warnings.back().find("landmark 'd' at (5000.0, 100.0) um lies outside the section"),
            std::string::npos)
      << fit.warnings.back();
  // Without an extent nothing is known about it.
  for (const std::string& w : fitLandmarks(landmarks).warnings)
    EXPECT_EQ(w.find("outside"), std::string::npos);
}

// --landmarks replaces the sidecar: a damaged sidecar does not stand in its way.
TEST(SavedPlacement, LandmarksOptionSkipsADamagedSidecar) {
  ScratchDirectory dir;
  writeText(dir / "detected_transcripts.csv", kTranscripts);
  writeText(dir / "detected_transcripts.csv.placement.json", "{\"format\": \"other\"}");
  EXPECT_THROW(loadSpatialDataset(dir / "detected_transcripts.csv"), FileError);
  const SpatialDataset placed = loadSpatialDataset(dir / "detected_transcripts.csv", {},
                                                   DatasetContent::All, demoLandmarks());
  EXPECT_TRUE(placed.placement().placed);
  EXPECT_NE(placed.placementNote.find("vizgen_mini_landmarks.csv"), std::string::npos);
}

// A STARmap pair saved through its expression file: its folder still opens (the sidecar's
// names are not taken for a second expression file) and both ways of opening it are placed.
TEST(SavedPlacement, AStarmapPairKeepsItsPlacementInItsFolder) {
  ScratchDirectory dir;
  writeText(dir / "cells_loc.txt", "1 2 3\n4 5 6\n");
  writeText(dir / "expr.txt", "\"c1\" \"c2\"\n\"Gad1\" 1 2\n");
  const SpatialDataset byFile = loadSpatialDataset(dir / "expr.txt");
  ASSERT_EQ(byFile.format, SpatialFormat::StarmapPair);
  const auto landmarks = squareLandmarks();
  const LandmarkFit fit = fitLandmarks(landmarks);
  const PlacementFiles files = savePlacement(byFile, landmarks, fit);
  EXPECT_EQ(files.placement, dir / "teramind_placement.json");
  const SpatialDataset byFolder = loadSpatialDataset(dir.path());
  EXPECT_TRUE(byFolder.placement().placed);
  EXPECT_TRUE(loadSpatialDataset(dir / "expr.txt").placement().placed);
}

}  // namespace
}  // namespace teramind
