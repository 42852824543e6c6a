#include "io/MorphologyImageFile.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

#include "common/FileError.h"
#include "io/VolumeFile.h"

namespace teramind {

ImageExtentUm extentFromMicronToPixelTransform(const std::filesystem::path& transformCsv,
                                               std::int64_t width, std::int64_t height) {
  std::ifstream in(transformCsv);
  if (!in) throw FileError(transformCsv, "cannot be opened for reading");
  double m[3][3];
  std::string line;
  int row = 0;
  for (int lineNumber = 1; std::getline(in, line); ++lineNumber) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (row == 3)
      throw FileError(transformCsv,
                      fmt::format("line {}: a 4th row; expected a 3×3 matrix", lineNumber));
    std::istringstream values(line);
    int count = 0;
    for (double v; values >> v; ++count) {
      if (count == 3 || !std::isfinite(v))
        throw FileError(transformCsv, fmt::format("line {}: expected 3 finite numbers of a 3×3 "
                                                  "matrix",
                                                  lineNumber));
      m[row][count] = v;
    }
    if (count != 3 || !values.eof())
      throw FileError(transformCsv, fmt::format("line {}: expected 3 numbers of a 3×3 matrix, "
                                                "found '{}'",
                                                lineNumber, line.substr(0, 80)));
    ++row;
  }
  if (row != 3)
    throw FileError(transformCsv, fmt::format("holds {} rows; expected a 3×3 matrix", row));
  if (m[0][1] != 0 || m[1][0] != 0 || m[2][0] != 0 || m[2][1] != 0 || m[2][2] != 1)
    throw FileError(transformCsv, "only scale + translation transforms are supported");
  if (!(m[0][0] > 0) || !(m[1][1] > 0))
    throw FileError(transformCsv, "pixel scale must be positive");
  // pixel = scale·µm + offset  ⇒  µm = (pixel − offset) / scale
  ImageExtentUm e;
  e.xMin = -m[0][2] / m[0][0];
  e.yMin = -m[1][2] / m[1][1];
  e.xMax = (double(width) - m[0][2]) / m[0][0];
  e.yMax = (double(height) - m[1][2]) / m[1][1];
  return e;
}

Image3D<std::uint8_t> readMorphologyImage(const std::filesystem::path& image,
                                          const std::optional<ImageExtentUm>& extent) {
  if (!extent)
    throw FileError(image,
                    "has no µm extent: give one (e.g. MERSCOPE's "
                    "micron_to_mosaic_pixel_transform.csv) to place it on the transcripts");
  const VolumeHeader header = readVolumeHeader(image);
  if (header.voxelType != VoxelType::UInt8)
    throw FileError(
        image, "is " + voxelTypeName(header.voxelType) + "; stain images must be 8-bit grayscale");
  if (header.dims[2] != 1) throw FileError(image, "has several slices; expected one plane");
  if (header.channelNames.size() != 1)
    throw FileError(image, "has " + std::to_string(header.channelNames.size()) +
                               " components; expected grayscale");
  const double pixelX = (extent->xMax - extent->xMin) / double(header.dims[0]);
  const double pixelY = (extent->yMax - extent->yMin) / double(header.dims[1]);
  if (!(pixelX > 0) || !(pixelY > 0) || !std::isfinite(pixelX) || !std::isfinite(pixelY))
    throw FileError(image, "the given extent is empty");
  if (std::abs(pixelX - pixelY) > 1e-3 * pixelX)
    throw FileError(image, "the extent gives non-square pixels (" + std::to_string(pixelX) + " × " +
                               std::to_string(pixelY) + " µm)");
  Image3D<std::uint8_t> pixels = readVolumeAs<std::uint8_t>(image);
  pixels.setFrame(PhysicalFrame({extent->xMin + 0.5 * pixelX, extent->yMin + 0.5 * pixelY, 0},
                                {pixelX, pixelY, pixelX}));
  return pixels;
}

}  // namespace teramind
