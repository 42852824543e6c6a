// TiffImageReader and TiledTiffWriter against files written or decoded by libtiff directly, the
// real MERSCOPE DAPI mosaic, and damaged files.
#include "io/TiffImage.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <numeric>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <tiffio.h>

#include "common/FileError.h"
#include "io/VolumeFile.h"
#include "support/TestData.h"

namespace teramind {
namespace {

using test::ScratchDirectory;

std::uint16_t pattern(std::int64_t x, std::int64_t y) {
  return std::uint16_t(x * 31 + y * 17 + x * y);
}

// The window of `pattern` over a width × height image, 0 outside it.
std::vector<std::uint16_t> expectedWindow(
    std::int64_t imageWidth, std::int64_t imageHeight, std::int64_t x0, std::int64_t y0,
    std::int64_t w, std::int64_t h,
    const std::function<std::uint16_t(std::int64_t, std::int64_t)>& value) {
  std::vector<std::uint16_t> out(std::size_t(w * h), 0);
  for (std::int64_t y = y0; y < y0 + h; ++y)
    for (std::int64_t x = x0; x < x0 + w; ++x)
      if (x >= 0 && y >= 0 && x < imageWidth && y < imageHeight)
        out[std::size_t((y - y0) * w + (x - x0))] = value(x, y);
  return out;
}

void writeWithOurWriter(const std::filesystem::path& file, std::int64_t width, std::int64_t height,
                        int tile,
                        const std::function<std::uint16_t(std::int64_t, std::int64_t)>& value) {
  TiledTiffWriter writer(file, width, height, tile);
  // Out of order, as a multi-threaded renderer would deliver them.
  std::vector<std::int64_t> order(std::size_t(writer.tileRows() * writer.tileCols()));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  for (std::int64_t index : order) {
    const std::int64_t row = index / writer.tileCols(), col = index % writer.tileCols();
    std::vector<std::uint16_t> pixels(std::size_t(tile) * std::size_t(tile), 0xBEEF);
    for (std::int64_t y = 0; y < tile; ++y)
      for (std::int64_t x = 0; x < tile; ++x) {
        const std::int64_t px = col * tile + x, py = row * tile + y;
        if (px < width && py < height) pixels[std::size_t(y * tile + x)] = value(px, py);
      }
    writer.writeTile(row, col, pixels);
  }
  writer.commit();
}

// Striped grayscale written by libtiff itself, not through our writer.
void writeStripedWithLibtiff(const std::filesystem::path& file, std::uint32_t width,
                             std::uint32_t height, int bits, std::uint32_t rowsPerStrip,
                             std::uint16_t compression, bool bigTiff) {
  TIFF* tiff = TIFFOpen(file.c_str(), bigTiff ? "w8" : "w");
  ASSERT_NE(tiff, nullptr);
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, height);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, bits);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, rowsPerStrip);
  TIFFSetField(tiff, TIFFTAG_COMPRESSION, compression);
  std::vector<std::uint8_t> row(std::size_t(width) * std::size_t(bits / 8));
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) {
      const std::uint16_t v = pattern(x, y);
      if (bits == 8)
        row[x] = std::uint8_t(v);
      else
        std::memcpy(row.data() + 2 * x, &v, 2);
    }
    ASSERT_EQ(TIFFWriteScanline(tiff, row.data(), y, 0), 1);
  }
  TIFFClose(tiff);
}

