// The loom and AnnData (.h5ad) readers, on the real osmFISH loom and on tiny files written by
// the real anndata 0.8 writer (tests/data/h5ad/make_h5ad.py, whose values are repeated here).
// Suites are named hdf5* so that `ctest -R hdf5` selects them.

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/FileError.h"
#include "io/H5adFile.h"
#include "io/LoomFile.h"
#include "support/TestData.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using test::ScratchDirectory;

fs::path fixture(const std::string& name) {
  return fs::path(TERAMIND_H5AD_TEST_DATA) / name;
}

// X of csr.h5ad, csc.h5ad, negative.h5ad and bad_indices.h5ad (cells × genes); tiny.loom
// holds its transpose.
const std::vector<std::vector<float>> kSmall = {{1.0f, 0.0f, 2.5f, 0.0f, 0.0f},
                                                {0.0f, 0.0f, 0.0f, 0.0f, 0.0f},
                                                {3.0f, 1.0f, 0.0f, 0.0f, 7.0f},
                                                {0.0f, 4.0f, 0.0f, 0.5f, 0.0f}};
const std::vector<std::string> kCells = {"c0", "c1", "c2", "c3"};
const std::vector<std::string> kGeneIds = {"ENSMUSG01", "ENSMUSG02", "ENSMUSG03", "ENSMUSG04",
                                           "ENSMUSG05"};
const std::vector<std::vector<double>> kSpatial3d = {
    {1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}, {7.0, 8.0, 9.0}, {10.0, 11.0, 12.5}};

std::vector<std::string> names(const GeneCatalogue& genes) {
  std::vector<std::string> out;
  for (std::uint32_t g = 0; g < genes.size(); ++g) out.push_back(genes.name(g));
  return out;
}

void expectValues(const CellTable& table, const std::vector<std::vector<float>>& expected) {
  ASSERT_EQ(table.cellCount(), expected.size());
  std::size_t nonZero = 0;
  for (std::size_t c = 0; c < expected.size(); ++c) {
    ASSERT_EQ(table.genes.size(), expected[c].size());
    for (std::uint32_t g = 0; g < expected[c].size(); ++g) {
      EXPECT_EQ(table.value(c, g), expected[c][g]) << "cell " << c << " gene " << g;
      nonZero += expected[c][g] != 0.0f;
    }
    // CSR invariant: strictly increasing genes within a cell.
    for (auto i = table.rowStart[c] + 1; i < table.rowStart[c + 1]; ++i)
      EXPECT_LT(table.entryGene[i - 1], table.entryGene[i]);
  }
  EXPECT_EQ(table.entryGene.size(), nonZero) << "zeros must not be stored";
}

// Asserts that `read` throws a FileError naming `file` and containing every one of `parts`.
template <typename Read>
void expectFileError(const Read& read, const fs::path& file,
                     const std::vector<std::string>& parts) {
  try {
    read();
    ADD_FAILURE() << "no error for " << file;
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), file);
    const std::string message = e.what();
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

// Small HDF5 edits to committed fixtures, for damage the anndata writer never produces.
void writeElement(const fs::path& file, const char* dataset, std::vector<hsize_t> at,
                  double value) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  ASSERT_GE(d, 0);
  const hid_t space = H5Dget_space(d);
  const std::vector<hsize_t> count(at.size(), 1);
  H5Sselect_hyperslab(space, H5S_SELECT_SET, at.data(), nullptr, count.data(), nullptr);
  const hsize_t one = 1;
  const hid_t memory = H5Screate_simple(1, &one, nullptr);
  EXPECT_GE(H5Dwrite(d, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, &value), 0);
  H5Sclose(memory);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
}

void writeShapeAttribute(const fs::path& file, std::int64_t rows, std::int64_t columns) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  // Through the group: HDF5 1.10 cannot write an attribute opened with H5Aopen_by_name.
  const hid_t g = H5Gopen2(f, "X", H5P_DEFAULT);
  ASSERT_GE(g, 0);
  const hid_t a = H5Aopen(g, "shape", H5P_DEFAULT);
  ASSERT_GE(a, 0);
  const std::int64_t shape[2] = {rows, columns};
  EXPECT_GE(H5Awrite(a, H5T_NATIVE_INT64, shape), 0);
  H5Aclose(a);
  H5Gclose(g);
  H5Fclose(f);
}

