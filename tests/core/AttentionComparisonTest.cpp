#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "analysis/AttentionComparison.h"
#include "analysis/AttentionTables.h"
#include "analysis/Correlation.h"
#include "analysis/GeneAttentionAggregate.h"
#include "common/FileError.h"

namespace teramind {
namespace {

const std::vector<std::string> kGenes{"Slc17a6", "Slc17a7", "Cldn5"};

// Matrices over three genes: on the block of genes 0 and 1 input B is input A scaled (r = 1);
// the row and column of gene 2 disagree, so r over all nine pairs is far from 1.
std::vector<double> matrixA() {
  return {0.5, 0.2, 0.3, 0.1, 0.6, 0.3, 0.4, 0.4, 0.2};
}
std::vector<double> matrixB() {
  return {0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8};
}

AttentionResult input(const std::string& label, std::vector<double> matrix,
                      std::vector<double> totals) {
  AttentionResult r;
  r.label = label;
  r.genes = kGenes;
  r.panel = {"Slc17a6", "Slc17a7"};
  r.regions["section"] = {10, std::move(matrix), std::move(totals)};
  return r;
}

TEST(AttentionComparison, UsesOnlyGenesExpressedInEveryInput) {
  const auto a = input("vizgen", matrixA(), {5, 7, 3});
  const auto b = input("slice1", matrixB(), {2, 9, 0});  // Cldn5 absent in slice1
  // Included, gene 2 would change r: the comparison would mean something else.
  ASSERT_LT(pearson(matrixA(), matrixB()), 0.5);
  const auto c = compareAttentionResults({a, b});
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].region, "section");
  EXPECT_EQ(c.rows[0].genes, (std::vector<std::size_t>{0, 1}));
  EXPECT_NEAR(c.rows[0].pearson, pearson({0.5, 0.2, 0.1, 0.6}, {0.6, 0.3, 0.2, 0.7}), 1e-12);
  EXPECT_GT(c.rows[0].pearson, 0.99);
  EXPECT_DOUBLE_EQ(c.rows[0].spearman, 1.0);
  EXPECT_TRUE(c.partialRegions.empty());

  // Expressed everywhere: all three genes count and r drops.
  const auto all = compareAttentionResults({a, input("slice1", matrixB(), {2, 9, 1})});
  EXPECT_EQ(all.rows[0].genes.size(), 3u);
  EXPECT_NEAR(all.rows[0].pearson, pearson(matrixA(), matrixB()), 1e-12);
}

TEST(AttentionComparison, ReportsRegionsOnlySomeInputsHave) {
  auto a = input("vizgen", matrixA(), {5, 7, 3});
  auto b = input("slice1", matrixB(), {2, 9, 4});
  auto c = input("slice10", matrixB(), {1, 1, 1});
  a.regions["CA1"] = {4, matrixA(), {1, 1, 0}};  // Cldn5 not expressed in CA1 of vizgen
  b.regions["CA1"] = {3, matrixB(), {1, 2, 5}};
  const auto cmp = compareAttentionResults({a, b, c});
  // section: 3 pairs, then CA1: 3 pairs, two of them lacking the region in slice10.
  ASSERT_EQ(cmp.rows.size(), 6u);
  ASSERT_EQ(cmp.partialRegions.count("CA1"), 1u);
  EXPECT_EQ(cmp.partialRegions.at("CA1"), (std::vector<bool>{true, true, false}));
  int withFigures = 0;
  for (const auto& row : cmp.rows) {
    if (row.region != "CA1") continue;
    if (row.inA && row.inB) {
      ++withFigures;
      EXPECT_EQ(row.genes, (std::vector<std::size_t>{0, 1}));  // per region, not the section's
      EXPECT_GT(row.pearson, 0.99);
    } else {
      EXPECT_TRUE(row.genes.empty());
      EXPECT_TRUE(std::isnan(row.pearson));
    }
  }
  EXPECT_EQ(withFigures, 1);
}

TEST(AttentionComparison, FewerThanTwoGenesGiveNoFigure) {
  const auto cmp =
      compareAttentionResults({input("a", matrixA(), {1, 0, 0}), input("b", matrixB(), {1, 1, 1})});
  EXPECT_EQ(cmp.rows[0].genes.size(), 1u);
  EXPECT_TRUE(std::isnan(cmp.rows[0].pearson));
}

TEST(AttentionComparison, RefusesDifferentGenes) {
  auto b = input("b", matrixB(), {1, 1, 1});
  b.genes = {"Slc17a6", "Slc17a7", "Aqp4"};
  EXPECT_THROW(compareAttentionResults({input("a", matrixA(), {1, 1, 1}), b}),
               std::invalid_argument);
}

void writeText(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

std::filesystem::path writeResult(const std::string& name) {
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "attention_comparison" / name;
  std::filesystem::create_directories(dir);
  GeneAttentionAggregate aggregate(3);
  const auto values = matrixA();
  const std::vector<float> m(values.begin(), values.end());
  aggregate.add("section", m.data());
  aggregate.add("section", m.data());
  aggregate.add("CA1", m.data());
  const std::vector<std::size_t> all{0, 1, 2}, panel{0, 1};
  writeText(dir / "matrix.csv", attentionMatrixCsv(kGenes, aggregate.mean("section"), all));
  writeText(dir / "panel_matrix.csv", attentionMatrixCsv(kGenes, aggregate.mean("section"), panel));
  writeText(dir / "region_matrices.csv", attentionRegionsCsv(aggregate, kGenes, all));
  writeText(dir / "genes_expressed.csv",
            attentionGeneTotalsCsv(kGenes, {{"section", {3, 4, 0}}, {"CA1", {1, 0, 0}}}));
  return dir;
}

TEST(AttentionComparison, ReadsWhatAttentionWrites) {
  const auto dir = writeResult("good");
  const auto r = readAttentionResult(dir);
  EXPECT_EQ(r.genes, kGenes);
  EXPECT_EQ(r.panel, (std::vector<std::string>{"Slc17a6", "Slc17a7"}));
  ASSERT_EQ(r.regions.size(), 2u);
  EXPECT_EQ(r.regions.at("section").patches, 2);
  EXPECT_EQ(r.regions.at("CA1").patches, 1);
  EXPECT_NEAR(r.regions.at("CA1").matrix[1 * 3 + 2], 0.3, 1e-7);
  EXPECT_EQ(r.regions.at("section").geneTotals, (std::vector<double>{3, 4, 0}));
}

TEST(AttentionComparison, NamesTheFileAndRowOfABadTable) {
  const auto dir = writeResult("bad_count");
  writeText(dir / "genes_expressed.csv", "region,gene,count\nsection,Slc17a6,many\n");
  try {
    readAttentionResult(dir);
    FAIL() << "a bad count was read";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), dir / "genes_expressed.csv");
    EXPECT_NE(std::string(e.what()).find("row 2: 'many' is not a number"), std::string::npos)
        << e.what();
  }
  writeText(dir / "genes_expressed.csv", "region,gene,count\nsection,Slc17a6,1\n");
  EXPECT_THROW(readAttentionResult(dir), FileError);  // the other genes and CA1 lack counts
  std::filesystem::remove(dir / "region_matrices.csv");
  try {
    readAttentionResult(dir);
    FAIL() << "a result without region_matrices.csv was read";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), dir / "region_matrices.csv");
  }
}

}  // namespace
}  // namespace teramind