// Reads the whole first image with libtiff, scanline by scanline or tile by tile and assembled
// here: the independent decode path.
std::vector<std::uint16_t> readWithLibtiff(const std::filesystem::path& file, std::int64_t& width,
                                           std::int64_t& height) {
  TIFF* tiff = TIFFOpen(file.c_str(), "r");
  EXPECT_NE(tiff, nullptr);
  if (!tiff) return {};
  std::uint32_t w = 0, h = 0;
  std::uint16_t bits = 0;
  TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &h);
  TIFFGetField(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
  width = w;
  height = h;
  std::vector<std::uint16_t> pixels(std::size_t(w) * h);
  auto sample = [&](const std::uint8_t* bytes, std::size_t i) {
    return bits == 8 ? bytes[i] : std::uint16_t(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  };
  if (TIFFIsTiled(tiff)) {
    std::uint32_t tw = 0, th = 0;
    TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(tiff, TIFFTAG_TILELENGTH, &th);
    std::vector<std::uint8_t> tile(std::size_t(TIFFTileSize(tiff)));
    for (std::uint32_t ty = 0; ty < h; ty += th)
      for (std::uint32_t tx = 0; tx < w; tx += tw) {
        EXPECT_EQ(TIFFReadTile(tiff, tile.data(), tx, ty, 0, 0), tmsize_t(tile.size()));
        for (std::uint32_t y = ty; y < std::min(h, ty + th); ++y)
          for (std::uint32_t x = tx; x < std::min(w, tx + tw); ++x)
            pixels[std::size_t(y) * w + x] = sample(tile.data(), (y - ty) * tw + (x - tx));
      }
  } else {
    std::vector<std::uint8_t> line(std::size_t(TIFFScanlineSize(tiff)));
    for (std::uint32_t y = 0; y < h; ++y) {
      EXPECT_EQ(TIFFReadScanline(tiff, line.data(), y, 0), 1) << "row " << y;
      for (std::uint32_t x = 0; x < w; ++x) pixels[std::size_t(y) * w + x] = sample(line.data(), x);
    }
  }
  TIFFClose(tiff);
  return pixels;
}

std::uint64_t tileTag(const std::filesystem::path& file, ttag_t tag, ttile_t tile) {
  TIFF* tiff = TIFFOpen(file.c_str(), "r");
  EXPECT_NE(tiff, nullptr);
  std::uint64_t* values = nullptr;
  EXPECT_EQ(TIFFGetField(tiff, tag, &values), 1);
  const std::uint64_t value = values ? values[tile] : 0;
  TIFFClose(tiff);
  return value;
}

std::vector<char> readBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::filesystem::path& file, const std::vector<char>& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

// Sets entry `index` of the offsets or byte-counts array `tag` in the first directory of a
// little-endian BigTIFF held in `bytes`; returns the value it replaced.
std::uint64_t patchDirectoryArray(std::vector<char>& bytes, std::uint16_t tag, std::uint64_t index,
                                  std::uint64_t value) {
  auto u16 = [&](std::uint64_t at) {
    std::uint16_t v;
    std::memcpy(&v, &bytes[at], 2);
    return v;
  };
  auto u64 = [&](std::uint64_t at) {
    std::uint64_t v;
    std::memcpy(&v, &bytes[at], 8);
    return v;
  };
  EXPECT_EQ(u16(2), 43) << "expected a little-endian BigTIFF";
  const std::uint64_t ifd = u64(8);
  for (std::uint64_t e = 0; e < u64(ifd); ++e) {
    const std::uint64_t entry = ifd + 8 + 20 * e;
    if (u16(entry) != tag) continue;
    const std::uint16_t type = u16(entry + 2);
    const std::uint64_t count = u64(entry + 4), array = u64(entry + 12);
    EXPECT_TRUE(type == TIFF_LONG8 || type == TIFF_LONG || type == TIFF_SHORT) << "type " << type;
    const std::size_t size = type == TIFF_LONG8 ? 8 : type == TIFF_LONG ? 4 : 2;
    EXPECT_GT(count * size, 8u) << "array stored out of line";
    EXPECT_LT(index, count);
    std::uint64_t old = 0;
    std::memcpy(&old, &bytes[array + size * index], size);
    std::memcpy(&bytes[array + size * index], &value, size);  // little-endian: low bytes first
    return old;
  }
  ADD_FAILURE() << "tag " << tag << " not found";
  return 0;
}

template <class Fn>
std::string fileErrorOf(Fn&& fn) {
  try {
    fn();
  } catch (const FileError& e) {
    return e.what();
  }
  return "(no FileError thrown)";
}

bool containsPartialFiles(const std::filesystem::path& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().rfind(".partial-", 0) == 0) return true;
  return false;
}

TEST(TiffImageRoundTrip, TiledBigTiffReadsBackExactlyInAnyWindow) {
  ScratchDirectory dir;
  const auto file = dir / "stain.tif";
  const std::int64_t width = 1000, height = 700;  // not multiples of the tile: partial edge tiles
  writeWithOurWriter(file, width, height, 256, pattern);
  EXPECT_FALSE(containsPartialFiles(dir.path()));

  TiffImageReader reader(file);
  EXPECT_EQ(reader.info().width, width);
  EXPECT_EQ(reader.info().height, height);
  EXPECT_EQ(reader.info().bitsPerSample, 16);
  EXPECT_TRUE(reader.info().tiled);
  EXPECT_TRUE(reader.info().bigTiff);
  EXPECT_EQ(reader.info().blockWidth, 256);
  EXPECT_EQ(reader.info().blockHeight, 256);
  EXPECT_EQ(reader.info().compression, "deflate");

  EXPECT_EQ(reader.readWindow(0, 0, width, height),
            expectedWindow(width, height, 0, 0, width, height, pattern));
  std::mt19937 random(11);
  std::uniform_int_distribution<std::int64_t> origin(-300, 1100), size(1, 600);
  for (int i = 0; i < 60; ++i) {
    const std::int64_t x0 = origin(random), y0 = origin(random), w = size(random), h = size(random);
    ASSERT_EQ(reader.readWindow(x0, y0, w, h), expectedWindow(width, height, x0, y0, w, h, pattern))
        << "window " << x0 << "," << y0 << " " << w << "×" << h;
  }
  // Wholly outside, and empty.
  EXPECT_EQ(reader.readWindow(-50, -50, 40, 40), std::vector<std::uint16_t>(1600, 0));
  EXPECT_EQ(reader.readWindow(width, 0, 5, 5), std::vector<std::uint16_t>(25, 0));
  EXPECT_TRUE(reader.readWindow(10, 10, 0, 5).empty());
}

