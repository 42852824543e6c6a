#include "sectionview/PngRowWriter.h"

#include <png.h>

#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind {

// Owns what the writer holds, so that a constructor that throws half way (members are destroyed,
// the destructor is not run) still frees libpng, closes the file and removes the temporary.
struct PngRowWriter::Png {
  std::filesystem::path temporary;
  bool created = false, renamed = false;
  std::FILE* file = nullptr;
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::vector<png_byte> row;
  char error[256] = "";

  ~Png() {
    if (png) png_destroy_write_struct(&png, info ? &info : nullptr);
    if (file) std::fclose(file);
    if (created && !renamed) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
    }
  }
};

namespace {

// libpng reports errors by longjmp back to the setjmp of the call that failed (below); the
// message is kept for the FileError.
void onPngError(png_structp png, png_const_charp message) {
  auto* error = static_cast<char*>(png_get_error_ptr(png));
  std::snprintf(error, 256, "%s", message ? message : "libpng error");
  png_longjmp(png, 1);
}
void onPngWarning(png_structp, png_const_charp) {}

// The libpng calls, each in a function of its own with nothing to destroy across the longjmp.
bool pngStart(png_structp png, png_infop info, std::FILE* file, int width, int height, bool alpha,
              png_uint_32 pixelsPerMetre) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8,
               alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (pixelsPerMetre > 0)
    png_set_pHYs(png, info, pixelsPerMetre, pixelsPerMetre, PNG_RESOLUTION_METER);
  png_set_compression_level(png, 6);
  png_write_info(png, info);
  return true;
}
bool pngRow(png_structp png, png_bytep row) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_write_row(png, row);
  return true;
}
bool pngEnd(png_structp png, png_infop info) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_write_end(png, info);
  return true;
}

}  // namespace

PngRowWriter::PngRowWriter(std::filesystem::path file, int width, int height, bool alpha,
                           double pixelUm)
    : file_(std::move(file)),
      temporary_(temporaryPathFor(file_, "png")),
      width_(width),
      height_(height),
      alpha_(alpha),
      png_(std::make_unique<Png>()) {
  if (width < 1 || height < 1 || width > 1000000 || height > 1000000)
    throw FileError(file_, "cannot write a PNG of " + std::to_string(width) + " x " +
                               std::to_string(height) + " px");
  png_->row.resize(std::size_t(width) * (alpha ? 4 : 3));
  // A killed export's temporary (named as every atomic writer's) goes on the next export there.
  removeStaleTemporariesOnce(file_.has_parent_path() ? file_.parent_path()
                                                     : std::filesystem::path("."));
  png_->temporary = temporary_;
  png_->file = std::fopen(temporary_.string().c_str(), "wb");
  if (!png_->file)
    throw FileError(
        file_, "cannot create " + temporary_.filename().string() + ": " + std::strerror(errno));
  png_->created = true;
  png_->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, png_->error, onPngError, onPngWarning);
  if (png_->png) png_->info = png_create_info_struct(png_->png);
  if (!png_->info) throw FileError(file_, "libpng could not start a PNG");
  // Pixels per metre as the PNG stores it: whole numbers, up to 2^31 − 1 (0.5 nm pixels).
  const double perMetre = pixelUm > 0 && std::isfinite(pixelUm) ? 1e6 / pixelUm : 0;
  const auto pixelsPerMetre =
      png_uint_32(perMetre >= 1 && perMetre < 2147483647.0 ? std::lround(perMetre) : 0);
  if (!pngStart(png_->png, png_->info, png_->file, width, height, alpha, pixelsPerMetre))
    throw FileError(file_, std::string("cannot write the PNG header: ") + png_->error);
}

// Png's destructor frees libpng, closes the file and removes an uncommitted temporary.
PngRowWriter::~PngRowWriter() = default;

void PngRowWriter::writeRow(const std::uint8_t* rgba) {
  if (committed_ || rowsWritten_ >= height_)
    throw FileError(file_, "more rows written than the PNG's " + std::to_string(height_));
  png_bytep row = png_->row.data();
  if (alpha_) {
    std::memcpy(row, rgba, png_->row.size());
  } else {
    for (int x = 0; x < width_; ++x) {
      row[3 * x] = rgba[4 * x];
      row[3 * x + 1] = rgba[4 * x + 1];
      row[3 * x + 2] = rgba[4 * x + 2];
    }
  }
  if (!pngRow(png_->png, row))
    throw FileError(file_, "cannot write row " + std::to_string(rowsWritten_) + ": " + png_->error);
  ++rowsWritten_;
}

void PngRowWriter::commit() {
  if (committed_) return;
  if (rowsWritten_ != height_)
    throw FileError(file_, "PNG ended after " + std::to_string(rowsWritten_) + " of " +
                               std::to_string(height_) + " rows");
  if (!pngEnd(png_->png, png_->info))
    throw FileError(file_, std::string("cannot finish the PNG: ") + png_->error);
  png_destroy_write_struct(&png_->png, &png_->info);
  const bool flushed = std::fflush(png_->file) == 0 && !std::ferror(png_->file);
  const bool closed = std::fclose(png_->file) == 0;
  png_->file = nullptr;
  if (!flushed || !closed) throw FileError(file_, "cannot write the PNG (disk full?)");
  std::error_code error;
  std::filesystem::rename(temporary_, file_, error);
  if (error) throw FileError(file_, "cannot move the finished PNG into place: " + error.message());
  png_->renamed = true;
  committed_ = true;
}

}  // namespace teramind
