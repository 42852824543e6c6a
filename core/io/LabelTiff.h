#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/LabelTiff.h is private to teramind_io (use io/SpatialDataset.h)"
#endif

#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

namespace teramind {

// A segmentation label image: one id per pixel (0 = no cell), row-major, x fastest, row 0 the
// file's first row.
struct LabelImage {
  std::int64_t width = 0, height = 0;
  std::vector<std::uint32_t> labels;

  std::uint32_t at(std::int64_t column, std::int64_t row) const {
    return labels[std::size_t(row * width + column)];
  }
};

// The most pixels one label image may hold: 2^26 (256 MiB of ids). CosMx FOVs are 4256 × 4256
// or 5472 × 3648 px (about 2^24).
inline constexpr std::int64_t kMaxLabelImagePixels = std::int64_t(1) << 26;

// Reads the first page of a label TIFF whole (striped or tiled, any compression libtiff
// decodes): one sample per pixel of 8-, 16- or 32-bit unsigned or signed integers, or 32-bit
// floats that hold whole numbers (CosMx writes its CellLabels so). The file is checked
// against its bytes before anything is allocated. Throws FileError naming the file and, for a
// bad value, the pixel: a negative, fractional or non-finite label, more than `maxPixels`
// pixels, several samples per pixel, an undecodable strip or tile.
LabelImage readLabelTiff(const std::filesystem::path& file,
                         std::int64_t maxPixels = kMaxLabelImagePixels);

// The same checks from the header alone (no pixel decoded); the image's width and height.
std::pair<std::int64_t, std::int64_t> checkLabelTiff(const std::filesystem::path& file,
                                                     std::int64_t maxPixels = kMaxLabelImagePixels);

}  // namespace teramind