TEST(TiffImageRoundTrip, TilesFromSeveralThreadsAndTheFullValueRange) {
  ScratchDirectory dir;
  const auto file = dir / "threads.tif";
  const std::int64_t width = 777, height = 555;
  const int tile = 128;
  auto value = [](std::int64_t x, std::int64_t y) {
    return std::uint16_t((x ^ (y << 5)) * 2654435761u >> 7);  // noisy, 0…65535
  };
  {
    TiledTiffWriter writer(file, width, height, tile);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (std::int64_t i = t; i < writer.tileRows() * writer.tileCols(); i += 4) {
          const std::int64_t row = i / writer.tileCols(), col = i % writer.tileCols();
          std::vector<std::uint16_t> pixels(std::size_t(tile) * tile);
          for (std::int64_t y = 0; y < tile; ++y)
            for (std::int64_t x = 0; x < tile; ++x)
              pixels[std::size_t(y * tile + x)] = value(col * tile + x, row * tile + y);
          writer.writeTile(row, col, pixels);
        }
      });
    for (auto& thread : threads) thread.join();
    writer.commit();
  }
  std::int64_t w = 0, h = 0;
  const auto independent = readWithLibtiff(file, w, h);  // libtiff's own tiled decode
  EXPECT_EQ(w, width);
  EXPECT_EQ(h, height);
  const auto expected = expectedWindow(width, height, 0, 0, width, height, value);
  EXPECT_EQ(independent, expected);
  EXPECT_EQ(TiffImageReader(file).readWindow(0, 0, width, height), expected);
}

TEST(TiffImageRoundTrip, WriterRefusesBadTilesAndMissingTiles) {
  ScratchDirectory dir;
  const auto file = dir / "incomplete.tif";
  EXPECT_NE(fileErrorOf([&] { TiledTiffWriter(file, 100, 100, 100); }).find("multiple of 16"),
            std::string::npos);
  EXPECT_NE(fileErrorOf([&] {
              TiledTiffWriter(dir / "missing" / "x.tif", 100, 100, 64);
            }).find("output directory does not exist"),
            std::string::npos);
  {
    TiledTiffWriter writer(file, 100, 100, 64);
    EXPECT_NE(fileErrorOf([&] {
                writer.writeTile(2, 0, std::vector<std::uint16_t>(64 * 64));
              }).find("tile (2, 0) lies outside"),
              std::string::npos);
    EXPECT_NE(fileErrorOf([&] {
                writer.writeTile(0, 0, std::vector<std::uint16_t>(10));
              }).find("expected 64 × 64"),
              std::string::npos);
    writer.writeTile(0, 0, std::vector<std::uint16_t>(64 * 64, 1));
    writer.writeTile(1, 1, std::vector<std::uint16_t>(64 * 64, 1));
    const std::string error = fileErrorOf([&] { writer.commit(); });
    EXPECT_NE(error.find(file.string()), std::string::npos) << error;
    EXPECT_NE(error.find("2 of 4 tiles were never written, the first tile (0, 1)"),
              std::string::npos)
        << error;
  }
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_FALSE(containsPartialFiles(dir.path()));
}

