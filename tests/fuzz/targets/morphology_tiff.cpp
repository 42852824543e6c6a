// Fuzzes a stain mosaic as the studio reads it: a TIFF placed by a µm → pixel transform
// (StainImageSource over TiffImageReader), then a small window, a corner window and a
// 64-pixel overview (which reads every tile once, box-averaged). Part 1 is the TIFF, part 2
// the transform (empty: MERSCOPE's 9.2 px/µm identity-offset transform). The TIFF's own pixel
// size (OME-XML, ImageJ, resolution tags) is read first, as a bare TIFF opened in the section
// explorer is.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzInput.h"
#include "io/StainImageSource.h"
#include "io/TiffPixelSize.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  const auto parts =
      fuzz::splitParts(std::string_view(reinterpret_cast<const char*>(data), size), 2);
  const auto folder = fuzz::freshScratchFolder();
  const auto image = fuzz::writeInputFile("mosaic_DAPI_z0.tif", parts[0]);
  const auto transform = fuzz::writeInputFile(
      "micron_to_mosaic_pixel_transform.csv",
      parts[1].empty() ? std::string_view("9.2 0 0\n0 9.2 0\n0 0 1\n") : parts[1]);
  fuzz::expectCleanRefusal(image, [&] {
    std::string note;
    teramind::readTiffPixelSize(image, &note);
  });
  fuzz::expectCleanRefusal(folder, [&] {
    const teramind::StainImageSource stain(image, transform);
    stain.readWindow(0, 0, 16, 16);
    stain.readWindow(stain.width() - 8, stain.height() - 8, 16, 16);
    stain.overview(64);
  });
  return 0;
}
