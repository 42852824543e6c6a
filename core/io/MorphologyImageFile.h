#pragma once

#include <filesystem>
#include <optional>

#include "volume/Image3D.h"

namespace teramind {

// Where a stain image lies in section µm: the outer edges of its first and last pixels.
struct ImageExtentUm {
  double xMin = 0, yMin = 0, xMax = 0, yMax = 0;
};

// Reads MERSCOPE's images/micron_to_mosaic_pixel_transform.csv (a 3×3 affine, µm → pixel,
// rows on lines, values separated by spaces) and returns the extent of a w×h image under it.
// Rotation or shear is rejected: stain images are axis-aligned mosaics.
ImageExtentUm extentFromMicronToPixelTransform(const std::filesystem::path& transformCsv,
                                               std::int64_t width, std::int64_t height);

// A DAPI or PolyT stain image (JPEG, PNG or TIFF through ITK) as a one-slice uint8 volume in
// section µm: voxel (col, row) is centred at xMin + (col + ½)·pixel, yMin + (row + ½)·pixel,
// row 0 at the smallest y. An extent is required — a stain without one cannot be paired with
// transcripts. Throws FileError for an unreadable image, a non-8-bit or multi-slice image, or an
// extent that is empty or gives non-square pixels.
Image3D<std::uint8_t> readMorphologyImage(const std::filesystem::path& image,
                                          const std::optional<ImageExtentUm>& extent);

}  // namespace teramind