TEST(TiffImageRoundTrip, AbandonedWriterLeavesNothing) {
  ScratchDirectory dir;
  const auto file = dir / "abandoned.tif";
  {
    TiledTiffWriter writer(file, 300, 200, 64);
    writer.writeTile(0, 0, std::vector<std::uint16_t>(64 * 64, 42));
    EXPECT_TRUE(containsPartialFiles(dir.path()));  // the temporary exists while writing
  }
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(TiffImageStriped, EightAndSixteenBitWrittenByLibtiff) {
  ScratchDirectory dir;
  struct Case {
    const char* name;
    int bits;
    std::uint32_t rowsPerStrip;
    std::uint16_t compression;
    bool bigTiff;
    const char* compressionName;
  };
  const Case cases[] = {{"u8-lzw.tif", 8, 7, COMPRESSION_LZW, false, "lzw"},
                        {"u8-none-big.tif", 8, 1, COMPRESSION_NONE, true, "none"},
                        {"u16-none.tif", 16, 5, COMPRESSION_NONE, false, "none"},
                        {"u16-deflate-big.tif", 16, 16, COMPRESSION_ADOBE_DEFLATE, true, "deflate"},
                        {"u16-packbits.tif", 16, 300, COMPRESSION_PACKBITS, false, "packbits"}};
  const std::int64_t width = 301, height = 203;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto file = dir / c.name;
    writeStripedWithLibtiff(file, width, height, c.bits, c.rowsPerStrip, c.compression, c.bigTiff);
    const auto value = [&](std::int64_t x, std::int64_t y) {
      return c.bits == 8 ? std::uint16_t(pattern(x, y) & 0xFF) : pattern(x, y);
    };
    TiffImageReader reader(file);
    EXPECT_EQ(reader.info().bitsPerSample, c.bits);
    EXPECT_FALSE(reader.info().tiled);
    EXPECT_EQ(reader.info().bigTiff, c.bigTiff);
    EXPECT_EQ(reader.info().blockWidth, width);
    EXPECT_EQ(reader.info().compression, c.compressionName);
    EXPECT_EQ(reader.readWindow(0, 0, width, height),
              expectedWindow(width, height, 0, 0, width, height, value));
    std::mt19937 random(3);
    std::uniform_int_distribution<std::int64_t> origin(-50, 320), size(1, 120);
    for (int i = 0; i < 30; ++i) {
      const std::int64_t x0 = origin(random), y0 = origin(random), w = size(random),
                         h = size(random);
      ASSERT_EQ(reader.readWindow(x0, y0, w, h), expectedWindow(width, height, x0, y0, w, h, value))
          << "window " << x0 << "," << y0 << " " << w << "×" << h;
    }
  }
}

TEST(TiffImageMerscope, DapiMosaicMatchesLibtiffScanlines) {
  TERAMIND_REQUIRE_SHARED_DATA(
      "platform_fixtures/merscope_vpt_mouse_liver/images/mosaic_DAPI_z0.tif");
  TiffImageReader reader(sharedData);
  EXPECT_EQ(reader.info().width, 512);
  EXPECT_EQ(reader.info().height, 512);
  EXPECT_EQ(reader.info().bitsPerSample, 16);
  EXPECT_FALSE(reader.info().tiled);
  EXPECT_EQ(reader.info().compression, "none");

  std::int64_t width = 0, height = 0;
  const auto independent = readWithLibtiff(sharedData, width, height);
  ASSERT_EQ(width, 512);
  ASSERT_EQ(height, 512);
  const auto whole = reader.readWindow(0, 0, 512, 512);
  ASSERT_EQ(whole, independent);
  EXPECT_GT(*std::max_element(whole.begin(), whole.end()), 0) << "a DAPI mosaic is not all black";

  const auto window = reader.readWindow(100, 37, 200, 150);
  for (std::int64_t y = 0; y < 150; ++y)
    for (std::int64_t x = 0; x < 200; ++x)
      ASSERT_EQ(window[std::size_t(y * 200 + x)],
                independent[std::size_t((y + 37) * 512 + x + 100)])
          << "pixel " << x + 100 << "," << y + 37;
  // Over the bottom-right corner: the outside reads 0.
  const auto corner = reader.readWindow(500, 500, 20, 20);
  EXPECT_EQ(corner[0], independent[500 * 512 + 500]);
  EXPECT_EQ(corner[11 * 20 + 11], independent[511 * 512 + 511]);
  EXPECT_EQ(corner[12 * 20 + 12], 0);
}

TEST(TiffImageDamaged, TruncatedFileNamesTheFile) {
  ScratchDirectory dir;
  const auto file = dir / "truncated.tif";
  writeWithOurWriter(file, 600, 600, 128, pattern);
  auto bytes = readBytes(file);
  bytes.resize(bytes.size() / 2);  // the directory, written last, is gone
  writeBytes(file, bytes);
  const std::string error = fileErrorOf([&] { TiffImageReader reader(file); });
  EXPECT_NE(error.find(file.string()), std::string::npos) << error;
  EXPECT_NE(error.find("is not a readable TIFF image"), std::string::npos) << error;
}

