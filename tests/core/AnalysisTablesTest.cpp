// The analysis `teramind attention` and the studio's attention dock share: matrix tables, top
// pairs, the heatmap and pathway-map rasters, line fits and the pathway regression.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "analysis/AttentionTables.h"
#include "analysis/Colormap.h"
#include "analysis/GeneAttentionAggregate.h"
#include "analysis/HeatmapImage.h"
#include "analysis/LineFit.h"
#include "analysis/PathwayMapImage.h"
#include "analysis/PathwayRegression.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind {
namespace {

using Rgb = std::array<std::uint8_t, 3>;

TEST(LineFit, KnownLinesAndDegenerateInputs) {
  const auto exact = fitLine({1, 2, 3, 4}, {3, 5, 7, 9});
  EXPECT_DOUBLE_EQ(exact.slope, 2);
  EXPECT_DOUBLE_EQ(exact.intercept, 1);
  EXPECT_NEAR(exact.r, 1, 1e-12);
  EXPECT_EQ(exact.n, 4u);
  // x̄ = 1, ȳ = 2, Sxy = 1, Sxx = 2, Syy = 2: slope 0.5, intercept 1.5, r 0.5.
  const auto noisy = fitLine({0, 1, 2}, {1, 3, 2});
  EXPECT_DOUBLE_EQ(noisy.slope, 0.5);
  EXPECT_DOUBLE_EQ(noisy.intercept, 1.5);
  EXPECT_NEAR(noisy.r, 0.5, 1e-12);
  const auto one = fitLine({5}, {7});
  EXPECT_EQ(one.n, 1u);
  EXPECT_EQ(one.slope, 0);
  EXPECT_EQ(one.intercept, 0);
  const auto flat = fitLine({2, 2, 2}, {1, 2, 6});
  EXPECT_EQ(flat.slope, 0);
  EXPECT_DOUBLE_EQ(flat.intercept, 3);
  EXPECT_TRUE(std::isnan(flat.r));
  EXPECT_THROW(fitLine({1, 2}, {1}), std::invalid_argument);
}

TEST(AttentionTables, MatrixCsvInTheGivenOrder) {
  const std::vector<std::string> genes{"A", "B", "C"};
  const std::vector<double> m{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0 / 3};
  EXPECT_EQ(attentionMatrixCsv(genes, m, {2, 0}), "gene,C,A\nC,0.33333333,0.7\nA,0.3,0.1\n");
  EXPECT_EQ(attentionMatrixCsv(genes, m, {0, 1, 2}),
            "gene,A,B,C\nA,0.1,0.2,0.3\nB,0.4,0.5,0.6\nC,0.7,0.8,0.33333333\n");
  EXPECT_EQ(attentionMatrixCsv(genes, m, {}), "gene\n");
  EXPECT_EQ(attentionMatrixCsv(genes, {1e-9, 2, 3, 4, 5, 6, 7, 8, 123456789.5}, {0, 2}),
            "gene,A,C\nA,1e-09,3\nC,7,1.2345679e+08\n");
  EXPECT_THROW(attentionMatrixCsv(genes, m, {3}), std::invalid_argument);
  EXPECT_THROW(attentionMatrixCsv(genes, {1, 2}, {0}), std::invalid_argument);
}

TEST(AttentionTables, MatrixCsvReadsBackAndBadTablesNameTheRow) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "attention_tables";
  std::filesystem::create_directories(dir);
  const std::vector<std::string> genes{"A", "B", "C"};
  const std::vector<double> m{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0 / 3};
  writeTextFileAtomically(dir / "matrix.csv", attentionMatrixCsv(genes, m, {0, 1, 2}));
  const auto back = readAttentionMatrixCsv(dir / "matrix.csv");
  EXPECT_EQ(back.genes, genes);
  ASSERT_EQ(back.values.size(), 9u);
  EXPECT_DOUBLE_EQ(back.values[8], 0.33333333);
  EXPECT_DOUBLE_EQ(back.values[3], 0.4);
  const auto expectError = [&](const std::string& text, const std::string& problem) {
    writeTextFileAtomically(dir / "bad.csv", text);
    try {
      readAttentionMatrixCsv(dir / "bad.csv");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const FileError& e) {
      EXPECT_EQ(e.file(), dir / "bad.csv");
      EXPECT_EQ(e.problem(), problem) << text;
    }
  };
  expectError("gene,A,B\nB,1,2\nA,3,4\n", "row 1 is not gene A");
  expectError("gene,A,B\nA,1,x\nB,3,4\n", "row 1: 'x' is not a number");
  expectError("gene,A,B\nA,1\nB,3,4\n", "row 1 has 1 values, expected 2");
  expectError("gene,A,B\nA,1,2\n", "1 rows for 2 genes");
  expectError("", "0 rows for 0 genes");
  EXPECT_THROW(readAttentionMatrixCsv(dir / "none.csv"), FileError);
}

