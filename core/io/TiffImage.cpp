#include "io/TiffImage.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <list>
#include <system_error>
#include <unordered_map>

#include <tiffio.h>
#include <unistd.h>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/LibtiffHandle.h"

namespace teramind {

namespace {

// A tile or strip larger than this decoded is refused rather than allocated: real mosaics use
// tiles of 256–1024 px or strips of a few rows (libtiff splits uncompressed single-strip images
// into small virtual strips itself).
constexpr std::int64_t kMaxBlockBytes = std::int64_t(512) << 20;
// A window is one allocation of 16-bit values; beyond this it is a caller's mistake.
constexpr std::int64_t kMaxWindowPixels = std::int64_t(1) << 31;

std::string compressionName(std::uint16_t compression) {
  switch (compression) {
    case COMPRESSION_NONE:
      return "none";
    case COMPRESSION_LZW:
      return "lzw";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
      return "deflate";
    case COMPRESSION_PACKBITS:
      return "packbits";
    case COMPRESSION_JPEG:
    case COMPRESSION_OJPEG:
      return "jpeg";
    case COMPRESSION_ZSTD:
      return "zstd";
    case COMPRESSION_LZMA:
      return "lzma";
    case COMPRESSION_WEBP:
      return "webp";
    case COMPRESSION_JXL:
      return "jxl";
    case COMPRESSION_CCITTRLE:
    case COMPRESSION_CCITTFAX3:
    case COMPRESSION_CCITTFAX4:
      return "ccitt";
    default:
      return "code " + std::to_string(compression);
  }
}

std::string photometricName(std::uint16_t photometric) {
  switch (photometric) {
    case PHOTOMETRIC_MINISWHITE:
      return "min-is-white (inverted grayscale)";
    case PHOTOMETRIC_RGB:
      return "RGB";
    case PHOTOMETRIC_PALETTE:
      return "palette colour";
    case PHOTOMETRIC_MASK:
      return "transparency mask";
    case PHOTOMETRIC_SEPARATED:
      return "CMYK";
    case PHOTOMETRIC_YCBCR:
      return "YCbCr";
    case PHOTOMETRIC_CIELAB:
    case PHOTOMETRIC_ICCLAB:
    case PHOTOMETRIC_ITULAB:
      return "Lab colour";
    default:
      return "photometric code " + std::to_string(photometric);
  }
}

std::string sampleFormatName(std::uint16_t format) {
  switch (format) {
    case SAMPLEFORMAT_INT:
      return "signed integer";
    case SAMPLEFORMAT_IEEEFP:
      return "floating point";
    case SAMPLEFORMAT_COMPLEXINT:
    case SAMPLEFORMAT_COMPLEXIEEEFP:
      return "complex";
    default:
      return "sample format code " + std::to_string(format);
  }
}

// The most one encoded byte can decode to, by compression, so a header cannot declare more
// pixels than its bytes could ever produce:
//   none      1:1 exactly (each block must hold at least its decoded size);
//   packbits  64:1 (a 2-byte run decodes to at most 128 bytes);
//   deflate   1032:1 (zlib's maximum: a 258-byte match costs at least 2 bits);
//   lzw       2731:1 (a code is at least 9 bits and yields at most 4096 bytes; 12-bit codes
//             are the worst case: 4096 × 8 / 12);
//   jpeg      2048:1 (each 8 × 8 block costs at least 1 bit in its DC scan: 512:1 for 8-bit
//             samples, doubled for 12-bit samples held in 16 bits and again for chroma
//             upsampling);
//   zstd      32768:1 (a 4-byte RLE block decodes to at most 128 KiB);
//   others (lzma, webp, jxl, ccitt …) have no simple published bound: 65536:1, still far
//   below the millions to one that a crafted header claims.
std::int64_t maxExpansion(std::uint16_t compression) {
  switch (compression) {
    case COMPRESSION_NONE:
      return 1;
    case COMPRESSION_PACKBITS:
      return 64;
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
      return 1032;
    case COMPRESSION_LZW:
      return 2731;
    case COMPRESSION_JPEG:
    case COMPRESSION_OJPEG:
      return 2048;
    case COMPRESSION_ZSTD:
      return 32768;
    default:
      return 65536;
  }
}

std::string withThousands(std::uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// How the current directory of a TIFF lays out its tiles or strips ("blocks"), and what each
// may decode to.
struct BlockLayout {
  bool tiled = false;
  std::uint16_t compression = COMPRESSION_NONE;
  std::int64_t expansion = 1;  // maxExpansion(compression)
  std::uint64_t count = 0, tilesAcross = 1, strilesPerPlane = 1;
  std::uint32_t height = 0, rowsPerStrip = 0;
  std::int64_t tileBytes = 0;   // one decoded tile
  std::int64_t imageBytes = 0;  // the whole directory decoded

  std::string name(std::uint64_t index) const {
    if (!tiled) return "strip " + std::to_string(index);
    return tileName(std::int64_t(index / tilesAcross), std::int64_t(index % tilesAcross));
  }

  // Why block `index` cannot be decoded from the file's bytes; empty when it can.
  std::string problem(TIFF* tiff, std::uint64_t index, std::uint64_t fileSize) const {
    int error = 0;
    const std::uint64_t offset = TIFFGetStrileOffsetWithErr(tiff, std::uint32_t(index), &error);
    const std::uint64_t bytes = TIFFGetStrileByteCountWithErr(tiff, std::uint32_t(index), &error);
    if (error || offset == 0 || bytes == 0) return "it holds no bytes";
    if (offset > fileSize || bytes > fileSize - offset)
      return "its " + withThousands(bytes) + " bytes at byte offset " + withThousands(offset) +
             " lie outside the file of " + withThousands(fileSize) + " bytes";
    std::int64_t decoded = tileBytes;
    if (!tiled) {
      const std::uint64_t firstRow = (index % strilesPerPlane) * rowsPerStrip;
      const auto rows = std::uint32_t(std::min<std::uint64_t>(rowsPerStrip, height - firstRow));
      decoded = std::int64_t(TIFFVStripSize64(tiff, rows));
    }
    if (std::uint64_t(decoded) > bytes * std::uint64_t(expansion))
      return "its " + withThousands(bytes) + " bytes cannot decode to its " +
             withThousands(std::uint64_t(decoded)) + " bytes with compression " +
             compressionName(compression) +
             (expansion == 1 ? "" : " (at most " + std::to_string(expansion) + ":1)");
    return {};
  }
};

// What the current directory of `tiff` declares, checked against the `fileSize` bytes its file
// holds before anything is allocated for its pixels: its decoded size within the file size
// times its compression's expansion bound, and no more tiles or strips than the file can index.
// `page` prefixes messages ("TIFF", "TIFF page 3").
BlockLayout checkDeclaredSize(TIFF* tiff, const std::filesystem::path& file, std::uint64_t fileSize,
                              const std::string& page) {
  BlockLayout layout;
  std::uint32_t width = 0, height = 0;
  TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
  std::uint16_t samples = 1, bits = 1;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_COMPRESSION, &layout.compression);
  if (width == 0 || height == 0) throw FileError(file, page + ": zero width or height");
  layout.tiled = TIFFIsTiled(tiff) != 0;
  layout.height = height;
  layout.expansion = maxExpansion(layout.compression);
  const std::string blocks = layout.tiled ? "tiles" : "strips";

  // (2^32 - 1) × (2^16 - 1)² < 2^64: the bits of one row fit; the image is compared by division.
  const std::uint64_t rowBits = std::uint64_t(width) * samples * bits;
  const std::uint64_t rowBytes = rowBits / 8 + (rowBits % 8 != 0);
  const std::uint64_t producible = fileSize * std::uint64_t(layout.expansion);  // < 2^63
  if (rowBytes > producible / height)
    throw FileError(file, page + ": declares " + std::to_string(width) + " × " +
                              std::to_string(height) + " px of " + std::to_string(samples) + " × " +
                              std::to_string(bits) + "-bit samples (" + withThousands(rowBytes) +
                              " bytes a row), but its " + withThousands(fileSize) +
                              "-byte file can decode to at most " + withThousands(producible) +
                              " bytes with compression " + compressionName(layout.compression) +
                              " (" + std::to_string(layout.expansion) + ":1)");
  layout.imageBytes = std::int64_t(rowBytes * height);

  layout.count = layout.tiled ? TIFFNumberOfTiles(tiff) : TIFFNumberOfStrips(tiff);
  // Each needs at least a 4-byte offset in the file (its byte count needs more still).
  if (layout.count == 0 || (layout.count > 1 && layout.count > fileSize / 4))
    throw FileError(file, page + ": lists " + withThousands(layout.count) + " " + blocks +
                              ", more than its " + withThousands(fileSize) +
                              "-byte file can index");
  if (layout.tiled) {
    std::uint32_t tileWidth = 0;
    TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tileWidth);
    layout.tilesAcross = std::max<std::uint64_t>(
        1, tileWidth ? (std::uint64_t(width) + tileWidth - 1) / tileWidth : 1);
    layout.tileBytes = std::int64_t(TIFFTileSize64(tiff));
  } else {
    TIFFGetFieldDefaulted(tiff, TIFFTAG_ROWSPERSTRIP, &layout.rowsPerStrip);
    if (layout.rowsPerStrip == 0) throw FileError(file, page + ": zero rows per strip");
    layout.strilesPerPlane =
        (std::uint64_t(height) + layout.rowsPerStrip - 1) / layout.rowsPerStrip;
  }
  return layout;
}

// Every tile or strip of the current directory can be decoded from the file: inside it,
// present (the missing ones are counted), and within its compression's expansion bound.
void checkEveryBlock(TIFF* tiff, const BlockLayout& layout, const std::filesystem::path& file,
                     std::uint64_t fileSize, const std::string& page) {
  std::uint64_t missing = 0, firstMissing = 0;
  for (std::uint64_t index = 0; index < layout.count; ++index) {
    const std::string problem = layout.problem(tiff, index, fileSize);
    if (problem == "it holds no bytes") {
      if (missing++ == 0) firstMissing = index;
    } else if (!problem.empty()) {
      throw FileError(file, page + ": " + layout.name(index) + ": " + problem);
    }
  }
  if (missing > 0)
    throw FileError(file, page + ": " + withThousands(missing) + " of " +
                              withThousands(layout.count) + (layout.tiled ? " tiles" : " strips") +
                              " hold no bytes, the first " + layout.name(firstMissing));
}

std::uint64_t fileSizeOf(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) throw FileError(file, "cannot read its size: " + error.message());
  // Files beyond 2^47 bytes (128 TiB) do not exist here; it keeps size × 65536 in 64 bits.
  if (size >= (std::uintmax_t(1) << 47)) throw FileError(file, "is larger than 128 TiB");
  return size;
}

}  // namespace