TEST(TiffImageDamaged, TileBeyondTheEndOfFileNamesTheTile) {
  // A file cut short inside its tile data whose directory survived (as when a writer puts the
  // directory first): tile (2, 1)'s byte count reaches past the end of the file.
  ScratchDirectory dir;
  const auto file = dir / "short.tif";
  writeWithOurWriter(file, 600, 600, 128, pattern);
  const ttile_t tile = 2 * 5 + 1;
  const std::uint64_t offset = tileTag(file, TIFFTAG_TILEOFFSETS, tile);
  const std::uint64_t byteCount = tileTag(file, TIFFTAG_TILEBYTECOUNTS, tile);
  auto bytes = readBytes(file);
  EXPECT_EQ(patchDirectoryArray(bytes, TIFFTAG_TILEBYTECOUNTS, tile, bytes.size()), byteCount);
  ASSERT_GT(offset, 0u);
  writeBytes(file, bytes);

  TiffImageReader reader(file);
  EXPECT_EQ(reader.readWindow(0, 0, 128, 128),
            expectedWindow(600, 600, 0, 0, 128, 128, pattern));  // other tiles still read
  const std::string error = fileErrorOf([&] { reader.readWindow(100, 200, 100, 100); });
  EXPECT_NE(error.find(file.string()), std::string::npos) << error;
  EXPECT_NE(error.find("cannot decode tile (2, 1)"), std::string::npos) << error;
}

TEST(TiffImageDamaged, ShortUncompressedStripsNameTheStrip) {
  // Uncompressed rows are read straight from the file: a strip that points past the end, or
  // holds fewer bytes than its rows, is reported by strip and row.
  ScratchDirectory dir;
  const auto file = dir / "strips.tif";
  writeStripedWithLibtiff(file, 301, 203, 16, 5, COMPRESSION_NONE, true);
  auto bytes = readBytes(file);
  ASSERT_GT(patchDirectoryArray(bytes, TIFFTAG_STRIPOFFSETS, 7, bytes.size() - 100), 0u);
  ASSERT_EQ(patchDirectoryArray(bytes, TIFFTAG_STRIPBYTECOUNTS, 9, 10), 301u * 5 * 2);
  writeBytes(file, bytes);

  TiffImageReader reader(file);
  EXPECT_EQ(reader.readWindow(0, 0, 301, 35), expectedWindow(301, 203, 0, 0, 301, 35, pattern));
  std::string error = fileErrorOf([&] { reader.readWindow(0, 30, 301, 10); });
  EXPECT_NE(error.find(file.string() + ": cannot read strip 7 row 35 at byte offset"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("the file ends there"), std::string::npos) << error;
  error = fileErrorOf([&] { reader.readWindow(0, 46, 10, 1); });
  EXPECT_NE(error.find("cannot read strip 9: it holds 10 bytes"), std::string::npos) << error;
}

TEST(TiffImageDamaged, CorruptTileNamesTheTile) {
  ScratchDirectory dir;
  const auto file = dir / "corrupt.tif";
  writeWithOurWriter(file, 600, 600, 128, pattern);
  const ttile_t tile = 1 * 5 + 3;  // tile (1, 3)
  const std::uint64_t offset = tileTag(file, TIFFTAG_TILEOFFSETS, tile);
  const std::uint64_t byteCount = tileTag(file, TIFFTAG_TILEBYTECOUNTS, tile);
  ASSERT_GT(byteCount, 16u);
  auto bytes = readBytes(file);
  std::mt19937 random(5);
  for (std::uint64_t i = 0; i < byteCount; ++i) bytes[offset + i] = char(random());
  writeBytes(file, bytes);

  TiffImageReader reader(file);
  const std::string error = fileErrorOf([&] { reader.readWindow(3 * 128 + 5, 128 + 5, 10, 10); });
  EXPECT_NE(error.find(file.string()), std::string::npos) << error;
  EXPECT_NE(error.find("cannot decode tile (1, 3)"), std::string::npos) << error;
  EXPECT_EQ(reader.readWindow(0, 0, 300, 300), expectedWindow(600, 600, 0, 0, 300, 300, pattern));
}

// libtiff allocates an entry's values by its declared count before reading them: a directory
// entry whose values lie past the end of the file is refused from the raw bytes first (a fuzz
// finding: 151 million tile byte counts in an 8 KB file; seconds of reallocation under ASan).
TEST(TiffImageDamaged, DirectoryEntryPastTheEndIsRefusedBeforeLibtiff) {
  ScratchDirectory dir;
  const auto file = dir / "counts.tif";
  // II, 42, first directory at byte 8: one entry (TileByteCounts, LONG, 150994943 values at
  // byte 26), then no next directory.
  std::vector<char> bytes = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0};
  const unsigned char entry[12] = {0x45, 0x01, 4, 0, 0xff, 0xff, 0xff, 0x08, 26, 0, 0, 0};
  bytes.insert(bytes.end(), entry, entry + 12);
  bytes.resize(64, 0);  // the next-directory offset 0, then padding
  writeBytes(file, bytes);
  for (const auto& read : std::vector<std::function<void()>>{
           [&] { TiffImageReader reader(file); }, [&] { (void)readVolumeHeader(file); }}) {
    const std::string error = fileErrorOf(read);
    EXPECT_NE(error.find(file.string() + ": is not a readable TIFF image (TIFF page 1 "
                                         "directory, tag 325: 150994943 values cannot fit"),
              std::string::npos)
        << error;
  }
}

