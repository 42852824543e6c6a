#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

namespace teramind {

// A PNG written row by row (libpng), so that a picture larger than memory can be saved strip by
// strip. The rows go to a temporary beside the file, renamed into place by commit(); a writer
// destroyed before commit() (an error, a cancel) removes the temporary. Errors are FileErrors
// naming the file.
class PngRowWriter {
 public:
  // `alpha`: RGBA, else RGB (the rows' alpha dropped). `pixelUm` > 0 is recorded as the
  // picture's physical pixel size (pHYs, pixels per metre), which image viewers and ImageJ read.
  PngRowWriter(std::filesystem::path file, int width, int height, bool alpha = false,
               double pixelUm = 0);
  ~PngRowWriter();
  PngRowWriter(const PngRowWriter&) = delete;
  PngRowWriter& operator=(const PngRowWriter&) = delete;

  // One row of width × 4 bytes (RGBA), top row first; height rows in all.
  void writeRow(const std::uint8_t* rgba);
  // Finishes the file (every row written) and renames it into place.
  void commit();
  const std::filesystem::path& temporary() const { return temporary_; }

 private:
  struct Png;
  std::filesystem::path file_, temporary_;
  int width_, height_, rowsWritten_ = 0;
  bool alpha_, committed_ = false;
  std::unique_ptr<Png> png_;
};

}  // namespace teramind