std::int64_t checkTiffFitsFile(const std::filesystem::path& file, std::int64_t maxDecodedBytes) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw FileError(
        file, std::filesystem::exists(file, error) ? "is not a regular file" : "does not exist");
  const std::uint64_t fileSize = fileSizeOf(file);
  LibtiffMessages messages;
  TIFF* tiff = openTiff(file, "rm", messages, "is not a readable TIFF image");
  struct Close {
    TIFF* tiff;
    ~Close() { TIFFClose(tiff); }
  } close{tiff};
  // A z-stack is read whole into one buffer as pages × the largest page (ITK sizes it by the
  // first page; the largest bounds both).
  std::int64_t pages = 0, largestPage = 0;
  while (true) {
    ++pages;
    const std::string page = "TIFF page " + std::to_string(pages);
    const BlockLayout layout = checkDeclaredSize(tiff, file, fileSize, page);
    checkEveryBlock(tiff, layout, file, fileSize, page);
    largestPage = std::max(largestPage, layout.imageBytes);
    if (largestPage > maxDecodedBytes / pages)
      throw FileError(file, page + ": " + std::to_string(pages) + " pages of up to " +
                                withThousands(std::uint64_t(largestPage)) +
                                " bytes decoded exceed the " +
                                withThousands(std::uint64_t(maxDecodedBytes)) +
                                "-byte limit on reading a whole TIFF");
    if (TIFFLastDirectory(tiff)) break;
    messages.clear();
    if (!TIFFReadDirectory(tiff))
      throw FileError(file, "TIFF page " + std::to_string(pages + 1) + ": unreadable directory" +
                                (messages.errors.empty() ? "" : " (" + messages.errors + ")"));
  }
  return largestPage * pages;
}