TEST(TiffImageDamaged, NotATiffAndMissingFiles) {
  ScratchDirectory dir;
  const auto text = dir / "notes.tif";
  std::ofstream(text) << "gene,x,y\nSnap25,1,2\n";
  std::string error = fileErrorOf([&] { TiffImageReader reader(text); });
  EXPECT_NE(error.find(text.string() + ": is not a readable TIFF image"), std::string::npos)
      << error;
  const auto empty = dir / "empty.tif";
  std::ofstream{empty};
  error = fileErrorOf([&] { TiffImageReader reader(empty); });
  EXPECT_NE(error.find(empty.string() + ": is not a readable TIFF image"), std::string::npos)
      << error;
  error = fileErrorOf([&] { TiffImageReader reader(dir / "absent.tif"); });
  EXPECT_NE(error.find("absent.tif: does not exist"), std::string::npos) << error;
}

TEST(TiffImageDamaged, RefusesColourFloatAndHugeWindows) {
  ScratchDirectory dir;
  auto writeTiny = [&](const std::string& name, int samples, int bits, int format,
                       int photometric) {
    const auto file = dir / name;
    TIFF* tiff = TIFFOpen(file.c_str(), "w");
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, 8);
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, 4);
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, bits);
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, samples);
    TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT, format);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, photometric);
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, 4);
    // Without a colour map libtiff itself reads a palette image as grayscale.
    std::vector<std::uint16_t> colours(256, 0);
    if (photometric == PHOTOMETRIC_PALETTE)
      TIFFSetField(tiff, TIFFTAG_COLORMAP, colours.data(), colours.data(), colours.data());
    std::vector<std::uint8_t> row(std::size_t(8 * samples * bits / 8), 0);
    for (std::uint32_t y = 0; y < 4; ++y) TIFFWriteScanline(tiff, row.data(), y, 0);
    TIFFClose(tiff);
    return file;
  };
  const auto rgb = writeTiny("rgb.tif", 3, 8, SAMPLEFORMAT_UINT, PHOTOMETRIC_RGB);
  std::string error = fileErrorOf([&] { TiffImageReader reader(rgb); });
  EXPECT_NE(error.find(rgb.string()), std::string::npos) << error;
  EXPECT_NE(error.find("3 samples per pixel"), std::string::npos) << error;
  const auto floats = writeTiny("float.tif", 1, 32, SAMPLEFORMAT_IEEEFP, PHOTOMETRIC_MINISBLACK);
  error = fileErrorOf([&] { TiffImageReader reader(floats); });
  EXPECT_NE(error.find("floating point"), std::string::npos) << error;
  const auto palette = writeTiny("palette.tif", 1, 8, SAMPLEFORMAT_UINT, PHOTOMETRIC_PALETTE);
  error = fileErrorOf([&] { TiffImageReader reader(palette); });
  EXPECT_NE(error.find(palette.string() + ": TIFF image is palette colour"), std::string::npos)
      << error;
  const auto bits32 = writeTiny("u32.tif", 1, 32, SAMPLEFORMAT_UINT, PHOTOMETRIC_MINISBLACK);
  error = fileErrorOf([&] { TiffImageReader reader(bits32); });
  EXPECT_NE(error.find("32 bits per sample"), std::string::npos) << error;

  const auto gray = writeTiny("gray.tif", 1, 8, SAMPLEFORMAT_UINT, PHOTOMETRIC_MINISBLACK);
  TiffImageReader reader(gray);
  error = fileErrorOf([&] { reader.readWindow(0, 0, 100000, 100000); });
  EXPECT_NE(error.find("at most 2^31 px"), std::string::npos) << error;
  error = fileErrorOf([&] { reader.readWindow(0, 0, -1, 5); });
  EXPECT_NE(error.find("negative size"), std::string::npos) << error;
}