TEST(AttentionTables, TopPairsLargestFirstTiesInRowMajorOrderDiagonalLeftOut) {
  // Off the diagonal: (0,1) .5, (0,2) .2, (1,0) .5, (1,2) .9, (2,0) .1, (2,1) .2.
  const std::vector<double> m{10, 0.5, 0.2, 0.5, 10, 0.9, 0.1, 0.2, 10};
  const auto top = topAttentionPairs(m, 3, 4);
  ASSERT_EQ(top.size(), 4u);
  const std::vector<std::pair<std::size_t, std::size_t>> expected{{1, 2}, {0, 1}, {1, 0}, {0, 2}};
  for (std::size_t r = 0; r < top.size(); ++r) {
    EXPECT_EQ(top[r].query, expected[r].first) << "rank " << r + 1;
    EXPECT_EQ(top[r].key, expected[r].second) << "rank " << r + 1;
  }
  EXPECT_DOUBLE_EQ(top[0].attention, 0.9);
  EXPECT_DOUBLE_EQ(top[3].attention, 0.2);
  EXPECT_EQ(topAttentionPairs(m, 3, 100).size(), 6u) << "all off-diagonal pairs";
  EXPECT_TRUE(topAttentionPairs(m, 3, 0).empty());
  EXPECT_THROW(topAttentionPairs(m, 2, 1), std::invalid_argument);
}

TEST(AttentionTables, RegionsAndTopPairsTablesPerRegion) {
  GeneAttentionAggregate aggregate(2);
  const float a[4] = {0.25f, 0.75f, 0.5f, 0.5f}, b[4] = {0.75f, 0.25f, 1.0f, 0.0f};
  aggregate.add("section", a);
  aggregate.add("section", b);  // mean 0.5 0.5 0.75 0.25
  aggregate.add("CA1", a);
  const std::vector<std::string> genes{"Gad1", "Slc17a7"};
  EXPECT_EQ(attentionRegionsCsv(aggregate, genes, {1}),
            "region,patches,query,key,attention\nCA1,1,Slc17a7,Slc17a7,0.5\n"
            "section,2,Slc17a7,Slc17a7,0.25\n");
  EXPECT_EQ(attentionTopPairsCsv(aggregate, genes, 1),
            "region,rank,query,key,attention\nCA1,1,Gad1,Slc17a7,0.75\n"
            "section,1,Slc17a7,Gad1,0.75\n");
  EXPECT_EQ(attentionTopPairsCsv(aggregate, genes, 5),
            "region,rank,query,key,attention\nCA1,1,Gad1,Slc17a7,0.75\nCA1,2,Slc17a7,Gad1,0.5\n"
            "section,1,Slc17a7,Gad1,0.75\nsection,2,Gad1,Slc17a7,0.5\n");
  EXPECT_THROW(attentionRegionsCsv(aggregate, {"Gad1"}, {0}), std::invalid_argument);
}

