#include "io/TiffImage.h"

#include <cstring>
#include <memory>
#include <vector>

#include <tiffio.h>
#include <zlib.h>
#ifdef TERAMIND_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/LibtiffHandle.h"

namespace teramind {

namespace {

// The zlib stream TIFF's deflate compression stores, at the fastest level: libdeflate when
// present (about twice zlib's speed at the same size), else zlib. Empty on failure.
std::vector<std::uint8_t> deflateFast(const void* data, std::size_t bytes) {
#ifdef TERAMIND_HAVE_LIBDEFLATE
  struct FreeCompressor {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
  };
  thread_local std::unique_ptr<libdeflate_compressor, FreeCompressor> compressor(
      libdeflate_alloc_compressor(1));
  if (!compressor) return {};
  std::vector<std::uint8_t> out(libdeflate_zlib_compress_bound(compressor.get(), bytes));
  out.resize(libdeflate_zlib_compress(compressor.get(), data, bytes, out.data(), out.size()));
  return out;
#else
  uLongf size = compressBound(uLong(bytes));
  std::vector<std::uint8_t> out(size);
  if (compress2(out.data(), &size, static_cast<const Bytef*>(data), uLong(bytes), 1) != Z_OK)
    return {};
  out.resize(size);
  return out;
#endif
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// TiledTiffWriter

struct TiledTiffWriter::Handle {
  TIFF* tiff = nullptr;
  LibtiffMessages messages;
  bool byteSwapped = false;
  bool failed = false;
  bool committed = false;

  ~Handle() {
    if (tiff) TIFFClose(tiff);
  }
};

TiledTiffWriter::TiledTiffWriter(const std::filesystem::path& file, std::int64_t width,
                                 std::int64_t height, int tile)
    : file_(file), width_(width), height_(height), tile_(tile) {
  if (width <= 0 || height <= 0 || width > 0xFFFFFFFFLL || height > 0xFFFFFFFFLL)
    throw FileError(file, "cannot write a TIFF of " + std::to_string(width) + " × " +
                              std::to_string(height) + " px");
  if (tile < 16 || tile > 8192 || tile % 16 != 0)
    throw FileError(file, "TIFF tile size " + std::to_string(tile) +
                              " must be a multiple of 16 between 16 and 8192");
  const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir)) throw FileError(file, "output directory does not exist");
  if (std::filesystem::is_directory(file)) throw FileError(file, "is a directory");
  // Named like writeFileAtomically's temporaries, so the cleaners find them; a dead writer's
  // are removed now, on the next run.
  removeStaleTemporariesOnce(dir);
  temporary_ = temporaryPathFor(file, "tiff");
  received_.assign(std::size_t(tileRows() * tileCols()), false);

  handle_ = std::make_unique<Handle>();
  handle_->tiff = openTiff(temporary_, "w8", handle_->messages, "cannot create TIFF");
  TIFF* tiff = handle_->tiff;
  const bool ok = TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, std::uint32_t(width)) &&
                  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, std::uint32_t(height)) &&
                  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 16) &&
                  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1) &&
                  TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT) &&
                  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK) &&
                  TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
                  TIFFSetField(tiff, TIFFTAG_TILEWIDTH, std::uint32_t(tile)) &&
                  TIFFSetField(tiff, TIFFTAG_TILELENGTH, std::uint32_t(tile)) &&
                  TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE) &&
                  TIFFSetField(tiff, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL) &&
                  TIFFSetField(tiff, TIFFTAG_SOFTWARE, "Tera-MIND Studio");
  if (!ok) {
    handle_.reset();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw FileError(file, "cannot set up the TIFF header");
  }
  handle_->byteSwapped = TIFFIsByteSwapped(tiff) != 0;
}