// Writing and reading an 8192² synthetic stain: figures for the docs. Runs when
// TERAMIND_TIFF_BENCHMARK is set (it takes a few seconds and 128 MB).
TEST(TiffImageBenchmark, Write8192AndReadBy512Windows) {
  if (!std::getenv("TERAMIND_TIFF_BENCHMARK"))
    GTEST_SKIP() << "set TERAMIND_TIFF_BENCHMARK=1 to measure TIFF write/read speed";
  ScratchDirectory dir;
  const auto file = dir / "synthetic.tif";
  const std::int64_t size = 8192;
  const int tile = 512;
  // Smooth nucleus-like blobs on a jittered 24-px grid, background and noise.
  auto value = [](std::int64_t x, std::int64_t y) {
    const std::int64_t cx = x / 24, cy = y / 24;
    const std::uint32_t h = std::uint32_t(cx * 73856093u ^ cy * 19349663u);
    const double bx = cx * 24 + 6 + (h & 11), by = cy * 24 + 6 + ((h >> 4) & 11);
    const double r2 = (x - bx) * (x - bx) + (y - by) * (y - by);
    const std::uint32_t n = std::uint32_t(x * 2654435761u ^ y * 2246822519u) * 3266489917u;
    return std::uint16_t(800 + 6000 * std::exp(-r2 / 40.0) + (n >> 26));  // noise 0…63
  };
  const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::uint16_t> image(std::size_t(size * size));
  for (std::int64_t y = 0; y < size; ++y)
    for (std::int64_t x = 0; x < size; ++x) image[std::size_t(y * size + x)] = value(x, y);
  const auto start = std::chrono::steady_clock::now();
  {
    TiledTiffWriter writer(file, size, size, tile);
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        std::vector<std::uint16_t> pixels(std::size_t(tile) * tile);
        for (std::int64_t i = t; i < writer.tileRows() * writer.tileCols(); i += threads) {
          const std::int64_t row = i / writer.tileCols(), col = i % writer.tileCols();
          for (std::int64_t y = 0; y < tile; ++y)
            std::copy_n(image.data() + (row * tile + y) * size + col * tile, tile,
                        pixels.data() + y * tile);
          writer.writeTile(row, col, pixels);
        }
      });
    for (auto& worker : workers) worker.join();
    writer.commit();
  }
  const double writeSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double megabytes = double(size * size * 2) / 1e6;
  const auto fileBytes = std::filesystem::file_size(file);

  const auto readStart = std::chrono::steady_clock::now();
  TiffImageReader reader(file);
  bool identical = true;
  for (std::int64_t y = 0; y < size; y += 512)
    for (std::int64_t x = 0; x < size; x += 512) {
      const auto window = reader.readWindow(x, y, 512, 512);
      for (std::int64_t row = 0; row < 512; ++row)
        identical =
            identical && std::equal(window.begin() + row * 512, window.begin() + (row + 1) * 512,
                                    image.begin() + (y + row) * size + x);
    }
  const double readSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - readStart).count();
  EXPECT_TRUE(identical);
  std::printf(
      "8192×8192 uint16 (%.0f MB raw), %u writer threads : write %.2f s "
      "= %.0f MB/s, file %.1f MB (%.2f× smaller); read by 512² windows %.2f s = %.0f MB/s\n",
      megabytes, threads, writeSeconds, megabytes / writeSeconds, double(fileBytes) / 1e6,
      megabytes * 1e6 / double(fileBytes), readSeconds, megabytes / readSeconds);

  // The same image as MERSCOPE ships its mosaics: uncompressed, one strip, written by libtiff.
  const auto plain = dir / "uncompressed.tif";
  {
    TIFF* tiff = TIFFOpen(plain.c_str(), "w8");
    ASSERT_NE(tiff, nullptr);
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, std::uint32_t(size));
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, std::uint32_t(size));
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 16);
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, std::uint32_t(size));
    ASSERT_EQ(TIFFWriteEncodedStrip(tiff, 0, image.data(), tmsize_t(image.size() * 2)),
              tmsize_t(image.size() * 2));
    TIFFClose(tiff);
  }
  const auto plainStart = std::chrono::steady_clock::now();
  TiffImageReader plainReader(plain);
  for (std::int64_t y = 0; y < size; y += 512)
    for (std::int64_t x = 0; x < size; x += 512) {
      const auto window = plainReader.readWindow(x, y, 512, 512);
      for (std::int64_t row = 0; row < 512; ++row)
        identical =
            identical && std::equal(window.begin() + row * 512, window.begin() + (row + 1) * 512,
                                    image.begin() + (y + row) * size + x);
    }
  const double plainSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - plainStart).count();
  EXPECT_TRUE(identical);
  std::printf(
      "uncompressed single-strip (%s strips of %lld rows as libtiff splits it): read by "
      "512² windows %.2f s = %.0f MB/s\n",
      std::to_string((size + plainReader.info().blockHeight - 1) / plainReader.info().blockHeight)
          .c_str(),
      static_cast<long long>(plainReader.info().blockHeight), plainSeconds,
      megabytes / plainSeconds);
}

