#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/LibtiffHandle.h is private to teramind_io"
#endif

// Private to the io library: libtiff handles whose messages are captured per handle (never
// printed), shared by the TIFF reader, its fit check and the tiled writer.

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <tiffio.h>

namespace teramind {

// What libtiff reported for one handle, instead of printing it to stderr.
struct LibtiffMessages {
  std::string errors;
  void clear() { errors.clear(); }
  void add(const char* module, const char* format, va_list args) {
    char text[512];
    std::vsnprintf(text, sizeof text, format, args);
    if (errors.size() > 1000) return;  // the first messages say what went wrong
    if (!errors.empty()) errors += "; ";
    if (module && *module) errors += std::string(module) + ": ";
    errors += text;
  }
};

// Opens with per-handle error capture (libtiff ≥ 4.5); a file opened for reading has its
// directories checked from the raw bytes first. Throws FileError with libtiff's reason.
TIFF* openTiff(const std::filesystem::path& file, const char* mode, LibtiffMessages& messages,
               const std::string& failure);

inline std::string tileName(std::int64_t row, std::int64_t col) {
  return "tile (" + std::to_string(row) + ", " + std::to_string(col) + ")";
}

}  // namespace teramind