// Replaces `dataset` by one of `n` doubles whose storage is never written: HDF5 reads it as
// fill values, so a few bytes of file declare any size.
void replaceWithUnwrittenDataset(const fs::path& file, const char* dataset, hsize_t n) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Ldelete(f, dataset, H5P_DEFAULT);
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t data =
      H5Dcreate2(f, dataset, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dclose(data);
  H5Sclose(space);
  H5Fclose(f);
}

fs::path copyFixture(const ScratchDirectory& scratch, const std::string& name,
                     const std::string& copyName = "") {
  const fs::path copy = scratch / (copyName.empty() ? name : copyName);
  fs::copy_file(fixture(name), copy);
  return copy;
}

// ---------------------------------------------------------------------------------------
// loom

TEST(hdf5LoomReader, OsmFishSomatosensoryCortex) {
  TERAMIND_REQUIRE_SHARED_DATA(
      "osmfish_sscortex_codeluppi2018/osmFISH_SScortex_mouse_all_cells.loom");
  std::vector<double> fractions;
  const CellTable table = readLoom(sharedData, 0, [&](double f) { fractions.push_back(f); });

  EXPECT_EQ(table.genes.size(), 33u);
  EXPECT_EQ(table.genes.controlCount(), 0u);
  ASSERT_EQ(table.cellCount(), 6471u);
  EXPECT_EQ(table.genes.name(0), "Gad2");
  EXPECT_EQ(table.genes.name(1), "Slc32a1");
  EXPECT_EQ(table.cellIds[0], "778");
  EXPECT_EQ(table.coordinateUnit, "um");

  // Pixel size sqrt(size_um2 / size_pix) = 0.065 µm: X spans -6565.45…23895.59 px.
  const auto [xMin, xMax] = std::minmax_element(table.x.begin(), table.x.end());
  EXPECT_NEAR(*xMin, -6565.45475168401 * 0.065, 1e-3);
  EXPECT_NEAR(*xMax, 23895.58588501429 * 0.065, 1e-3);
  EXPECT_NEAR(*xMin, -426.7546, 1e-3);
  EXPECT_NEAR(*xMax, 1553.2131, 1e-3);
  EXPECT_TRUE(std::all_of(table.z.begin(), table.z.end(), [](float z) { return z == 0.0f; }));

  // Expected counts read independently with the HDF5 C API, plus the file's own per-cell
  // Total_molecules.
  const hid_t f = H5Fopen(sharedData.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  std::vector<double> matrix(33 * 6471), totalMolecules(6471);
  const hid_t m = H5Dopen2(f, "/matrix", H5P_DEFAULT);
  ASSERT_GE(H5Dread(m, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, matrix.data()), 0);
  const hid_t t = H5Dopen2(f, "/col_attrs/Total_molecules", H5P_DEFAULT);
  ASSERT_GE(H5Dread(t, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, totalMolecules.data()), 0);
  H5Dclose(t);
  H5Dclose(m);
  H5Fclose(f);

  const double expectedTotal = std::accumulate(matrix.begin(), matrix.end(), 0.0);
  const std::vector<double> perGene = table.totalsPerFeature();
  const double total = std::accumulate(perGene.begin(), perGene.end(), 0.0);
  EXPECT_EQ(total, expectedTotal);
  EXPECT_EQ(total, std::accumulate(totalMolecules.begin(), totalMolecules.end(), 0.0));
  std::cout << "osmFISH: " << table.genes.size() << " genes x " << table.cellCount() << " cells, "
            << table.entryGene.size() << " non-zero entries, total " << total << " molecules, x "
            << *xMin << " .. " << *xMax << " um\n";
  std::size_t mismatches = 0;
  for (std::size_t c = 0; c < 6471; ++c) {
    double cellTotal = 0;
    for (std::uint32_t g = 0; g < 33; ++g) {
      mismatches += table.value(c, g) != float(matrix[g * 6471 + c]);
      cellTotal += table.value(c, g);
    }
    mismatches += cellTotal != totalMolecules[c];
  }
  EXPECT_EQ(mismatches, 0u);

  ASSERT_FALSE(fractions.empty());
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_EQ(fractions.back(), 1.0);
  EXPECT_LE(fractions.size(), 200u);

  // An explicit pixel size replaces the derived one.
  const CellTable unscaled = readLoom(sharedData, 1.0);
  EXPECT_NEAR(*std::min_element(unscaled.x.begin(), unscaled.x.end()), -6565.4547f, 1e-2);
  EXPECT_EQ(unscaled.coordinateUnit, "um");
}

TEST(hdf5LoomReader, TinyLoomWithVariableLengthNamesAndNoCellIds) {
  const CellTable table = readLoom(fixture("tiny.loom"));
  EXPECT_EQ(names(table.genes),
            (std::vector<std::string>{"Gad1", "Slc17a7", "Sst", "Blank-1", "Pvalb"}));
  EXPECT_TRUE(table.genes.isControl(3));
  EXPECT_EQ(table.genes.geneCount(), 4u);
  EXPECT_EQ(table.cellIds, (std::vector<std::string>{"0", "1", "2", "3"}));
  // No size_um2/size_pix: coordinates stay in pixels.
  EXPECT_EQ(table.coordinateUnit, "px");
  for (std::size_t c = 0; c < 4; ++c) {
    EXPECT_EQ(table.x[c], float(kSpatial3d[c][0]));
    EXPECT_EQ(table.y[c], float(kSpatial3d[c][1]));
    EXPECT_EQ(table.z[c], float(kSpatial3d[c][2]));
  }
  expectValues(table, kSmall);

  const CellTable scaled = readLoom(fixture("tiny.loom"), 0.5);
  EXPECT_EQ(scaled.coordinateUnit, "um");
  EXPECT_EQ(scaled.z[3], 6.25f);
}

TEST(hdf5LoomReader, RejectsNegativeCountNamingGeneAndCell) {
  ScratchDirectory scratch;
  const fs::path file = copyFixture(scratch, "tiny.loom");
  writeElement(file, "/matrix", {2, 1}, -1.0);  // gene Sst, cell 1
  expectFileError([&] { readLoom(file); }, file, {"gene Sst", "cell 1", "negative (-1)"});
  writeElement(file, "/matrix", {2, 1}, std::nan(""));
  expectFileError([&] { readLoom(file); }, file, {"gene Sst", "cell 1", "NaN"});
  writeElement(file, "/matrix", {2, 1}, HUGE_VAL);
  expectFileError([&] { readLoom(file); }, file, {"gene Sst", "cell 1", "infinite"});
}

TEST(hdf5LoomReader, RejectsAnExtentTheFileCannotHold) {
  // A crafted 2^26-entry gene list that was never written: no multi-gigabyte allocation.
  ScratchDirectory scratch;
  const fs::path file = copyFixture(scratch, "tiny.loom");
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Ldelete(f, "/row_attrs/Gene", H5P_DEFAULT);
  const hsize_t n = hsize_t(1) << 26;
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  const hid_t data =
      H5Dcreate2(f, "/row_attrs/Gene", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dclose(data);
  H5Tclose(type);
  H5Sclose(space);
  H5Fclose(f);
  expectFileError([&] { readLoom(file); }, file, {"declares 67108864 elements"});
}

TEST(hdf5LoomReader, RejectsWhatIsNotALoom) {
  expectFileError([&] { readLoom(fixture("csr.h5ad")); }, fixture("csr.h5ad"),
                  {"not a loom file: no /matrix dataset"});
  expectFileError([&] { readLoom(fixture("cell_metadata.csv")); }, fixture("cell_metadata.csv"),
                  {"not an HDF5 file"});
  expectFileError([&] { readLoom(fixture("no_such.loom")); }, fixture("no_such.loom"),
                  {"file does not exist"});
  expectFileError([&] { readLoom(fixture("tiny.loom"), -1); }, fixture("tiny.loom"),
                  {"pixel size"});
}

// ---------------------------------------------------------------------------------------
// h5ad

TEST(hdf5H5adReader, CsrWithSpatialCategoricalObsAndGeneSymbols) {
  std::vector<double> fractions;
  const CellTable table =
      readH5ad(fixture("csr.h5ad"), {}, [&](double f) { fractions.push_back(f); });
  EXPECT_EQ(table.cellIds, kCells);
  // var/gene_symbol is a categorical (anndata made it one: "Gad1" repeats); the repeat is
  // made unique as anndata's var_names_make_unique would.
  EXPECT_EQ(names(table.genes),
            (std::vector<std::string>{"Gad1", "Slc17a7", "Gad1-1", "Blank-1", "Pvalb"}));
  EXPECT_TRUE(table.genes.isControl(3));
  EXPECT_EQ(table.coordinateUnit, "um");
  EXPECT_EQ(table.x, (std::vector<float>{10.0f, 11.5f, -3.0f, 100.0f}));
  EXPECT_EQ(table.y, (std::vector<float>{20.0f, 21.5f, 4.0f, 200.0f}));
  EXPECT_EQ(table.z, (std::vector<float>(4, 0.0f)));
  expectValues(table, kSmall);
  EXPECT_TRUE(table.placement.sectionToAtlas.approximatelyEquals(AffineTransform()));
  ASSERT_FALSE(fractions.empty());
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_EQ(fractions.back(), 1.0);

  // The var index instead of the symbols.
  H5adOptions options;
  options.geneSymbolColumn = "gene_identifier";  // the index dataset is also a column here
  EXPECT_EQ(names(readH5ad(fixture("csr.h5ad"), options).genes), kGeneIds);
}

TEST(hdf5H5adReader, CscConvertedToCsrWith3dSpatial) {
  // No gene_symbol column: the var index names the genes.
  const CellTable byId = readH5ad(fixture("csc.h5ad"));
  EXPECT_EQ(names(byId.genes), kGeneIds);
  expectValues(byId, kSmall);

  H5adOptions options;
  options.geneSymbolColumn = "symbol";  // plain strings, not a categorical
  const CellTable table = readH5ad(fixture("csc.h5ad"), options);
  EXPECT_EQ(names(table.genes),
            (std::vector<std::string>{"Gad1", "Slc17a7", "Gad2", "Blank-1", "Pvalb"}));
  EXPECT_EQ(table.cellIds, kCells);
  expectValues(table, kSmall);
  for (std::size_t c = 0; c < 4; ++c) {
    EXPECT_EQ(table.x[c], float(kSpatial3d[c][0]));
    EXPECT_EQ(table.y[c], float(kSpatial3d[c][1]));
    EXPECT_EQ(table.z[c], float(kSpatial3d[c][2]));
  }

  options.geneSymbolColumn = "no_such_column";
  expectFileError([&] { readH5ad(fixture("csc.h5ad"), options); }, fixture("csc.h5ad"),
                  {"var has no column 'no_such_column'"});
}

TEST(hdf5H5adReader, DenseWithAllenCellMetadataAndCcfPlacement) {
  H5adOptions options;
  options.cellMetadataCsv = fixture("cell_metadata.csv");
  const CellTable table = readH5ad(fixture("dense.h5ad"), options);
  EXPECT_EQ(names(table.genes), (std::vector<std::string>{"Sst", "Vip", "Lamp5"}));
  EXPECT_EQ(table.cellIds,
            (std::vector<std::string>{"1019171907102340387-1", "1019171907102340388-1",
                                      "1019171907102340389-1", "1019171907102340390-1",
                                      "1019171907102340391-1", "1019171907102340392-1"}));
  expectValues(table, {{0, 1, 2}, {3, 0, 0}, {0, 0, 5}, {6, 7, 8}, {0, 0, 0}, {9, 0, 1}});

  // brain_section_label marks an ABC file: section x, y, z are mm, stored as µm.
  const std::vector<std::vector<double>> sectionMm = {{1.0, 2.0, 3.0}, {2.0, 2.5, 3.0},
                                                      {1.5, 4.0, 3.2}, {3.0, 1.0, 3.2},
                                                      {2.5, 3.5, 3.4}, {0.5, 0.5, 3.4}};
  EXPECT_EQ(table.coordinateUnit, "um");
  for (std::size_t c = 0; c < 6; ++c) {
    EXPECT_NEAR(table.x[c], sectionMm[c][0] * 1000, 1e-3);
    EXPECT_NEAR(table.y[c], sectionMm[c][1] * 1000, 1e-3);
    EXPECT_NEAR(table.z[c], sectionMm[c][2] * 1000, 1e-3);
  }

  // The script made ccf = A·section + t (mm); in µm A is unchanged and t scales by 1000.
  const Mat3 a = {{{0.0, 0.0, 1.0}, {0.9, 0.1, 0.0}, {-0.1, 1.1, 0.0}}};
  const Vec3 t = {5000.0, -1000.0, 500.0};
  EXPECT_TRUE(table.placement.sectionToAtlas.approximatelyEquals(AffineTransform(a, t), 1e-3))
      << "fitted translation " << table.placement.sectionToAtlas.offset()[0] << ", "
      << table.placement.sectionToAtlas.offset()[1] << ", "
      << table.placement.sectionToAtlas.offset()[2];
  const Vec3 atlas = table.placement.sectionToAtlas.apply({1000.0, 2000.0, 3000.0});
  EXPECT_NEAR(atlas[0], 8000.0, 1e-3);
  EXPECT_NEAR(atlas[1], 100.0, 1e-3);
  EXPECT_NEAR(atlas[2], 2600.0, 1e-3);

  // Without the CSV there is nowhere to take coordinates from.
  expectFileError([&] { readH5ad(fixture("dense.h5ad")); }, fixture("dense.h5ad"),
                  {"no cell coordinates"});
}

TEST(hdf5H5adReader, MetadataCsvMissingACell) {
  H5adOptions options;
  options.cellMetadataCsv = fixture("cell_metadata_missing.csv");
  expectFileError(
      [&] { readH5ad(fixture("dense.h5ad"), options); }, fixture("cell_metadata_missing.csv"),
      {"no cell_label row for 1 of the 6 cells", "dense.h5ad", "1019171907102340389-1"});
}

TEST(hdf5H5adReader, RejectsNegativeValue) {
  expectFileError([&] { readH5ad(fixture("negative.h5ad")); }, fixture("negative.h5ad"),
                  {"gene ENSMUSG05", "cell c2", "negative (-7)"});
}

TEST(hdf5H5adReader, RejectsIndicesOutOfRange) {
  expectFileError([&] { readH5ad(fixture("bad_indices.h5ad")); }, fixture("bad_indices.h5ad"),
                  {"X/indices[3] = 9 is out of range for 5 genes", "cell c2"});
}

TEST(hdf5H5adReader, RejectsDamagedSparseStructure) {
  ScratchDirectory scratch;
  {
    const fs::path file = copyFixture(scratch, "csr.h5ad");
    writeElement(file, "X/indptr", {2}, 1.0);  // 0, 2, 1, ...
    expectFileError([&] { readH5ad(file); }, file, {"X/indptr decreases at entry 2"});
  }
  {
    const fs::path file = copyFixture(scratch, "csc.h5ad", "csc_indices.h5ad");
    writeElement(file, "X/indices", {0}, 4.0);  // cell 4 of 4
    expectFileError([&] { readH5ad(file); }, file,
                    {"X/indices[0] = 4 is out of range for 4 cells", "gene ENSMUSG01"});
  }
  {
    const fs::path file = copyFixture(scratch, "csr.h5ad", "csr_shape.h5ad");
    writeShapeAttribute(file, 4, 6);
    expectFileError([&] { readH5ad(file); }, file,
                    {"X is 4 × 6 but obs has 4 cells and var has 5 genes"});
  }
  {
    const fs::path file = copyFixture(scratch, "csc.h5ad", "csc_nan.h5ad");
    writeElement(file, "X/data", {1}, std::nan(""));
    expectFileError([&] { readH5ad(file); }, file,
                    {"X: the value of gene ENSMUSG01 in cell c2 is NaN"});
  }
}

TEST(hdf5H5adReader, RejectsSparseEntriesTheFileDoesNotStore) {
  // Found by fuzz.run.h5ad (an out-of-memory in CI): X/indptr ends at the extent of an X/data
  // that was never written, and CSC → CSR sized its result by it (2^27 entries: 1 GiB) before
  // reading a single stored byte.
  ScratchDirectory scratch;
  for (const char* name : {"csc.h5ad", "csr.h5ad"}) {
    const fs::path file = copyFixture(scratch, name);
    const hsize_t n = hsize_t(1) << 27;
    writeElement(file, "X/indptr", {std::string(name) == "csc.h5ad" ? 5u : 4u}, double(n));
    replaceWithUnwrittenDataset(file, "X/data", n);
    replaceWithUnwrittenDataset(file, "X/indices", n);
    expectFileError([&] { readH5ad(file); }, file,
                    {"X/data declares 134217728 elements but stores only 0 bytes"});
  }
}

TEST(hdf5H5adReader, RejectsWhatIsNotAnH5ad) {
  expectFileError([&] { readH5ad(fixture("tiny.loom")); }, fixture("tiny.loom"),
                  {"not an h5ad file: no X matrix"});
  expectFileError([&] { readH5ad(fixture("make_h5ad.py")); }, fixture("make_h5ad.py"),
                  {"not an HDF5 file"});
  expectFileError([&] { readH5ad(fixture("no_such.h5ad")); }, fixture("no_such.h5ad"),
                  {"file does not exist"});
}

TEST(hdf5H5adReader, LoomFromSharedDataIsNotAnH5ad) {
  TERAMIND_REQUIRE_SHARED_DATA(
      "osmfish_sscortex_codeluppi2018/osmFISH_SScortex_mouse_all_cells.loom");
  expectFileError([&] { readH5ad(sharedData); }, sharedData,
                  {"not an h5ad file: no X matrix (this looks like a loom file)"});
}

}  // namespace
}  // namespace teramind
