#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "io/VolumeFile.h"
#include "support/TestData.h"

namespace teramind {
namespace {

using test::ScratchDirectory;

const Mat3 kRotation{{{0, 1, 0}, {-1, 0, 0}, {0, 0, 1}}};

template <typename T>
Image3D<T> sparseRandomImage(const Size3& dims, std::vector<std::string> channels,
                             const PhysicalFrame& frame, unsigned seed) {
  Image3D<T> image(dims, frame, std::move(channels));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> value(1, 120);
  std::bernoulli_distribution present(0.3);
  for (auto& v : image.voxels())
    if (present(rng))
      v = static_cast<T>(value(rng)) / static_cast<T>(std::is_floating_point_v<T> ? 4 : 1);
  return image;
}

template <typename T>
void expectSameVolume(const Image3D<T>& expected, const AnyVolume& actualAny, double frameTolerance,
                      bool compareNames = true) {
  ASSERT_TRUE(std::holds_alternative<Image3D<T>>(actualAny))
      << "read back as " << voxelTypeName(voxelTypeOf(actualAny));
  const auto& actual = std::get<Image3D<T>>(actualAny);
  EXPECT_EQ(actual.dims(), expected.dims());
  EXPECT_TRUE(actual.frame().approximatelyEquals(expected.frame(), frameTolerance))
      << "origin " << actual.frame().origin()[0] << "," << actual.frame().origin()[1] << ","
      << actual.frame().origin()[2] << " spacing " << actual.frame().spacing()[0] << ","
      << actual.frame().spacing()[1] << "," << actual.frame().spacing()[2];
  if (compareNames) {
    EXPECT_EQ(actual.channelNames(), expected.channelNames());
  }
  EXPECT_EQ(actual.voxels(), expected.voxels());
}

struct FormatCase {
  std::string extension;
  bool keepsRotation;
  double frameTolerance;
};

class VolumeRoundTrip : public ::testing::TestWithParam<FormatCase> {};

TEST_P(VolumeRoundTrip, KeepsVoxelsSpacingOriginAndDirection) {
  const auto& format = GetParam();
  ScratchDirectory dir;
  const PhysicalFrame frame({-120.5, 30.25, 4000}, {10.8, 10.8, 200},
                            format.keepsRotation ? kRotation : identityMatrix());
  const auto u8 = sparseRandomImage<std::uint8_t>({17, 9, 5}, {"value"}, frame, 1);
  const auto u16 = sparseRandomImage<std::uint16_t>({8, 11, 3}, {"value"}, frame, 2);
  const auto f32 = sparseRandomImage<float>({6, 7, 4}, {"value"}, frame, 3);
  writeVolume(dir / ("u8" + format.extension), u8);
  writeVolume(dir / ("u16" + format.extension), u16);
  writeVolume(dir / ("f32" + format.extension), f32);
  expectSameVolume(u8, readVolume(dir / ("u8" + format.extension)), format.frameTolerance);
  expectSameVolume(u16, readVolume(dir / ("u16" + format.extension)), format.frameTolerance);
  expectSameVolume(f32, readVolume(dir / ("f32" + format.extension)), format.frameTolerance);

  const VolumeHeader header = readVolumeHeader(dir / ("u16" + format.extension));
  EXPECT_EQ(header.dims, u16.dims());
  EXPECT_EQ(header.voxelType, VoxelType::UInt16);
  EXPECT_EQ(header.format, volumeFormatOf(dir / ("u16" + format.extension)));
}

INSTANTIATE_TEST_SUITE_P(Formats, VolumeRoundTrip,
                         ::testing::Values(FormatCase{".nrrd", true, 1e-9},
                                           FormatCase{".nii.gz", true, 1e-5},
                                           FormatCase{".tif", true, 1e-9},
                                           FormatCase{".vdb", true, 1e-9}),
                         [](const auto& param) {
                           std::string name = param.param.extension.substr(1);
                           for (auto& ch : name)
                             if (ch == '.') ch = '_';
                           return name;
                         });

TEST(VolumeFile, AnnotationIdsSurviveNrrdAndVdb) {
  ScratchDirectory dir;
  Image3D<std::uint32_t> labels({5, 4, 3}, PhysicalFrame({0, 0, 0}, {50, 50, 50}),
                                {"structure_id"});
  labels(1, 1, 1) = 614454277u;  // the largest Allen id
  labels(2, 3, 0) = 382u;
  for (const char* name : {"labels.nrrd", "labels.vdb"}) {
    writeVolume(dir / name, labels);
    expectSameVolume(labels, readVolume(dir / name), 1e-9);
  }
}

TEST(VolumeFile, NamedChannelsRoundTripInNrrdAndVdb) {
  ScratchDirectory dir;
  const PhysicalFrame frame({1, 2, 3}, {0.108, 0.108, 1.5});
  const auto image = sparseRandomImage<std::uint8_t>({9, 8, 2}, {"dapi", "polyt"}, frame, 7);
  for (const char* name : {"morph.nrrd", "morph.vdb", "morph.tif"}) {
    writeVolume(dir / name, image);
    expectSameVolume(image, readVolume(dir / name), 1e-9);
  }
}

TEST(VolumeFile, VdbStoresOnlyNonZeroVoxels) {
  ScratchDirectory dir;
  Image3D<float> sparse({200, 200, 50}, PhysicalFrame({0, 0, 0}, {16, 16, 16}));
  sparse(10, 20, 30) = 2.5f;
  sparse(199, 199, 49) = 1.0f;
  writeVolume(dir / "sparse.vdb", sparse);
  writeVolume(dir / "dense.nrrd", sparse);
  EXPECT_LT(std::filesystem::file_size(dir / "sparse.vdb"), 20000u);  // 2M voxels, 2 set
  expectSameVolume(sparse, readVolume(dir / "sparse.vdb"), 1e-9);
}

TEST(VolumeFile, ReadAsRejectsAnotherVoxelType) {
  ScratchDirectory dir;
  writeVolume(dir / "f.nrrd", Image3D<float>({2, 2, 2}));
  try {
    readVolumeAs<std::uint32_t>(dir / "f.nrrd");
    FAIL() << "expected a FileError";
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), dir / "f.nrrd");
    EXPECT_NE(std::string(e.what()).find("float32"), std::string::npos) << e.what();
  }
}

