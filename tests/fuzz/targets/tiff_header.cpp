// TIFF volumes (readVolumeHeader / readVolume through ITK) and the windowed stain reader
// (TiffImageReader through libtiff) on the same bytes.

#include <cstddef>
#include <cstdint>

#include "FuzzInput.h"
#include "io/TiffImage.h"
#include "io/VolumeFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile("input.tif", {reinterpret_cast<const char*>(data), size});
  fuzz::expectCleanRefusal(file, [&] { readVolumeHeader(file); });
  fuzz::expectCleanRefusal(file, [&] { readVolume(file); });
  fuzz::expectCleanRefusal(file, [&] {
    const TiffImageReader reader(file);
    // One window across the first tiles or strips: enough to decode, bounded in memory.
    reader.readWindow(0, 0, 96, 96);
  });
  return 0;
}