// ---------------------------------------------------------------------------------------------
// TiffImageReader

struct TiffImageReader::Handle {
  TIFF* tiff = nullptr;
  LibtiffMessages messages;
  std::int64_t blockBytes = 0;  // one decoded tile, or one full strip
  std::int64_t blocksAcross = 1;
  // Uncompressed data (MERSCOPE mosaics) is read straight from the file, only the window's
  // part of each row: a 512-px window of a 100 000-px-wide mosaic with one-row strips would
  // otherwise read 100 MB.
  bool uncompressed = false;
  bool byteSwapped = false;
  std::uint64_t fileSize = 0;  // at open
  BlockLayout layout;

  // Least recently used decoded blocks, by tile or strip index.
  std::list<std::uint32_t> recency;  // most recent first
  struct Cached {
    std::vector<std::uint8_t> bytes;
    std::list<std::uint32_t>::iterator position;
  };
  std::unordered_map<std::uint32_t, Cached> cache;
  std::int64_t cachedBytes = 0;

  ~Handle() {
    if (tiff) TIFFClose(tiff);
  }
};

TiffImageReader::TiffImageReader(const std::filesystem::path& file, std::int64_t blockCacheBytes)
    : TiffImageReader(file, SubImage{}, blockCacheBytes) {}

TiffImageReader::TiffImageReader(const std::filesystem::path& file, SubImage image,
                                 std::int64_t blockCacheBytes)
    : file_(file), blockCacheBytes_(blockCacheBytes), handle_(std::make_unique<Handle>()) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw FileError(
        file, std::filesystem::exists(file, error) ? "is not a regular file" : "does not exist");
  // "m": read(), not a memory map, so a file truncated while open gives an error, not SIGBUS.
  handle_->tiff = openTiff(file, "rm", handle_->messages, "is not a readable TIFF image");
  TIFF* tiff = handle_->tiff;
  {
    std::uint16_t count = 0;
    std::uint64_t* offsets = nullptr;  // libtiff's, valid until the directory changes
    if (TIFFGetField(tiff, TIFFTAG_SUBIFD, &count, &offsets) != 1 || !offsets) count = 0;
    const int subImage = image.index;
    if (subImage < 0 || subImage > count)
      throw FileError(file, "TIFF has no reduced-resolution image " + std::to_string(subImage) +
                                " (its first page has " + std::to_string(count) + ")");
    info_.subImages = subImage == 0 ? count : 0;
    if (subImage > 0 && !TIFFSetSubDirectory(tiff, offsets[subImage - 1]))
      throw FileError(
          file,
          "cannot read reduced-resolution image " + std::to_string(subImage) +
              (handle_->messages.errors.empty() ? std::string() : ": " + handle_->messages.errors));
  }

  std::uint32_t width = 0, height = 0;
  TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
  if (width == 0 || height == 0)
    throw FileError(file, "TIFF image has a zero width or height (" + std::to_string(width) +
                              " × " + std::to_string(height) + ")");
  std::uint16_t samples = 1, bits = 1, format = SAMPLEFORMAT_UINT, compression = 1;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &format);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_COMPRESSION, &compression);
  std::uint16_t photometric = PHOTOMETRIC_MINISBLACK;
  const bool hasPhotometric = TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric) == 1;
  if (samples != 1)
    throw FileError(file, "TIFF image has " + std::to_string(samples) +
                              " samples per pixel; only single-channel grayscale is supported");
  if (hasPhotometric && photometric != PHOTOMETRIC_MINISBLACK)
    throw FileError(file, "TIFF image is " + photometricName(photometric) +
                              "; only min-is-black grayscale is supported");
  if (format != SAMPLEFORMAT_UINT && format != SAMPLEFORMAT_VOID)
    throw FileError(file, "TIFF image holds " + sampleFormatName(format) +
                              " samples; only 8- or 16-bit unsigned integers are supported");
  if (bits != 8 && bits != 16)
    throw FileError(file, "TIFF image has " + std::to_string(bits) +
                              " bits per sample; only 8 or 16 are supported");
  if (!TIFFIsCODECConfigured(compression))
    throw FileError(file, "TIFF compression " + compressionName(compression) +
                              " is not supported by this libtiff build");

  info_.width = width;
  info_.height = height;
  info_.bitsPerSample = bits;
  info_.tiled = TIFFIsTiled(tiff) != 0;
  info_.bigTiff = TIFFIsBigTIFF(tiff) != 0;
  info_.compression = compressionName(compression);
  if (info_.tiled) {
    std::uint32_t tileWidth = 0, tileHeight = 0;
    TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tileWidth);
    TIFFGetField(tiff, TIFFTAG_TILELENGTH, &tileHeight);
    if (tileWidth == 0 || tileHeight == 0)
      throw FileError(file, "TIFF tile size is zero (" + std::to_string(tileWidth) + " × " +
                                std::to_string(tileHeight) + ")");
    info_.blockWidth = tileWidth;
    info_.blockHeight = tileHeight;
    handle_->blocksAcross = (info_.width + tileWidth - 1) / tileWidth;
  } else {
    std::uint32_t rowsPerStrip = 0;
    TIFFGetFieldDefaulted(tiff, TIFFTAG_ROWSPERSTRIP, &rowsPerStrip);
    if (rowsPerStrip == 0) throw FileError(file, "TIFF has zero rows per strip");
    info_.blockWidth = info_.width;
    info_.blockHeight = std::min<std::int64_t>(rowsPerStrip, info_.height);
  }
  handle_->uncompressed = compression == COMPRESSION_NONE;
  handle_->byteSwapped = TIFFIsByteSwapped(tiff) != 0;
  const std::int64_t rowBytes = info_.blockWidth * (bits / 8);  // ≤ 2^33: no overflow below
  handle_->blockBytes = info_.blockHeight > kMaxBlockBytes / rowBytes
                            ? kMaxBlockBytes + 1
                            : rowBytes * info_.blockHeight;
  if (handle_->blockBytes > kMaxBlockBytes && !handle_->uncompressed)
    throw FileError(file, std::string("TIFF ") + (info_.tiled ? "tiles" : "strips") + " of " +
                              std::to_string(info_.blockWidth) + " × " +
                              std::to_string(info_.blockHeight) +
                              " px are too large to decode one at a time (limit " +
                              std::to_string(kMaxBlockBytes >> 20) + " MB)");
  // Uncompressed blocks are read in place, row by row; still, offsets within one are computed in
  // 64 bits, so a block beyond 1 TiB (only a crafted header declares one) is refused.
  if (handle_->uncompressed && info_.blockHeight > (std::int64_t(1) << 40) / rowBytes)
    throw FileError(file, std::string("TIFF ") + (info_.tiled ? "tiles" : "strips") + " of " +
                              std::to_string(info_.blockWidth) + " × " +
                              std::to_string(info_.blockHeight) + " px exceed 1 TiB each");
  const std::int64_t expected =
      info_.tiled
          ? handle_->blocksAcross * ((info_.height + info_.blockHeight - 1) / info_.blockHeight)
          : (info_.height + info_.blockHeight - 1) / info_.blockHeight;
  const std::int64_t present = info_.tiled ? TIFFNumberOfTiles(tiff) : TIFFNumberOfStrips(tiff);
  if (present != expected)
    throw FileError(file, "TIFF lists " + std::to_string(present) + " " +
                              (info_.tiled ? "tiles" : "strips") + " where its size needs " +
                              std::to_string(expected));
  // The declared image must fit what the file can decode to; each block is checked as a window
  // first needs it, so one damaged tile leaves the others readable.
  handle_->fileSize = fileSizeOf(file);
  handle_->layout = checkDeclaredSize(tiff, file, handle_->fileSize, "TIFF");
}