// A tiny file declaring a huge image (the fuzz finding of issue 21: 8 KB declaring 712 MB, which
// ITK allocated, 2.8 GB at peak): written by libtiff, only the first `tilesWritten` tiles of
// 1024 × 1024 px present.
void writeHugeDeclaredTiff(const std::filesystem::path& file, std::uint32_t width,
                           std::uint32_t height, std::uint16_t compression, int tilesWritten = 1) {
  TIFF* tiff = TIFFOpen(file.c_str(), "w8");  // BigTIFF, as patchDirectoryArray expects
  ASSERT_NE(tiff, nullptr);
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, height);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 16);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tiff, TIFFTAG_TILEWIDTH, 1024);
  TIFFSetField(tiff, TIFFTAG_TILELENGTH, 1024);
  TIFFSetField(tiff, TIFFTAG_COMPRESSION, compression);
  std::vector<std::uint16_t> tile(1024 * 1024);
  for (std::int64_t y = 0; y < 1024; ++y)
    for (std::int64_t x = 0; x < 1024; ++x) tile[std::size_t(y * 1024 + x)] = pattern(x, y);
  for (int index = 0; index < tilesWritten; ++index)
    ASSERT_GT(TIFFWriteEncodedTile(tiff, ttile_t(index), tile.data(), tmsize_t(tile.size() * 2)),
              0);
  TIFFClose(tiff);  // the other tiles are never written: offset and byte count 0
}

TEST(TiffImageDeclaredSize, TinyFileDeclaringAHugeImageIsRefusedByBothReaders) {
  ScratchDirectory dir;
  const auto file = dir / "huge.tif";
  writeHugeDeclaredTiff(file, 100000, 100000, COMPRESSION_ADOBE_DEFLATE);  // 20 GB declared
  ASSERT_LT(std::filesystem::file_size(file), 4000000u);
  for (const auto& read : std::vector<std::function<void()>>{
           [&] { TiffImageReader reader(file); },
           [&] { readVolumeHeader(file); },
           [&] { readVolume(file); },
       }) {
    const std::string error = fileErrorOf(read);
    EXPECT_EQ(error.rfind(file.string() + ": TIFF", 0), 0u) << error;
    EXPECT_NE(error.find("declares 100000 × 100000 px"), std::string::npos) << error;
    EXPECT_NE(error.find("1032:1"), std::string::npos) << error;
  }
}

TEST(TiffImageDeclaredSize, MissingTilesAreCountedForAWholeReadAndNamedByAWindow) {
  ScratchDirectory dir;
  const auto file = dir / "sparse.tif";
  // 3 × 3 tiles, one written: 18 MB declared, within what deflate can make of the file.
  writeHugeDeclaredTiff(file, 3000, 3000, COMPRESSION_ADOBE_DEFLATE);
  std::string error = fileErrorOf([&] { readVolume(file); });
  EXPECT_NE(error.find(file.string() + ": TIFF page 1: 8 of 9 tiles hold no bytes, the first "
                                       "tile (0, 1)"),
            std::string::npos)
      << error;
  // The windowed reader opens it, reads the tile present, and names the missing one.
  const TiffImageReader reader(file);
  EXPECT_EQ(reader.readWindow(0, 0, 4, 4), expectedWindow(3000, 3000, 0, 0, 4, 4, pattern));
  error = fileErrorOf([&] { reader.readWindow(1500, 0, 4, 4); });
  EXPECT_NE(error.find(file.string() + ": cannot decode tile (0, 1): it holds no bytes"),
            std::string::npos)
      << error;
}

TEST(TiffImageDeclaredSize, TileTooShortForItsCompressionIsRefused) {
  ScratchDirectory dir;
  const auto file = dir / "short.tif";
  writeHugeDeclaredTiff(file, 3072, 1024, COMPRESSION_ADOBE_DEFLATE, 3);
  // Tile (0, 1)'s byte count cut to 100: deflate makes at most 103,200 bytes of them, not 2 MiB.
  auto bytes = readBytes(file);
  ASSERT_GT(patchDirectoryArray(bytes, TIFFTAG_TILEBYTECOUNTS, 1, 100), 100u);
  writeBytes(file, bytes);
  const std::string error = fileErrorOf([&] { readVolume(file); });
  EXPECT_NE(error.find(file.string() + ": TIFF page 1: tile (0, 1): its 100 bytes cannot decode "
                                       "to its 2,097,152 bytes with compression deflate (at most "
                                       "1032:1)"),
            std::string::npos)
      << error;
  const TiffImageReader reader(file);
  EXPECT_NE(fileErrorOf([&] {
              reader.readWindow(1024, 0, 4, 4);
            }).find(": cannot decode tile (0, 1): its 100 bytes cannot decode"),
            std::string::npos);
}

}  // namespace
}  // namespace teramind