// Bad input: each error names the file and the problem.

void expectFileError(const std::function<void()>& action, const std::filesystem::path& file,
                     const std::string& problemFragment) {
  try {
    action();
    FAIL() << "expected a FileError for " << file;
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), file) << e.what();
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(problemFragment), std::string::npos) << e.what();
  }
}

TEST(VolumeFileBadInput, TruncatedNrrdIsReportedNotHalfLoaded) {
  ScratchDirectory dir;
  Image3D<std::uint16_t> image({64, 64, 32});
  std::mt19937 rng(5);
  for (auto& v : image.voxels()) v = static_cast<std::uint16_t>(rng());  // incompressible
  writeVolume(dir / "full.nrrd", image);
  const auto size = std::filesystem::file_size(dir / "full.nrrd");
  std::filesystem::copy_file(dir / "full.nrrd", dir / "cut.nrrd");
  std::filesystem::resize_file(dir / "cut.nrrd", size / 2);
  expectFileError([&] { readVolume(dir / "cut.nrrd"); }, dir / "cut.nrrd", "truncated");
}

TEST(VolumeFileBadInput, CorruptNrrdHeader) {
  ScratchDirectory dir;
  std::ofstream(dir / "bad.nrrd") << "NRRD0004\ntype: banana\ndimension: 3\nsizes: 2 2 2\n"
                                     "encoding: raw\n\n12345678";
  expectFileError([&] { readVolume(dir / "bad.nrrd"); }, dir / "bad.nrrd", "corrupt header");
  std::ofstream(dir / "huge.nrrd") << "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2097152 2097152 "
                                      "4194304\nencoding: raw\n\n12345678";
  expectFileError([&] { readVolume(dir / "huge.nrrd"); }, dir / "huge.nrrd", "too large");
  std::ofstream(dir / "garbage.nrrd") << "this is not a volume at all";
  expectFileError([&] { readVolume(dir / "garbage.nrrd"); }, dir / "garbage.nrrd", "");
}

TEST(VolumeFileBadInput, MissingFileAndUnknownFormat) {
  ScratchDirectory dir;
  expectFileError([&] { readVolume(dir / "absent.nrrd"); }, dir / "absent.nrrd", "does not exist");
  std::ofstream(dir / "volume.xyz") << "x";
  expectFileError([&] { readVolume(dir / "volume.xyz"); }, dir / "volume.xyz",
                  "unknown volume format");
  std::ofstream(dir / "bad.vdb") << "not a vdb";
  expectFileError([&] { readVolume(dir / "bad.vdb"); }, dir / "bad.vdb", "OpenVDB");
}

TEST(VolumeFileBadInput, FailedWriteLeavesExistingFileIntact) {
  ScratchDirectory dir;
  const auto target = dir / "keep.vdb";
  Image3D<std::uint64_t> good({3, 3, 3});
  good(1, 1, 1) = 42;
  writeVolume(target, good);
  const auto before = std::filesystem::file_size(target);
  Image3D<std::uint64_t> unrepresentable({3, 3, 3});
  unrepresentable(0, 0, 0) = ~std::uint64_t{0};
  expectFileError([&] { writeVolume(target, unrepresentable); }, target, "does not fit");
  EXPECT_EQ(std::filesystem::file_size(target), before);
  expectSameVolume(good, readVolume(target), 1e-9);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
  expectFileError([&] { writeVolume(dir / "detached.nhdr", good); }, dir / "detached.nhdr",
                  "detached-header");
  expectFileError([&] { writeVolume(dir / "no" / "such" / "dir.nrrd", good); },
                  dir / "no" / "such" / "dir.nrrd", "directory does not exist");
}

}  // namespace
}  // namespace teramind