TiledTiffWriter::~TiledTiffWriter() {
  const bool committed = handle_ && handle_->committed;
  handle_.reset();  // closes an unfinished file before it is removed
  if (!committed) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

void TiledTiffWriter::writeTile(std::int64_t tileRow, std::int64_t tileCol,
                                const std::vector<std::uint16_t>& pixels) {
  if (tileRow < 0 || tileCol < 0 || tileRow >= tileRows() || tileCol >= tileCols())
    throw FileError(file_, tileName(tileRow, tileCol) + " lies outside the grid of " +
                               std::to_string(tileRows()) + " × " + std::to_string(tileCols()) +
                               " tiles");
  const std::size_t tilePixels = std::size_t(tile_) * std::size_t(tile_);
  if (pixels.size() != tilePixels)
    throw FileError(file_, tileName(tileRow, tileCol) + " has " + std::to_string(pixels.size()) +
                               " values; expected " + std::to_string(tile_) + " × " +
                               std::to_string(tile_));

  // Compressed here, outside the lock, so tiles rendered on several threads compress in
  // parallel; libtiff then only appends the bytes. Horizontal differencing (TIFF predictor 2)
  // first: neighbouring stain pixels are close, so differences deflate far better.
  const std::int64_t validWidth = std::min<std::int64_t>(tile_, width_ - tileCol * tile_);
  const std::int64_t validHeight = std::min<std::int64_t>(tile_, height_ - tileRow * tile_);
  std::vector<std::uint16_t> predicted(tilePixels, 0);  // outside the image: 0, deflates away
  for (std::int64_t y = 0; y < validHeight; ++y) {
    const std::uint16_t* in = pixels.data() + y * tile_;
    std::uint16_t* out = predicted.data() + y * tile_;
    out[0] = in[0];
    for (std::int64_t x = 1; x < validWidth; ++x) out[x] = std::uint16_t(in[x] - in[x - 1]);
  }
  if (handle_->byteSwapped) TIFFSwabArrayOfShort(predicted.data(), tmsize_t(tilePixels));
  std::vector<std::uint8_t> compressed = deflateFast(predicted.data(), tilePixels * 2);
  if (compressed.empty()) throw FileError(file_, "cannot deflate " + tileName(tileRow, tileCol));

  std::lock_guard<std::mutex> lock(mutex_);
  Handle& h = *handle_;
  if (h.committed) throw FileError(file_, "TIFF already committed; cannot add tiles");
  if (h.failed) throw FileError(file_, "an earlier TIFF write failed");
  const std::int64_t arrived = tileRow * tileCols() + tileCol;
  if (received_[std::size_t(arrived)])
    throw FileError(file_, tileName(tileRow, tileCol) + " was already written");
  received_[std::size_t(arrived)] = true;
  waiting_.emplace(arrived, std::move(compressed));
  // Appended in tile order, whatever order tiles arrive in, so the file's bytes do not depend
  // on which thread finished first; early tiles wait here, compressed.
  for (auto next = waiting_.begin(); next != waiting_.end() && next->first == appended_;
       next = waiting_.erase(next), ++appended_) {
    const std::int64_t row = appended_ / tileCols(), col = appended_ % tileCols();
    h.messages.clear();
    const ttile_t index =
        TIFFComputeTile(h.tiff, std::uint32_t(col * tile_), std::uint32_t(row * tile_), 0, 0);
    const auto size = tmsize_t(next->second.size());
    if (TIFFWriteRawTile(h.tiff, index, next->second.data(), size) != size) {
      h.failed = true;
      throw FileError(file_, "cannot write " + tileName(row, col) +
                                 (h.messages.errors.empty() ? "" : ": " + h.messages.errors));
    }
  }
}

void TiledTiffWriter::commit() {
  std::lock_guard<std::mutex> lock(mutex_);
  Handle& h = *handle_;
  if (h.committed) return;
  if (h.failed) throw FileError(file_, "an earlier TIFF write failed; nothing committed");
  const auto missing = std::count(received_.begin(), received_.end(), false);
  if (missing > 0) {
    const auto first = std::find(received_.begin(), received_.end(), false) - received_.begin();
    throw FileError(file_, std::to_string(missing) + " of " + std::to_string(received_.size()) +
                               " tiles were never written, the first " +
                               tileName(first / tileCols(), first % tileCols()));
  }
  h.messages.clear();
  if (!TIFFFlush(h.tiff)) {
    h.failed = true;
    throw FileError(file_, "cannot write the TIFF directory" +
                               (h.messages.errors.empty() ? "" : ": " + h.messages.errors));
  }
  TIFFClose(h.tiff);
  h.tiff = nullptr;
  std::error_code renamed;
  std::filesystem::rename(temporary_, file_, renamed);
  if (renamed) {
    h.failed = true;
    throw FileError(file_, "cannot be replaced: " + renamed.message());
  }
  h.committed = true;
}

}  // namespace teramind
