// Damaged files on which HDF5 1.10 and OpenVDB crash, loop or over-allocate inside the library
// (tests/data/damaged/README.md): through the production readers each is a FileError naming
// the file, and this process lives on (core/io/ThirdPartyReadIsolation.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include <unistd.h>

#include <sys/resource.h>

#include "common/FileError.h"
#include "common/IsolatedCall.h"
#include "io/ConditionBytes.h"
#include "io/ConditionFile.h"
#include "io/SpatialDataset.h"
#include "io/ThirdPartyReadIsolation.h"
#include "io/VolumeBytes.h"
#include "io/VolumeFile.h"

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
  // SIGSEGV; SIGABRT under AddressSanitizer with abort_on_error, which reports the SIGSEGV.
  EXPECT_NE(e.problem().find("HDF5 crashed (SIG"), std::string::npos) << e.what();
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

// --- OpenVDB reads happen only in the child; the result comes back as bytes ---

namespace {

std::filesystem::path conditionSeed(const std::string& name) {
  return std::filesystem::path(TERAMIND_FUZZ_CORPUS) / "condition_vdb" / name;
}

std::filesystem::path freshTemporaryDirectory(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("teramind_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Two channels of a pattern with zeros (left out of the sparse grids), negatives where the type
// has them, and a rotated, shifted frame.
template <typename T>
Image3D<T> patternImage() {
  const Mat3 rotation{{{0, -1, 0}, {1, 0, 0}, {0, 0, 1}}};
  Image3D<T> image({7, 5, 3}, PhysicalFrame({1.5, -2.0, 3.25}, {0.5, 0.25, 2.0}, rotation),
                   {"dapi", "nissl"});
  std::int64_t n = 0;
  for (auto& v : image.voxels()) {
    ++n;
    const std::int64_t value = n % 4 == 0 ? 0 : (n * 37) % 101;
    v = std::is_signed_v<T> && n % 3 == 0 ? T(-value) : T(value);
    if constexpr (std::is_floating_point_v<T>) v = T(v / T(7));
  }
  return image;
}

}  // namespace

TEST(ThirdPartyIsolation, VdbVolumesReadThroughTheChildEqualTheReadInProcess) {
  ASSERT_TRUE(readsInChild()) << "run without TERAMIND_READ_IN_PROCESS=1";
  const auto dir = freshTemporaryDirectory("vdb_child_read");
  for (const VoxelType type :
       {VoxelType::UInt8, VoxelType::Int8, VoxelType::UInt16, VoxelType::Int16, VoxelType::UInt32,
        VoxelType::Int32, VoxelType::UInt64, VoxelType::Int64, VoxelType::Float32,
        VoxelType::Float64}) {
    SCOPED_TRACE(voxelTypeName(type));
    const auto file = dir / ("volume_" + voxelTypeName(type) + ".vdb");
    const AnyVolume written = withVoxelType(type, [](auto tag) -> AnyVolume {
      return AnyVolume(patternImage<typename decltype(tag)::type>());
    });
    writeVolume(file, written);
    const AnyVolume throughChild = readVolume(file);
    const VolumeHeader header = readVolumeHeader(file);
    ASSERT_EQ(voxelTypeOf(throughChild), type);
    std::visit(
        [&](const auto& image) {
          using Image = std::decay_t<decltype(image)>;
          const auto& original = std::get<Image>(written);
          EXPECT_EQ(image.dims(), original.dims());
          EXPECT_EQ(image.channelNames(), original.channelNames());
          EXPECT_EQ(image.voxels(), original.voxels());
          EXPECT_TRUE(image.frame().approximatelyEquals(original.frame()));
        },
        throughChild);
    EXPECT_EQ(header.format, VolumeFormat::OpenVdb);
    EXPECT_EQ(header.voxelType, type);
    EXPECT_EQ(header.dims, (Size3{7, 5, 3}));
    EXPECT_EQ(header.channelNames, (std::vector<std::string>{"dapi", "nissl"}));
    // In a child readVolume reads in-process: its result must be bit-identical.
    const std::string expected = encodeVolume(throughChild);
    const std::string expectedHeader = encodeVolumeHeader(header);
    const auto compared = runIsolated([&] {
      if (encodeVolume(readVolume(file)) != expected)
        throw std::runtime_error("the in-process read differs from the read through the child");
      if (encodeVolumeHeader(readVolumeHeader(file)) != expectedHeader)
        throw std::runtime_error("the in-process header differs from the one through the child");
    });
    EXPECT_TRUE(compared.succeeded()) << compared.describe();
  }
  std::filesystem::remove_all(dir);
}

TEST(ThirdPartyIsolation, VdbConditionsReadThroughTheChildEqualTheReadInProcess) {
  ASSERT_TRUE(readsInChild()) << "run without TERAMIND_READ_IN_PROCESS=1";
  for (const char* name : {"seed-transcripts.vdb", "seed-cells.vdb"}) {
    SCOPED_TRACE(name);
    const auto file = conditionSeed(name);
    const BinnedCondition throughChild = readCondition(file);
    EXPECT_GT(throughChild.geneCount(), 0u);
    EXPECT_GT(throughChild.nonZeroCount(), 0u);
    EXPECT_TRUE(isConditionFile(file));
    const auto compared = runIsolated([&] {
      if (readCondition(file) != throughChild)
        throw std::runtime_error("the in-process read differs from the read through the child");
      if (!isConditionFile(file)) throw std::runtime_error("not a condition in-process");
    });
    EXPECT_TRUE(compared.succeeded()) << compared.describe();
  }
  // A volume .vdb is not a condition: the child's "no" comes back as false.
  const auto dir = freshTemporaryDirectory("vdb_not_condition");
  writeVolume(dir / "volume.vdb", AnyVolume(patternImage<float>()));
  EXPECT_FALSE(isConditionFile(dir / "volume.vdb"));
  std::filesystem::remove_all(dir);
}

TEST(ThirdPartyIsolation, CutOrDamagedVolumeBytesAreFileErrors) {
  const std::filesystem::path file = "from-the-child.vdb";
  const std::string bytes = encodeVolume(AnyVolume(patternImage<std::int16_t>()));
  const AnyVolume back = decodeVolume(bytes, file, 1 << 20);
  EXPECT_EQ(encodeVolume(back), bytes);
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const FileError e =
        fileErrorOf([&] { (void)decodeVolume(bytes.substr(0, length), file, 1 << 20); });
    ASSERT_EQ(e.file(), file) << length;
    ASSERT_NE(e.problem().find("result offset"), std::string::npos) << e.what();
  }
  EXPECT_NE(fileErrorOf([&] { (void)decodeVolume(bytes + "x", file, 1 << 20); })
                .problem()
                .find("follow its end"),
            std::string::npos);
  EXPECT_NE(fileErrorOf([&] { (void)decodeVolume(bytes, file, 100); }).problem().find("allowed"),
            std::string::npos);
  std::string hugeDims = bytes;
  const std::int64_t huge = std::int64_t(1) << 40;
  std::memcpy(hugeDims.data() + 4 + 1, &huge, sizeof huge);  // magic, voxel type, then dims[0]
  (void)fileErrorOf([&] { (void)decodeVolume(hugeDims, file, std::uint64_t(1) << 62); });
  std::string badType = bytes;
  badType[4] = char(42);
  EXPECT_NE(fileErrorOf([&] { (void)decodeVolume(badType, file, 1 << 20); })
                .problem()
                .find("unknown voxel type"),
            std::string::npos);

  const auto image = patternImage<double>();
  const VolumeHeader header{VolumeFormat::OpenVdb, image.dims(), image.frame(), VoxelType::Float64,
                            image.channelNames()};
  const std::string headerBytes = encodeVolumeHeader(header);
  const VolumeHeader headerBack = decodeVolumeHeader(headerBytes, file, VolumeFormat::OpenVdb);
  EXPECT_EQ(encodeVolumeHeader(headerBack), headerBytes);
  EXPECT_EQ(headerBack.channelNames, header.channelNames);
  for (std::size_t length = 0; length < headerBytes.size(); ++length)
    ASSERT_EQ(fileErrorOf([&] {
                (void)decodeVolumeHeader(headerBytes.substr(0, length), file,
                                         VolumeFormat::OpenVdb);
              }).file(),
              file);
  // A volume's bytes are not a header's.
  (void)fileErrorOf([&] { (void)decodeVolumeHeader(bytes, file, VolumeFormat::OpenVdb); });
}

TEST(ThirdPartyIsolation, CutOrDamagedConditionBytesAreFileErrors) {
  const std::filesystem::path file = "from-the-child.vdb";
  const auto condition = [] {
    BinGrid grid;
    grid.width = 40;
    grid.height = 30;
    grid.planes = 2;
    BinnedCondition c(grid, {"Gad1", "Slc17a7", "Empty"});
    c.set(0, {3, 4, 0}, 2.5f);
    c.set(0, {39, 29, 1}, 1.0f);
    c.set(1, {0, 0, 0}, 7.0f);
    return c;
  }();
  const std::string bytes = encodeCondition(condition);
  EXPECT_EQ(decodeCondition(bytes, file, 100), condition);
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const FileError e =
        fileErrorOf([&] { (void)decodeCondition(bytes.substr(0, length), file, 100); });
    ASSERT_EQ(e.file(), file) << length;
    ASSERT_NE(e.problem().find("result offset"), std::string::npos) << e.what();
  }
  EXPECT_NE(fileErrorOf([&] { (void)decodeCondition(bytes, file, 2); }).problem().find("allowed"),
            std::string::npos);
  (void)fileErrorOf([&] { (void)decodeCondition(bytes + "x", file, 100); });
  // A bin key outside the grid (the first gene's first entry: after magic, grid, names, count).
  std::size_t firstKey = 4 + 3 * 8 + 3 * 4 + 8 + 4;
  for (const auto& name : condition.geneNames()) firstKey += 8 + name.size();
  firstKey += 8;
  std::string outside = bytes;
  const std::uint64_t farKey = BinnedCondition::key({39, 30, 0});
  std::memcpy(outside.data() + firstKey, &farKey, sizeof farKey);
  EXPECT_NE(fileErrorOf([&] { (void)decodeCondition(outside, file, 100); })
                .problem()
                .find("outside the grid"),
            std::string::npos);
  // The real seeds round-trip bit-exactly.
  for (const char* name : {"seed-transcripts.vdb", "seed-cells.vdb"}) {
    const BinnedCondition seed = readCondition(conditionSeed(name));
    EXPECT_EQ(decodeCondition(encodeCondition(seed), file, seed.nonZeroCount()), seed) << name;
  }
}
