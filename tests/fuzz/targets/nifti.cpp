// The NIfTI-1 reader (.nii, header and voxels in one file): the header alone, then the voxels.

#include <cstddef>
#include <cstdint>

#include "FuzzInput.h"
#include "io/VolumeFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile("input.nii", {reinterpret_cast<const char*>(data), size});
  fuzz::expectCleanRefusal(file, [&] { readVolumeHeader(file); });
  fuzz::expectCleanRefusal(file, [&] { readVolume(file); });
  return 0;
}
