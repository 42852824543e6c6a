#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "io/MorphologyImageFile.h"
#include "volume/Image3D.h"

namespace teramind {

class TiffImageReader;
class ZarrImagePlane;

// One channel of an OME-Zarr image placed in section µm (a SpatialData image element): level
// 0's array inside the image's folder, its axis names in order, the channel, the z index (3D
// images), and its extent.
struct ZarrImageChannel {
  std::string array = "0";
  std::vector<std::string> axes;
  int channel = 0;
  ImageExtentUm extent;
  int z = 0;
};

// A DAPI/PolyT stain image placed in section µm, read by window: a TIFF (tiled or striped,
// BigTIFF, 8- or 16-bit) through libtiff, so a mosaic of tens of GB is never read whole;
// other formats (the demo's JPEG/PNG) through ITK, whole, as they are small.
//
// 16-bit mosaics are shown on the 8-bit scale the model uses: a value of intensityMax() or
// more is 255, linearly below. intensityMax() is the 99.9th percentile of the non-zero pixels of
// up to 64 windows spread evenly over the image (deterministic, and a handful of tile reads
// however large the mosaic).
class StainImageSource {
 public:
  // Placed by MERSCOPE's micron_to_mosaic_pixel_transform.csv (µm → pixel). Throws FileError
  // without a transform, for an unreadable image, one that is not one-channel 8/16-bit, or a
  // transform that gives an empty extent or non-square pixels.
  StainImageSource(const std::filesystem::path& image,
                   const std::optional<std::filesystem::path>& micronToPixelTransform);
  // Placed by a pixel size alone: µm = pixel × pixelUm, pixel (0, 0)'s outer corner at µm
  // (0, 0), as 10x Xenium's morphology images are. Throws FileError as above, or for a pixel
  // size that is not finite and positive.
  StainImageSource(const std::filesystem::path& image, double pixelUm);
  // One channel of an OME-Zarr image's level 0 (8- or 16-bit, any chunks; io/ZarrImagePlane.h),
  // at `channel`'s extent. Throws FileError as above, or for a header it does not read.
  StainImageSource(const std::filesystem::path& omeZarrImage, const ZarrImageChannel& channel);
  ~StainImageSource();
  StainImageSource(StainImageSource&&) noexcept;
  StainImageSource& operator=(StainImageSource&&) noexcept;

  const std::filesystem::path& file() const { return file_; }
  const ImageExtentUm& extent() const { return extent_; }
  double pixelUm() const { return pixelUm_; }
  std::int64_t width() const { return width_; }
  std::int64_t height() const { return height_; }
  int bitsPerSample() const { return bits_; }
  int intensityMax() const;

  // The 8-bit values of the window [x0, x0 + w) × [y0, y0 + h) px (0 outside the image).
  std::vector<std::uint8_t> readWindow(std::int64_t x0, std::int64_t y0, std::int64_t w,
                                       std::int64_t h) const;

  // Box average onto a lattice of w × h pixels of `pixelUm` whose pixel (0, 0) has its outer
  // corner at (x0Um, y0Um): out[y·w + x] = mean/127.5 − 1 over the source pixels the output
  // pixel covers, −1 where it covers none. Reads the source in blocks of at most ~8 Mpx.
  void resample(double x0Um, double y0Um, double pixelUm, int w, int h, float* out) const;

  // The whole image box-averaged so that its longer side is at most `maxSide` pixels, as a
  // one-slice volume in section µm (see readMorphologyImage for the frame).
  Image3D<std::uint8_t> overview(int maxSide) const;

 private:
  std::filesystem::path file_;
  ImageExtentUm extent_;
  double pixelUm_ = 1;
  std::int64_t width_ = 0, height_ = 0;
  int bits_ = 8;
  struct IntensityScale {
    std::once_flag once;
    int value = 255;
  };
  std::unique_ptr<IntensityScale> scale_ = std::make_unique<IntensityScale>();
  std::unique_ptr<TiffImageReader> tiff_;         // TIFF files
  std::unique_ptr<Image3D<std::uint8_t>> whole_;  // everything else, read whole
  std::unique_ptr<ZarrImagePlane> zarr_;          // Zarr arrays (SpatialData images)
  // The raw 8- or 16-bit values of a window of the TIFF or Zarr image.
  std::vector<std::uint16_t> readValues(std::int64_t x0, std::int64_t y0, std::int64_t w,
                                        std::int64_t h) const;

  // Opens the image and places it where `extentOf(width, height)` says.
  template <typename ExtentOf>
  void open(ExtentOf extentOf);
};

// Whether a file is read through libtiff (by its name: .tif, .tiff, .btf).
bool isTiffFile(const std::filesystem::path& file);

}  // namespace teramind