TEST(HeatmapImage, SizeCellsGapAndColourBar) {
  const std::vector<double> m{0, 1, 2, 3};  // [query][key]
  const std::vector<std::size_t> order{1, 0};
  const auto range = heatmapRange(m, 2, order);
  EXPECT_EQ(range.low, 0);
  EXPECT_EQ(range.high, 3);
  const auto image = heatmapImage(m, 2, order, range);
  // Two genes: 256 px cells, 512 px matrix, 8 px gap, 16 px bar.
  EXPECT_EQ(image.width, 536);
  EXPECT_EQ(image.height, 512);
  ASSERT_EQ(image.pixels.size(), 536u * 512u * 3u);
  EXPECT_EQ(image.at(0, 0), (Rgb{253, 231, 37})) << "row Slc 1 → 1: the maximum, viridis' top";
  EXPECT_EQ(image.at(255, 255), (Rgb{253, 231, 37}));
  EXPECT_EQ(image.at(256, 0), viridis(2.0 / 3)) << "row gene 1, column gene 0: value 2";
  EXPECT_EQ(image.at(256, 0), (Rgb{57, 182, 119}));
  EXPECT_EQ(image.at(0, 256), viridis(1.0 / 3)) << "row gene 0, column gene 1: value 1";
  EXPECT_EQ(image.at(511, 511), (Rgb{68, 1, 84})) << "value 0, viridis' bottom";
  EXPECT_EQ(image.at(512, 100), (Rgb{255, 255, 255})) << "the gap";
  EXPECT_EQ(image.at(519, 511), (Rgb{255, 255, 255}));
  EXPECT_EQ(image.at(520, 0), (Rgb{253, 231, 37})) << "bar top: high";
  EXPECT_EQ(image.at(535, 511), (Rgb{68, 1, 84})) << "bar bottom: low";
  // A subset: the range and cells follow the genes shown.
  const auto one = heatmapImage(m, 2, {0}, heatmapRange(m, 2, {0}));
  EXPECT_EQ(one.width, 512 + 8 + 16);
  EXPECT_EQ(one.at(0, 0), viridis(0.5)) << "a flat range is drawn in the middle colour";
  EXPECT_EQ(heatmapColour(7, {7, 7}), (Rgb{33, 144, 141}));
  // 300 genes: 2 px cells (never smaller).
  std::vector<double> big(300 * 300, 1.0);
  std::vector<std::size_t> all(300);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  EXPECT_EQ(heatmapImage(big, 300, all, {0, 1}).width, 600 + 24);
  EXPECT_THROW(heatmapImage(m, 2, {}, range), std::invalid_argument);
  EXPECT_THROW(heatmapImage(m, 2, {2}, range), std::invalid_argument);
}

TEST(PathwayMapImage, ScaledBinsAndColourBar) {
  const auto image = pathwayMapImage({0.f, 2.f}, 2, 1, 2.0);
  // min(2, 1) = 1 bin → 256 px per bin; 6 px gap, 12 px bar.
  EXPECT_EQ(image.width, 2 * 256 + 6 + 12);
  EXPECT_EQ(image.height, 256);
  EXPECT_EQ(image.at(0, 0), viridis(0));
  EXPECT_EQ(image.at(255, 255), viridis(0));
  EXPECT_EQ(image.at(256, 0), viridis(1));
  EXPECT_EQ(image.at(515, 0), (Rgb{255, 255, 255}));
  EXPECT_EQ(image.at(518, 0), viridis(1));
  EXPECT_EQ(image.at(529, 255), viridis(0));
  EXPECT_EQ(pathwayMapImage({1.f, 1.f}, 2, 1, 0).at(300, 10), viridis(0)) << "an empty map";
  EXPECT_THROW(pathwayMapImage({1.f}, 2, 1, 1), std::invalid_argument);
}

TEST(PathwayRegression, BinsWithBothGenesAsCsv) {
  PathwayMap map;
  map.width = map.height = 2;
  map.rawLevel = {0.5f, 9.f, 1.5f, 2.f};
  map.level = map.weightedA = map.weightedB = std::vector<float>(4, 0.f);
  map.bothExpressed = {1, 0, 1, 1};
  PathwayMapInput input;
  input.width = input.height = 2;
  input.countA = {1, 0, 3, 7};
  input.countB = {0, 5, 1, 3};
  const auto r = pathwayRegression(map, input);
  ASSERT_EQ(r.level.size(), 3u);
  EXPECT_EQ(r.x, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(r.y, (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(pathwayRegressionCsv(r, "A", "B"),
            "x_bin,y_bin,level,log2_expr_A,log2_expr_B\n0,0,0.5,1,0\n0,1,1.5,2,1\n1,1,2,3,2\n");
  input.countA.pop_back();
  EXPECT_THROW(pathwayRegression(map, input), std::invalid_argument);
}

}  // namespace
}  // namespace teramind
