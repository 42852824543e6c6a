#include "io/LabelTiff.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "common/FileError.h"
#include "io/LibtiffHandle.h"
#include "io/TiffImage.h"

namespace teramind {

namespace {

struct SampleType {
  std::uint16_t bits = 8, format = SAMPLEFORMAT_UINT;
};

// One decoded sample as a label; throws naming the pixel when it is none.
std::uint32_t labelOf(const std::uint8_t* sample, SampleType type,
                      const std::filesystem::path& file, std::int64_t column, std::int64_t row) {
  auto refuse = [&](const std::string& value) -> std::uint32_t {
    throw FileError(file, "pixel (" + std::to_string(column) + ", " + std::to_string(row) +
                              "): " + value + " is not a cell label (a whole number >= 0)");
  };
  if (type.format == SAMPLEFORMAT_IEEEFP) {
    float value;
    std::memcpy(&value, sample, sizeof value);
    if (!std::isfinite(value) || value < 0 || value != std::floor(value) || value > 4294967295.0f)
      return refuse(std::to_string(value));
    return std::uint32_t(value);
  }
  const bool isSigned = type.format == SAMPLEFORMAT_INT;
  std::int64_t value = 0;
  if (type.bits == 8) {
    value = isSigned ? std::int64_t(std::int8_t(*sample)) : std::int64_t(*sample);
  } else if (type.bits == 16) {
    std::uint16_t raw;
    std::memcpy(&raw, sample, sizeof raw);
    value = isSigned ? std::int64_t(std::int16_t(raw)) : std::int64_t(raw);
  } else {
    std::uint32_t raw;
    std::memcpy(&raw, sample, sizeof raw);
    value = isSigned ? std::int64_t(std::int32_t(raw)) : std::int64_t(raw);
  }
  if (value < 0) return refuse(std::to_string(value));
  return std::uint32_t(value);
}

// Opens a label TIFF after checking it against its bytes and reads what its first page holds;
// throws FileError unless it is a one-sample image of integer or float labels within maxPixels.
struct OpenLabelTiff {
  LibtiffMessages messages;
  TIFF* tiff = nullptr;
  std::uint32_t width = 0, height = 0;
  SampleType type;

  OpenLabelTiff(const std::filesystem::path& file, std::int64_t maxPixels) {
    // Every strip or tile lies in the file and can decode from its bytes: a damaged header
    // cannot make us allocate what the file cannot hold.
    checkTiffFitsFile(file, maxPixels * 4);
    tiff = openTiff(file, "rm", messages, "is not a readable TIFF image");
    std::uint16_t samples = 1;
    TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &type.bits);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &type.format);
    if (type.format == SAMPLEFORMAT_VOID) type.format = SAMPLEFORMAT_UINT;
    if (samples != 1)
      refuse(file, "has " + std::to_string(samples) + " samples per pixel; a label image has one");
    const bool integer = (type.format == SAMPLEFORMAT_UINT || type.format == SAMPLEFORMAT_INT) &&
                         (type.bits == 8 || type.bits == 16 || type.bits == 32);
    const bool floating = type.format == SAMPLEFORMAT_IEEEFP && type.bits == 32;
    if (!integer && !floating)
      refuse(file, "holds " + std::to_string(type.bits) + "-bit samples of format " +
                       std::to_string(type.format) +
                       "; a label image holds 8/16/32-bit integers or 32-bit floats");
    if (std::int64_t(width) * height > maxPixels)
      refuse(file, std::to_string(width) + " x " + std::to_string(height) + " px exceed the " +
                       std::to_string(maxPixels) + "-pixel limit on a label image");
  }
  ~OpenLabelTiff() {
    if (tiff) TIFFClose(tiff);
  }
  OpenLabelTiff(const OpenLabelTiff&) = delete;
  OpenLabelTiff& operator=(const OpenLabelTiff&) = delete;

 private:
  [[noreturn]] void refuse(const std::filesystem::path& file, const std::string& problem) {
    TIFFClose(tiff);
    tiff = nullptr;
    throw FileError(file, problem);
  }
};

}  // namespace

std::pair<std::int64_t, std::int64_t> checkLabelTiff(const std::filesystem::path& file,
                                                     std::int64_t maxPixels) {
  const OpenLabelTiff open(file, maxPixels);
  return {open.width, open.height};
}

LabelImage readLabelTiff(const std::filesystem::path& file, std::int64_t maxPixels) {
  OpenLabelTiff open(file, maxPixels);
  TIFF* tiff = open.tiff;
  LibtiffMessages& messages = open.messages;
  const std::uint32_t width = open.width, height = open.height;
  const SampleType type = open.type;

  LabelImage image;
  image.width = width;
  image.height = height;
  image.labels.resize(std::size_t(image.width * image.height));
  const std::int64_t sampleBytes = type.bits / 8;
  // One block (strip or tile) at a time: rows × columns of it land at (x0, y0).
  auto place = [&](const std::vector<std::uint8_t>& block, std::int64_t x0, std::int64_t y0,
                   std::int64_t blockWidth, std::int64_t rows, std::int64_t columns) {
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < columns; ++c)
        image.labels[std::size_t((y0 + r) * image.width + x0 + c)] = labelOf(
            &block[std::size_t((r * blockWidth + c) * sampleBytes)], type, file, x0 + c, y0 + r);
  };
  auto decodeFailure = [&](const std::string& block) {
    return FileError(
        file, "cannot decode " + block + (messages.errors.empty() ? "" : ": " + messages.errors));
  };
  if (TIFFIsTiled(tiff)) {
    std::uint32_t tileWidth = 0, tileHeight = 0;
    TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tileWidth);
    TIFFGetField(tiff, TIFFTAG_TILELENGTH, &tileHeight);
    if (tileWidth == 0 || tileHeight == 0) throw FileError(file, "declares empty tiles");
    std::vector<std::uint8_t> block(std::size_t(TIFFTileSize64(tiff)));
    for (std::int64_t y0 = 0; y0 < image.height; y0 += tileHeight)
      for (std::int64_t x0 = 0; x0 < image.width; x0 += tileWidth) {
        messages.clear();
        const tmsize_t got = TIFFReadEncodedTile(
            tiff, TIFFComputeTile(tiff, std::uint32_t(x0), std::uint32_t(y0), 0, 0), block.data(),
            tmsize_t(block.size()));
        if (got != tmsize_t(block.size()))
          throw decodeFailure(tileName(y0 / tileHeight, x0 / tileWidth));
        place(block, x0, y0, tileWidth, std::min<std::int64_t>(tileHeight, image.height - y0),
              std::min<std::int64_t>(tileWidth, image.width - x0));
      }
  } else {
    std::uint32_t rowsPerStrip = 0;
    TIFFGetFieldDefaulted(tiff, TIFFTAG_ROWSPERSTRIP, &rowsPerStrip);
    rowsPerStrip = std::min(std::max<std::uint32_t>(rowsPerStrip, 1), height);
    std::vector<std::uint8_t> block(std::size_t(rowsPerStrip * image.width * sampleBytes));
    for (std::int64_t y0 = 0, strip = 0; y0 < image.height; y0 += rowsPerStrip, ++strip) {
      const std::int64_t rows = std::min<std::int64_t>(rowsPerStrip, image.height - y0);
      const auto needed = tmsize_t(rows * image.width * sampleBytes);
      messages.clear();
      if (TIFFReadEncodedStrip(tiff, std::uint32_t(strip), block.data(), needed) != needed)
        throw decodeFailure("strip " + std::to_string(strip));
      place(block, 0, y0, image.width, rows, image.width);
    }
  }
  return image;
}

}  // namespace teramind
