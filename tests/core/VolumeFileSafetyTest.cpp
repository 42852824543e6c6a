// Volume files that would crash ITK are refused with a FileError naming the file and the field
// (issue 21, finding 1), and a volume write that fails leaves the old file as it was (finding 7).
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/NiftiHeader.h"
#include "io/NrrdHeader.h"
#include "io/TiffImage.h"
#include "io/VolumeFile.h"
#include "support/TestData.h"

namespace teramind {
namespace {

using test::ScratchDirectory;

std::string contents(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void writeBytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary);
  out << bytes;
}

// The bundled Allen annotation, a real gzip NRRD: its header and its data after the blank line.
struct RealNrrd {
  std::string header, data;
};
RealNrrd bundledAnnotation() {
  const std::string bytes = contents(bundledAtlasDirectory() / "annotation_100.nrrd");
  const std::size_t end = bytes.find("\n\n");
  if (end == std::string::npos) return {};
  return {bytes.substr(0, end + 2), bytes.substr(end + 2)};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Expects reading `file` (header and voxels) to throw a FileError naming it whose problem
// starts with "<field>:".
// The FileError reading `file` (its header, or header and voxels) throws; none if it reads.
std::optional<FileError> readError(const std::filesystem::path& file, bool voxelsToo) {
  try {
    if (voxelsToo)
      readVolume(file);
    else
      readVolumeHeader(file);
  } catch (const FileError& error) {
    return error;
  }
  return std::nullopt;
}

void expectRefused(const std::filesystem::path& file, const std::string& field) {
  for (const bool voxelsToo : {false, true}) {
    const auto error = readError(file, voxelsToo);
    if (!error) {
      ADD_FAILURE() << file << " was accepted; expected a problem with " << field;
      continue;
    }
    EXPECT_EQ(error->file(), file);
    EXPECT_EQ(error->problem().rfind(field + ":", 0), 0u)
        << "problem: " << error->problem() << "\nexpected field: " << field;
    EXPECT_LT(error->problem().size(), 400u) << "the message quotes too much";
  }
}

TEST(VolumeFileSafetyNrrd, TwoThousandCharacterSpaceOrTypeIsAFileErrorNotAnAbort) {
  const RealNrrd real = bundledAnnotation();
  ASSERT_FALSE(real.header.empty());
  ScratchDirectory dir;
  const auto longSpace = dir / "long_space.nrrd";
  writeBytes(longSpace, replaced(real.header, "space: left-posterior-superior",
                                 "space: " + std::string(2000, 'x')) +
                            real.data);
  const auto longType = dir / "long_type.nrrd";
  writeBytes(
      longType,
      replaced(real.header, "type: unsigned int", "type: " + std::string(2000, 'y')) + real.data);
  // Before the fix ITK aborted the whole test process here (*** buffer overflow detected ***).
  expectRefused(longSpace, "space");
  expectRefused(longType, "type");
}

struct BadNrrd {
  std::string name, from, to, field;
};

class VolumeFileSafetyBadNrrd : public ::testing::TestWithParam<BadNrrd> {};

TEST_P(VolumeFileSafetyBadNrrd, IsRefusedNamingTheField) {
  const RealNrrd real = bundledAnnotation();
  ASSERT_FALSE(real.header.empty());
  ScratchDirectory dir;
  const auto file = dir / (GetParam().name + ".nrrd");
  writeBytes(file, replaced(real.header, GetParam().from, GetParam().to) + real.data);
  expectRefused(file, GetParam().field);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, VolumeFileSafetyBadNrrd,
    ::testing::Values(
        BadNrrd{"magic", "NRRD0004", "NRRD0009", "magic"},
        BadNrrd{"dimension0", "dimension: 3", "dimension: 0", "dimension"},
        BadNrrd{"dimension99", "dimension: 3", "dimension: 99", "dimension"},
        BadNrrd{"dimensionText", "dimension: 3", "dimension: three", "dimension"},
        BadNrrd{"sizesNegative", "sizes: 132 80 114", "sizes: 132 -80 114", "sizes"},
        BadNrrd{"sizesZero", "sizes: 132 80 114", "sizes: 132 0 114", "sizes"},
        BadNrrd{"sizesCount", "sizes: 132 80 114", "sizes: 132 80", "sizes"},
        BadNrrd{"sizesOverflow", "sizes: 132 80 114", "sizes: 4294967296 4294967296 2", "sizes"},
        // 10^9 values cannot come out of a 200 kB gzip stream
        BadNrrd{"sizesHuge", "sizes: 132 80 114", "sizes: 1000 1000 1000", "sizes"},
        BadNrrd{"sizesRawTooBig", "encoding: gzip", "encoding: raw", "sizes"},
        BadNrrd{"encodingBzip2", "encoding: gzip", "encoding: bzip2", "encoding"},
        BadNrrd{"encodingUnknown", "encoding: gzip", "encoding: zstd", "encoding"},
        BadNrrd{"encodingLong", "encoding: gzip", "encoding: " + std::string(2000, 'z'),
                "encoding"},
        BadNrrd{"typeUnknown", "type: unsigned int", "type: quaternion", "type"},
        BadNrrd{"typeBlock", "type: unsigned int", "type: block", "type"},
        BadNrrd{"endianMissing", "endian: little\n", "", "endian"},
        BadNrrd{"endianWrong", "endian: little", "endian: middle", "endian"},
        BadNrrd{"directionsCount", "space directions: (100,0,0) (0,100,0) (0,0,100)",
                "space directions: (100,0,0) (0,100,0)", "space directions"},
        BadNrrd{"directionsSyntax", "space directions: (100,0,0) (0,100,0) (0,0,100)",
                "space directions: (100,0,0) (0,1e999,0) (0,0,100)", "space directions"},
        BadNrrd{"directionsLong", "space directions: (100,0,0) (0,100,0) (0,0,100)",
                "space directions: (100,0,0) (0,100,0) (0,0," + std::string(2000, '1') + ")",
                "space directions"},
        BadNrrd{"origin", "space origin: (0,0,0)", "space origin: (0,0)", "space origin"},
        BadNrrd{"dataFileList", "space origin: (0,0,0)", "data file: LIST", "data file"},
        BadNrrd{"dataFileMissing", "space origin: (0,0,0)", "data file: nowhere.raw", "data file"},
        BadNrrd{"unknownField", "kinds: domain domain domain", "colour: blue", "header"},
        BadNrrd{"noColon", "kinds: domain domain domain", std::string(2000, 'k'), "header"},
        BadNrrd{"twice", "kinds: domain domain domain", "dimension: 3", "dimension"}),
    [](const auto& param) { return param.param.name; });

TEST(VolumeFileSafetyNrrd, RawNrrdWrittenByHandReadsAndATruncatedOneIsRefused) {
  ScratchDirectory dir;
  std::string data;
  for (std::uint16_t v = 0; v < 4 * 3 * 2; ++v) {
    data.push_back(static_cast<char>(v & 0xff));
    data.push_back(static_cast<char>(v >> 8));
  }
  const std::string header =
      "NRRD0004\r\ntype: ushort\r\ndimension: 3\r\nspace: left-posterior-superior\r\n"
      "sizes: 4 3 2\r\nspace directions: (2, 0, 0) (0,2,0) (0,0,2)\r\nendian: little\r\n"
      "encoding: raw\r\nteramind_channels:=value\r\n# a long comment is fine: " +
      std::string(3000, 'c') + "\r\n\r\n";
  const std::string whole = header + data;
  writeBytes(dir / "ramp.nrrd", whole);
  const NrrdHeader parsed = readNrrdHeader(dir / "ramp.nrrd");
  EXPECT_EQ(parsed.type, "unsigned short");
  EXPECT_EQ(parsed.sizes, (std::vector<std::int64_t>{4, 3, 2}));
  EXPECT_EQ(parsed.dataOffset, whole.size() - data.size());
  const auto image = readVolumeAs<std::uint16_t>(dir / "ramp.nrrd");
  EXPECT_EQ(image.dims(), (Size3{4, 3, 2}));
  EXPECT_EQ(image.voxels()[23], 23);

  writeBytes(dir / "short.nrrd", whole.substr(0, whole.size() - 1));
  expectRefused(dir / "short.nrrd", "sizes");
}

TEST(VolumeFileSafetyNrrd, RealAllenAnnotationAndBundledAtlasStillLoad) {
  const NrrdHeader bundled = readNrrdHeader(bundledAtlasDirectory() / "annotation_100.nrrd");
  EXPECT_EQ(bundled.type, "unsigned int");
  EXPECT_EQ(bundled.encoding, NrrdEncoding::Gzip);
  EXPECT_EQ(bundled.spaceDimension, 3);
  const Atlas atlas = Atlas::load(bundledAtlasDirectory());
  EXPECT_EQ(atlas.annotation().dims(), (Size3{132, 80, 114}));
  ASSERT_TRUE(atlas.templateImage().has_value());

  TERAMIND_REQUIRE_SHARED_DATA("allen_ccf_v3/annotation_50.nrrd");
  const NrrdHeader shared = readNrrdHeader(sharedData);
  EXPECT_EQ(shared.sizes, (std::vector<std::int64_t>{264, 160, 228}));
  const VolumeHeader header = readVolumeHeader(sharedData);
  EXPECT_EQ(header.dims, (Size3{264, 160, 228}));
  EXPECT_EQ(header.voxelType, VoxelType::UInt32);
  const Atlas atlas50 = Atlas::load(sharedData.parent_path(), 50);
  EXPECT_EQ(atlas50.annotation().dims(), (Size3{264, 160, 228}));
}

// --- NIfTI ---

Image3D<std::uint8_t> noiseVolume(const Size3& dims) {
  Image3D<std::uint8_t> image(dims, PhysicalFrame({0, 0, 0}, {25, 25, 25}, identityMatrix()),
                              {"value"});
  std::mt19937 rng(21);
  for (auto& v : image.voxels()) v = static_cast<std::uint8_t>(rng());
  return image;
}

template <typename T>
void poke(std::string& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
}

TEST(VolumeFileSafetyNifti, CorruptHeaderFieldsAreNamed) {
  ScratchDirectory dir;
  const auto good = dir / "good.nii";
  writeVolume(good, noiseVolume({8, 6, 4}));
  const NiftiHeader header = readNiftiHeader(good);
  EXPECT_EQ(header.version, 1);
  EXPECT_FALSE(header.gzipped);
  EXPECT_EQ(header.dims, (std::vector<std::int64_t>{8, 6, 4}));
  EXPECT_EQ(header.datatype, 2);
  EXPECT_EQ(std::filesystem::file_size(good), header.expectedStreamBytes());
  const std::string bytes = contents(good);

  const auto corrupt = [&](const std::string& name, auto change, const std::string& field) {
    std::string copy = bytes;
    change(copy);
    const auto file = dir / (name + ".nii");
    writeBytes(file, copy);
    SCOPED_TRACE(name);
    expectRefused(file, field);
  };
  corrupt(
      "sizeof", [](std::string& b) { poke<std::int32_t>(b, 0, 349); }, "sizeof_hdr");
  corrupt(
      "magic", [](std::string& b) { b[345] = 'x'; }, "magic");
  corrupt(
      "dim0", [](std::string& b) { poke<std::int16_t>(b, 40, 0); }, "dim[0]");
  corrupt(
      "dim0big", [](std::string& b) { poke<std::int16_t>(b, 40, 9); }, "dim[0]");
  corrupt(
      "dim2", [](std::string& b) { poke<std::int16_t>(b, 44, -6); }, "dim[2]");
  corrupt(
      "dimHuge", [](std::string& b) { poke<std::int16_t>(b, 46, 32000); }, "dim");
  corrupt(
      "datatype", [](std::string& b) { poke<std::int16_t>(b, 70, 999); }, "datatype");
  corrupt(
      "voxOffset", [](std::string& b) { poke<float>(b, 108, 1e9f); }, "vox_offset");
  corrupt(
      "voxOffsetNan", [](std::string& b) { poke<float>(b, 108, std::nanf("")); }, "vox_offset");
  corrupt(
      "truncated", [](std::string& b) { b.resize(b.size() - 10); }, "dim");
  corrupt(
      "tiny", [](std::string& b) { b.resize(100); }, "header");
}

TEST(VolumeFileSafetyNifti, TruncatedGzipStreamIsIncomplete) {
  ScratchDirectory dir;
  const auto whole = dir / "whole.nii.gz";
  writeVolume(whole, noiseVolume({32, 32, 8}));
  EXPECT_TRUE(readNiftiHeader(whole).gzipped);
  EXPECT_NO_THROW(checkNiftiComplete(whole));
  const std::string bytes = contents(whole);
  const auto cut = dir / "cut.nii.gz";
  writeBytes(cut, bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(checkNiftiComplete(cut), FileError);
  writeBytes(cut, bytes.substr(0, bytes.size() - 4));  // only the gzip trailer missing
  EXPECT_THROW(checkNiftiComplete(cut), FileError);
}

// --- fuzz findings in ITK (issue 21): an abort in vnl_svd, an abort in libpng, a leak ---

// A fuzz regression input, committed under tests/fuzz/regressions/<target>/.
std::filesystem::path regressionInput(const std::string& target, const std::string& name) {
  return std::filesystem::path(TERAMIND_BASELINE_DIR) / ".." / "fuzz" / "regressions" / target /
         name;
}

// Copies `input` into `dir` under `name` (the extension decides the reader).
std::filesystem::path copiedAs(const ScratchDirectory& dir, const std::filesystem::path& input,
                               const std::string& name) {
  const auto file = dir / name;
  const std::string bytes = contents(input);
  EXPECT_FALSE(bytes.empty()) << input;
  writeBytes(file, bytes);
  return file;
}

enum class Refused { HeaderAndVoxels, VoxelsOnly };

// Expects reading `file` to throw a FileError naming it whose problem contains `text`: the
// header read too, or (a bad NRRD body, which the header read never touches) only the voxels.
void expectRefusedSaying(const std::filesystem::path& file, const std::string& text,
                         Refused refused = Refused::HeaderAndVoxels) {
  if (refused == Refused::VoxelsOnly) {
    EXPECT_NO_THROW(readVolumeHeader(file)) << file;
  }
  for (const bool voxelsToo : {false, true}) {
    if (!voxelsToo && refused == Refused::VoxelsOnly) continue;
    const auto error = readError(file, voxelsToo);
    if (!error) {
      ADD_FAILURE() << file << " was accepted; expected a problem saying " << text;
      continue;
    }
    EXPECT_EQ(error->file(), file);
    EXPECT_NE(error->problem().find(text), std::string::npos)
        << "problem: " << error->problem() << "\nexpected to contain: " << text;
  }
}

// ITK 5.2's TIFFImageIO::ReadTIFFTags runs strlen over a one-byte ASCII value: a damaged tag
// holding one byte that is not NUL was read past its end (a fuzz finding, heap-buffer-overflow
// under ASan). Files handed to ITK must end every ASCII value in NUL, as TIFF 6.0 requires;
// our own libtiff reader keeps reading them, since libtiff terminates what it knows.
TEST(VolumeFileSafetyTiff, AsciiValueWithoutItsNulIsRefusedBeforeItk) {
  ScratchDirectory dir;
  const auto finding = copiedAs(
      dir, regressionInput("tiff_header", "itk-read-tiff-tags-ascii-strlen-overflow"), "tags.tif");
  expectRefusedSaying(finding,
                      "TIFF page 1 directory, tag 63509: its ASCII value (1 byte) "
                      "does not end in a NUL byte");

  // ITK writes Software = "InsightToolkit" (15 bytes with the NUL, stored past the entry).
  const auto good = dir / "good.tif";
  writeVolume(good, noiseVolume({16, 8, 1}));
  EXPECT_NO_THROW(readVolume(good));
  const auto unterminated = dir / "unterminated.tif";
  writeBytes(unterminated,
             replaced(contents(good), std::string("InsightToolkit\0", 15), "InsightToolkitX"));
  expectRefusedSaying(unterminated, "tag 305: its ASCII value (15 bytes) does not end in a NUL");
  EXPECT_NO_THROW(TiffImageReader{unterminated}) << "our reader takes what libtiff takes";
}

// NIfTI-1 field offsets (nifti1.h).
constexpr std::size_t kPixdim = 76, kQformCode = 252, kSformCode = 254, kQuatern = 256,
                      kQoffset = 268, kSrow = 280;

TEST(VolumeFileSafetyNifti, NonFiniteOrSingularOrientationIsRefusedBeforeItk) {
  // Before the fix ITK aborted in vnl_svd<float> (assert_finite) on this fuzzed header: its
  // sform_code is 1 and srow_x[0] is NaN.
  ScratchDirectory dir;
  expectRefused(copiedAs(dir, regressionInput("nifti", "sform-nan-vnl-svd-abort"), "svd.nii"),
                "srow_x[0]");

  const auto good = dir / "good.nii";
  writeVolume(good, noiseVolume({8, 6, 4}));
  std::string bytes = contents(good);
  // Both transforms set, as our writer leaves them: each is validated.
  poke<std::int16_t>(bytes, kQformCode, 1);
  poke<std::int16_t>(bytes, kSformCode, 1);
  writeBytes(good, bytes);
  ASSERT_NO_THROW(readVolume(good));

  const auto corrupt = [&](const std::string& name, auto change, const std::string& field) {
    std::string copy = bytes;
    change(copy);
    const auto file = dir / (name + ".nii");
    writeBytes(file, copy);
    SCOPED_TRACE(name);
    expectRefused(file, field);
  };
  const float nan = std::nanf(""), inf = std::numeric_limits<float>::infinity();
  corrupt(
      "pixdimInf", [&](std::string& b) { poke<float>(b, kPixdim + 8, inf); }, "pixdim[2]");
  corrupt(
      "pixdimZero", [&](std::string& b) { poke<float>(b, kPixdim + 4, 0.0f); }, "pixdim[1]");
  corrupt(
      "pixdimNegative", [&](std::string& b) { poke<float>(b, kPixdim + 12, -25.0f); }, "pixdim[3]");
  corrupt(
      "qfacNan", [&](std::string& b) { poke<float>(b, kPixdim, nan); }, "pixdim[0] (qfac)");
  corrupt(
      "quaternNan", [&](std::string& b) { poke<float>(b, kQuatern + 4, nan); }, "quatern_c");
  corrupt(
      "quaternTooLong", [&](std::string& b) { poke<float>(b, kQuatern, 3.0f); }, "quatern_b/c/d");
  corrupt(
      "qoffsetHuge", [&](std::string& b) { poke<float>(b, kQoffset + 8, 1e30f); }, "qoffset_z");
  corrupt(
      "srowInf", [&](std::string& b) { poke<float>(b, kSrow + 16 + 8, -inf); }, "srow_y[2]");
  corrupt(
      "srowZeroColumn",
      [&](std::string& b) {
        for (std::size_t row = 0; row < 3; ++row) poke<float>(b, kSrow + row * 16 + 4, 0.0f);
      },
      "srow");
  corrupt(
      "srowParallel",
      [&](std::string& b) {  // the second axis along the first
        for (std::size_t row = 0; row < 3; ++row)
          poke<float>(b, kSrow + row * 16 + 4, row == 0 ? 25.0f : 0.0f);
      },
      "srow");

  // Only the transforms ITK uses are validated: with both codes 0 (Analyze orientation from
  // pixdim alone) a NaN quaternion and sform are ignored, and the voxels read.
  std::string unused = bytes;
  poke<std::int16_t>(unused, kQformCode, 0);
  poke<std::int16_t>(unused, kSformCode, 0);
  poke<float>(unused, kQuatern, nan);
  poke<float>(unused, kSrow, nan);
  writeBytes(dir / "unused.nii", unused);
  EXPECT_NO_THROW(readVolume(dir / "unused.nii"));
}

TEST(VolumeFileSafetyTiff, PngBytesInATifAreRefusedByMagicNotHandedToLibpng) {
  // ITK's factory chose PNGImageIO for these bytes by content and libpng aborted on a chunk.
  ScratchDirectory dir;
  const auto tif =
      copiedAs(dir, regressionInput("tiff_header", "png-signature-libpng-abort"), "png.tif");
  expectRefusedSaying(tif, "is not a TIFF file (it starts with the PNG signature)");
  // The same bytes named .tiff, and other formats under the wrong name.
  writeBytes(dir / "png.tiff", contents(tif));
  expectRefusedSaying(dir / "png.tiff", "is not a TIFF file (it starts with the PNG signature)");
  writeBytes(dir / "tiff.png", "II*\0" + std::string(64, '\0'));
  expectRefusedSaying(dir / "tiff.png", "is not a PNG file (it starts with the TIFF magic)");
  writeBytes(dir / "nrrd.jpg", contents(bundledAtlasDirectory() / "annotation_100.nrrd"));
  expectRefusedSaying(dir / "nrrd.jpg", "is not a JPEG file (it starts with the NRRD magic)");
  writeBytes(dir / "short.tif", "II");
  expectRefusedSaying(dir / "short.tif", "is not a TIFF file (it holds only 2 bytes)");
  writeBytes(dir / "text.tif", "hello, world");
  expectRefusedSaying(dir / "text.tif", "(it starts with the bytes 68 65 6c 6c)");

  // A real TIFF, PNG and JPEG still read through the IO chosen by their extension.
  const auto image = noiseVolume({16, 8, 1});
  for (const std::string name : {"real.tif", "real.png"}) {
    SCOPED_TRACE(name);
    writeVolume(dir / name, image);
    const VolumeHeader header = readVolumeHeader(dir / name);
    EXPECT_EQ(header.dims, (Size3{16, 8, 1}));
    EXPECT_NO_THROW(readVolume(dir / name));
  }
  EXPECT_EQ(readVolumeAs<std::uint8_t>(dir / "real.tif").voxels(), image.voxels());

  // Named .png, the same bytes reach PNGImageIO, whose header read has no setjmp: libpng
  // aborted on the chunk with a non-letter type. Our chunk walk refuses it first.
  writeBytes(dir / "bad.png", contents(tif));
  expectRefusedSaying(dir / "bad.png", "PNG: not a chunk type at byte offset");
  std::string png = contents(dir / "real.png");
  png[16] ^= 1;  // IHDR's width: its CRC no longer matches
  writeBytes(dir / "crc.png", png);
  expectRefusedSaying(dir / "crc.png", "PNG chunk IHDR at byte offset 8: CRC mismatch");
}

TEST(VolumeFileSafetyNrrd, CorruptShortOrLongGzipBodyIsRefusedBeforeItk) {
  // ITK's NRRD reader leaked its nrrd struct and zlib stream when it threw on this body.
  ScratchDirectory dir;
  const auto leak =
      copiedAs(dir, regressionInput("nrrd_header", "corrupt-gzip-itk-leak"), "leak.nrrd");
  EXPECT_NO_THROW(readVolumeHeader(leak));  // the header is fine; the body is not
  try {
    readVolume(leak);
    ADD_FAILURE() << "the corrupt gzip body was accepted";
  } catch (const FileError& error) {
    EXPECT_EQ(error.file(), leak);
    EXPECT_EQ(error.problem().rfind("data: ", 0), 0u) << error.problem();
    EXPECT_NE(error.problem().find("byte offset"), std::string::npos) << error.problem();
  }

  const RealNrrd real = bundledAnnotation();
  ASSERT_FALSE(real.header.empty());
  const auto offsetOfData = std::to_string(real.header.size());
  std::string flipped = real.data;
  for (std::size_t i = flipped.size() / 3; i < flipped.size() / 3 + 64; ++i) flipped[i] ^= 0x5a;
  writeBytes(dir / "flipped.nrrd", real.header + flipped);
  expectRefusedSaying(dir / "flipped.nrrd", "data: corrupt gzip stream", Refused::VoxelsOnly);
  writeBytes(dir / "cut.nrrd", real.header + real.data.substr(0, real.data.size() / 2));
  expectRefusedSaying(dir / "cut.nrrd", "data: truncated gzip stream: it breaks off after ",
                      Refused::VoxelsOnly);
  writeBytes(dir / "long.nrrd",
             replaced(real.header, "sizes: 132 80 114", "sizes: 132 80 113") + real.data);
  expectRefusedSaying(dir / "long.nrrd", "data: the gzip stream holds more than the 4773120",
                      Refused::VoxelsOnly);
  writeBytes(dir / "tail.nrrd", real.header + real.data.substr(0, real.data.size() - 4));
  expectRefusedSaying(dir / "tail.nrrd",
                      "data: truncated gzip stream: it breaks off after 4815360 of 4815360",
                      Refused::VoxelsOnly);
  // The whole real file still reads, the same voxels as before.
  EXPECT_NO_THROW(readVolume(bundledAtlasDirectory() / "annotation_100.nrrd"));
}

TEST(VolumeFileSafetyNrrd, AsciiAndHexBodiesAreCheckedBeforeItk) {
  ScratchDirectory dir;
  const auto header = [](const std::string& encoding) {
    return "NRRD0004\ntype: uchar\ndimension: 1\nsizes: 3\nencoding: " + encoding + "\n\n";
  };
  writeBytes(dir / "ascii.nrrd", header("ascii") + "1 2\n3\n");
  EXPECT_EQ(readVolumeAs<std::uint8_t>(dir / "ascii.nrrd").voxels(),
            (std::vector<std::uint8_t>{1, 2, 3}));
  writeBytes(dir / "hex.nrrd", header("hex") + "0a0B\n0c\n");
  EXPECT_EQ(readVolumeAs<std::uint8_t>(dir / "hex.nrrd").voxels(),
            (std::vector<std::uint8_t>{10, 11, 12}));
  writeBytes(dir / "asciiWord.nrrd", header("ascii") + "1 two 3\n");
  expectRefusedSaying(dir / "asciiWord.nrrd", "data: not a number: \"two\"", Refused::VoxelsOnly);
  writeBytes(dir / "asciiShort.nrrd", header("ascii") + "1 2\n");
  expectRefusedSaying(dir / "asciiShort.nrrd", "data: the file ends after 2 of 3 values",
                      Refused::VoxelsOnly);
  writeBytes(dir / "hexBad.nrrd", header("hex") + "0a0bzz\n");
  expectRefusedSaying(dir / "hexBad.nrrd", "data: not a hex digit", Refused::VoxelsOnly);
}

// --- a write that fails part-way ---

// What a child process that wrote under RLIMIT_FSIZE reports through its exit status.
enum ChildResult : int {
  kCleanError = 0,  // FileError naming the target
  kNoError = 1,     // the write "succeeded"
  kOtherError = 2,  // another exception, or a FileError naming another file
};

class VolumeFileSafetyWriteFailure : public ::testing::TestWithParam<std::string> {};

TEST_P(VolumeFileSafetyWriteFailure, LeavesTheOldFileAndNoTemporary) {
  ScratchDirectory dir;
  const auto target = dir / ("volume" + GetParam());
  writeVolume(target, noiseVolume({16, 16, 4}));  // the file a failed export must not touch
  const std::string before = contents(target);
  ASSERT_FALSE(before.empty());

  // 96x96x64 bytes of noise (589,824 B, incompressible) against a 64 KiB limit.
  const auto big = noiseVolume({96, 96, 64});
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const rlimit limit{64 * 1024, 64 * 1024};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    int result = kNoError;
    try {
      writeVolume(target, big);
    } catch (const FileError& error) {
      result = error.file() == target ? kCleanError : kOtherError;
      std::fprintf(stderr, "child: %s\n", error.what());
    } catch (const std::exception& error) {
      result = kOtherError;
      std::fprintf(stderr, "child: other exception: %s\n", error.what());
    }
    ::_exit(result);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_FALSE(WIFSIGNALED(status)) << "the writer died of signal " << WTERMSIG(status);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kCleanError)
      << (WEXITSTATUS(status) == kNoError ? "the failed write was reported as a success"
                                          : "the error did not name the target");
  // Not EXPECT_EQ: a failure would print half a megabyte of bytes.
  const std::string after = contents(target);
  EXPECT_TRUE(after == before) << "the existing file was changed: " << before.size()
                               << " bytes before, " << after.size() << " after";
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().rfind(".partial-", 0), std::string::npos)
        << "temporary left behind: " << entry.path();
}

INSTANTIATE_TEST_SUITE_P(Formats, VolumeFileSafetyWriteFailure,
                         ::testing::Values(".nii", ".nii.gz", ".nrrd", ".tif"),
                         [](const auto& param) {
                           std::string name = param.param.substr(1);
                           for (auto& ch : name)
                             if (ch == '.') ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace teramind
