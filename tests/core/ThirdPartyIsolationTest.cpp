// Damaged files on which HDF5 1.10 and OpenVDB crash, loop or over-allocate inside the library
// (tests/data/damaged/README.md): through the production readers each is a FileError naming
// the file, and this process lives on (core/io/ThirdPartyReadIsolation.h).
#include <gtest/gtest.h>

#include <cstdio>

#include <sys/resource.h>

#include "common/FileError.h"
#include "common/IsolatedCall.h"
#include "io/ConditionFile.h"
#include "io/SpatialDataset.h"
#include "io/ThirdPartyReadIsolation.h"

using namespace teramind;

// No memory limit under a sanitizer (its shadow mappings exceed any useful one).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define TERAMIND_CLANG_SANITIZED 1
#endif
#endif
#ifndef TERAMIND_CLANG_SANITIZED
#define TERAMIND_CLANG_SANITIZED 0
#endif

namespace {

std::filesystem::path damaged(const std::string& name) {
  return std::filesystem::path(TERAMIND_DAMAGED_TEST_DATA) / name;
}

// The FileError `read` throws; fails the test when it throws nothing or something else.
FileError fileErrorOf(const std::function<void()>& read) {
  try {
    read();
  } catch (const FileError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a FileError: " << e.what();
    return FileError("", e.what());
  }
  ADD_FAILURE() << "read without an error";
  return FileError("", "no error");
}

void expectCrashRefused(const std::function<void()>& read, const std::filesystem::path& file) {
  const FileError e = fileErrorOf(read);
  EXPECT_EQ(e.file(), file) << e.what();
  EXPECT_NE(e.problem().find("HDF5 crashed (SIGSEGV"), std::string::npos) << e.what();
}

long maxResidentKiB() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

#ifdef TERAMIND_HAVE_HDF5

TEST(ThirdPartyIsolation, LoomFilesHdf5CrashesOnAreFileErrors) {
  for (const char* name : {"loom-m00001.loom", "loom-m00124.loom"}) {
    const auto file = damaged(name);
    expectCrashRefused([&] { (void)loadSpatialDataset(file); }, file);
  }
}

TEST(ThirdPartyIsolation, H5adFilesHdf5CrashesOnAreFileErrors) {
  for (const char* name : {"h5ad-m00008.h5ad", "h5ad-m00027.h5ad", "h5ad-m00321.h5ad"}) {
    const auto file = damaged(name);
    expectCrashRefused([&] { (void)loadSpatialDataset(file); }, file);
  }
}

TEST(ThirdPartyIsolation, ConditionFilesHdf5CrashesOnAreFileErrors) {
  // m00051 crashes HDF5 reading the format attribute (isConditionFile), m00027 its genes.
  const auto probeCrash = damaged("condition-m00051.h5");
  expectCrashRefused([&] { (void)isConditionFile(probeCrash); }, probeCrash);
  expectCrashRefused([&] { (void)readCondition(probeCrash); }, probeCrash);
  const auto readCrash = damaged("condition-m00027.h5");
  expectCrashRefused([&] { (void)readCondition(readCrash); }, readCrash);
}

TEST(ThirdPartyIsolation, FilesHdf5LoopsOnAreFileErrorsAfterTheTimeout) {
  const ScopedProbeTimeout shortTimeout(std::chrono::seconds(2));
  for (const char* name : {"loom-m00060.loom", "h5ad-m00028.h5ad"}) {
    const auto file = damaged(name);
    const FileError e = fileErrorOf([&] { (void)loadSpatialDataset(file); });
    EXPECT_EQ(e.file(), file) << e.what();
    EXPECT_NE(e.problem().find("HDF5 did not finish reading this file within 2 s"),
              std::string::npos)
        << e.what();
  }
}

TEST(ThirdPartyIsolation, IntactHdf5FilesReadAsBefore) {
  const auto h5ad = std::filesystem::path(TERAMIND_H5AD_TEST_DATA) / "csr.h5ad";
  const SpatialDataset fromH5ad = loadSpatialDataset(h5ad);
  ASSERT_NE(fromH5ad.cells(), nullptr);
  EXPECT_EQ(fromH5ad.cells()->cellIds.size(), 4u);
  EXPECT_EQ(fromH5ad.cells()->genes.size(), 5u);  // 4 genes and a control
  const auto loom = std::filesystem::path(TERAMIND_H5AD_TEST_DATA) / "tiny.loom";
  ASSERT_NE(loadSpatialDataset(loom).cells(), nullptr);

  BinGrid grid;
  grid.width = 7;
  grid.height = 5;
  BinnedCondition condition(grid, {"Slc17a7", "Pvalb"});
  condition.set(0, {1, 2, 0}, 3.0f);
  condition.set(1, {6, 4, 0}, 0.5f);
  const auto dir = std::filesystem::path(TERAMIND_TEST_OUTPUT_DIR) / "third_party_isolation";
  std::filesystem::create_directories(dir);
  const auto file = dir / "condition.h5";
  writeCondition(file, condition);
  EXPECT_TRUE(isConditionFile(file));
  EXPECT_FALSE(isConditionFile(h5ad.parent_path() / "no_such.h5"));
  const BinnedCondition back = readCondition(file);
  ASSERT_EQ(back.geneNames(), condition.geneNames());
  EXPECT_EQ(back.nonZeroCount(), 2u);
  EXPECT_EQ(back.total(0), 3.0);
  EXPECT_EQ(back.total(1), 0.5);
}

#endif  // TERAMIND_HAVE_HDF5

TEST(ThirdPartyIsolation, AHugeBloscBlockHeaderIsAFileErrorWithoutAllocatingHere) {
  const auto file = damaged("condition-blosc-huge-alloc.vdb");
  const long before = maxResidentKiB();
  const FileError e = fileErrorOf([&] { (void)readCondition(file); });
  EXPECT_EQ(e.file(), file) << e.what();
  EXPECT_LT(maxResidentKiB() - before, 256 * 1024) << "this process grew: " << e.what();
  std::printf("refused: %s\n", e.what());
}

TEST(ThirdPartyIsolation, AChildReadsDirectlyWithoutForkingAgain) {
  EXPECT_FALSE(insideIsolatedChild());
  const auto result = runIsolated([] {
    if (!insideIsolatedChild()) throw std::runtime_error("the child flag is not set");
    if (readsInChild()) throw std::runtime_error("a child would fork again");
  });
  EXPECT_TRUE(result.succeeded()) << result.describe();
}

TEST(ThirdPartyIsolation, LimitsScaleWithTheFile) {
  const auto file = damaged("condition-blosc-huge-alloc.vdb");
  const IsolatedCallLimits hdf5 = probeLimits(file, ProbeKind::Hdf5);
  EXPECT_EQ(hdf5.timeout, std::chrono::seconds(30));
  EXPECT_EQ(hdf5.memoryBytes, 0u);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && !TERAMIND_CLANG_SANITIZED
  const std::uint64_t dense = std::uint64_t(1) << 30;
  const IsolatedCallLimits vdb = probeLimits(file, ProbeKind::OpenVdb, dense);
  EXPECT_GE(vdb.memoryBytes, 2 * dense + (std::uint64_t(512) << 20));
#endif
}