TiffImageReader::~TiffImageReader() = default;

std::vector<std::uint16_t> TiffImageReader::readWindow(std::int64_t x0, std::int64_t y0,
                                                       std::int64_t width,
                                                       std::int64_t height) const {
  if (width < 0 || height < 0)
    throw FileError(file_, "window of negative size " + std::to_string(width) + " × " +
                               std::to_string(height) + " requested");
  constexpr std::int64_t kFarOut = std::int64_t(1) << 40;  // keeps x0 + width from overflowing
  if (x0 < -kFarOut || x0 > kFarOut || y0 < -kFarOut || y0 > kFarOut)
    throw FileError(file_, "window origin " + std::to_string(x0) + ", " + std::to_string(y0) +
                               " is far outside any image");
  if (width > kMaxWindowPixels || height > kMaxWindowPixels ||
      (width > 0 && height > kMaxWindowPixels / width))
    throw FileError(file_, "window of " + std::to_string(width) + " × " + std::to_string(height) +
                               " px requested; read windows of at most 2^31 px");
  std::vector<std::uint16_t> window(std::size_t(width * height), 0);
  // The part of the window inside the image; the rest stays 0.
  const std::int64_t left = std::max<std::int64_t>(x0, 0);
  const std::int64_t top = std::max<std::int64_t>(y0, 0);
  const std::int64_t right = std::min(x0 + width, info_.width);
  const std::int64_t bottom = std::min(y0 + height, info_.height);
  if (left >= right || top >= bottom) return window;

  std::lock_guard<std::mutex> lock(mutex_);
  Handle& h = *handle_;
  const std::int64_t blockWidth = info_.blockWidth, blockHeight = info_.blockHeight;

  auto blockName = [&](std::int64_t blockRow, std::int64_t blockCol) {
    return info_.tiled ? tileName(blockRow, blockCol) : "strip " + std::to_string(blockRow);
  };
  // The decoded bytes of one tile or strip, from the cache or libtiff.
  auto block = [&](std::int64_t blockRow,
                   std::int64_t blockCol) -> const std::vector<std::uint8_t>& {
    const auto index = std::uint32_t(blockRow * h.blocksAcross + blockCol);
    if (auto found = h.cache.find(index); found != h.cache.end()) {
      h.recency.splice(h.recency.begin(), h.recency, found->second.position);
      return found->second.bytes;
    }
    // Its bytes are read whole before libtiff decodes them: they must be in the file, and no
    // more than its compression can expand.
    if (const std::string problem = h.layout.problem(h.tiff, index, h.fileSize); !problem.empty())
      throw FileError(file_, "cannot decode " + blockName(blockRow, blockCol) + ": " + problem);
    std::vector<std::uint8_t> bytes(std::size_t(h.blockBytes));
    h.messages.clear();
    if (info_.tiled) {
      const tmsize_t got = TIFFReadEncodedTile(h.tiff, index, bytes.data(), tmsize_t(bytes.size()));
      if (got != tmsize_t(bytes.size()))
        throw FileError(file_, "cannot decode " + tileName(blockRow, blockCol) +
                                   (h.messages.errors.empty() ? "" : ": " + h.messages.errors));
    } else {
      const std::int64_t rows = std::min(blockHeight, info_.height - blockRow * blockHeight);
      const tmsize_t needed = tmsize_t(rows * blockWidth * (info_.bitsPerSample / 8));
      const tmsize_t got = TIFFReadEncodedStrip(h.tiff, index, bytes.data(), needed);
      if (got != needed)
        throw FileError(file_, "cannot decode strip " + std::to_string(index) +
                                   (h.messages.errors.empty() ? "" : ": " + h.messages.errors));
    }
    while (!h.recency.empty() && h.cachedBytes + h.blockBytes > blockCacheBytes_) {
      h.cachedBytes -= h.blockBytes;
      h.cache.erase(h.recency.back());
      h.recency.pop_back();
    }
    h.recency.push_front(index);
    h.cachedBytes += h.blockBytes;
    auto& cached = h.cache[index];
    cached.bytes = std::move(bytes);
    cached.position = h.recency.begin();
    return cached.bytes;
  };

  const int sampleBytes = info_.bitsPerSample / 8;
  std::vector<std::uint8_t> rowBytes;  // 8-bit rows read directly, before widening
  // Row segments of uncompressed blocks, straight from the file.
  auto readRows = [&](std::int64_t blockRow, std::int64_t blockCol, std::int64_t cx0,
                      std::int64_t cx1, std::int64_t cy0, std::int64_t cy1) {
    const auto index = std::uint32_t(blockRow * h.blocksAcross + blockCol);
    int error = 0;
    const std::uint64_t offset = TIFFGetStrileOffsetWithErr(h.tiff, index, &error);
    const std::uint64_t byteCount = TIFFGetStrileByteCountWithErr(h.tiff, index, &error);
    const std::int64_t bx = blockCol * blockWidth, by = blockRow * blockHeight;
    const std::uint64_t needed =
        std::uint64_t(((cy1 - 1 - by) * blockWidth + (cx1 - bx)) * sampleBytes);
    if (error || offset == 0 || byteCount < needed)
      throw FileError(file_, "cannot read " + blockName(blockRow, blockCol) + ": it holds " +
                                 std::to_string(byteCount) + " bytes where its pixels need " +
                                 std::to_string(needed));
    const auto segmentBytes = std::size_t((cx1 - cx0) * sampleBytes);
    rowBytes.resize(segmentBytes);
    for (std::int64_t y = cy0; y < cy1; ++y) {
      std::uint16_t* out = window.data() + (y - y0) * width + (cx0 - x0);
      auto* target = sampleBytes == 2 ? reinterpret_cast<std::uint8_t*>(out) : rowBytes.data();
      const auto at =
          off_t(offset + std::uint64_t(((y - by) * blockWidth + (cx0 - bx)) * sampleBytes));
      std::size_t done = 0;
      while (done < segmentBytes) {
        const ssize_t got =
            ::pread(TIFFFileno(h.tiff), target + done, segmentBytes - done, at + off_t(done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0)
          throw FileError(file_, "cannot read " + blockName(blockRow, blockCol) + " row " +
                                     std::to_string(y) + " at byte offset " +
                                     std::to_string(at + off_t(done)) +
                                     (got == 0 ? ": the file ends there (truncated?)"
                                               : ": " + std::string(std::strerror(errno))));
        done += std::size_t(got);
      }
      if (sampleBytes == 1)
        std::copy(rowBytes.begin(), rowBytes.end(), out);
      else if (h.byteSwapped)
        TIFFSwabArrayOfShort(out, tmsize_t(cx1 - cx0));
    }
  };

  for (std::int64_t blockRow = top / blockHeight; blockRow <= (bottom - 1) / blockHeight;
       ++blockRow)
    for (std::int64_t blockCol = left / blockWidth; blockCol <= (right - 1) / blockWidth;
         ++blockCol) {
      const std::int64_t bx = blockCol * blockWidth, by = blockRow * blockHeight;
      const std::int64_t cx0 = std::max(left, bx), cx1 = std::min(right, bx + blockWidth);
      const std::int64_t cy0 = std::max(top, by), cy1 = std::min(bottom, by + blockHeight);
      if (h.uncompressed) {
        readRows(blockRow, blockCol, cx0, cx1, cy0, cy1);
        continue;
      }
      const std::vector<std::uint8_t>& bytes = block(blockRow, blockCol);
      for (std::int64_t y = cy0; y < cy1; ++y) {
        std::uint16_t* out = window.data() + (y - y0) * width + (cx0 - x0);
        const std::int64_t first = (y - by) * blockWidth + (cx0 - bx);
        if (info_.bitsPerSample == 16)
          std::memcpy(out, bytes.data() + first * 2, std::size_t(cx1 - cx0) * 2);
        else
          std::copy(bytes.begin() + first, bytes.begin() + first + (cx1 - cx0), out);
      }
    }
  return window;
}

}  // namespace teramind
