// Fuzzes a segmentation label TIFF (CosMx CellLabels) on its own: readLabelImageOutlines, i.e.
// readLabelTiff (header checks, then every strip or tile decoded by libtiff) and the outline
// tracing, with a CosMx FOV's placement (rows against y).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "io/LabelOutlines.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "CellLabels_F001.tif", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(file, [&] {
    readLabelImageOutlines(file, LabelImagePlacement{5133.3, 146055.6, 0.18, true, "1_"});
  });
  return 0;
}
