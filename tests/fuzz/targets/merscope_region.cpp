// Fuzzes a MERSCOPE region folder as `teramind info` reads it: loadMerscopeRegion, then the
// mosaic coverage (which opens each mosaic's header and applies the µm → pixel transform).
// Parts: detected_transcripts.csv, images/micron_to_mosaic_pixel_transform.csv and one small
// mosaic, images/mosaic_DAPI_z0.tif (an empty part leaves the file out, so the fuzzer also
// reaches the "missing" paths). Real mosaics are large; the reader only opens headers here.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "io/MerscopeRegion.h"
#include "io/SpatialDataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  const auto parts =
      fuzz::splitParts(std::string_view(reinterpret_cast<const char*>(data), size), 3);
  const auto folder = fuzz::freshScratchFolder() / "merscope_region";
  std::filesystem::create_directories(folder / "images");
  const char* names[] = {"merscope_region/detected_transcripts.csv",
                         "merscope_region/images/micron_to_mosaic_pixel_transform.csv",
                         "merscope_region/images/mosaic_DAPI_z0.tif"};
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (!parts[i].empty()) fuzz::writeInputFile(names[i], parts[i]);
  fuzz::expectCleanRefusal(folder, [&] {
    const teramind::SpatialDataset dataset = teramind::loadMerscopeRegion(folder);
    teramind::measureMosaicCoverage(dataset);
  });
  return 0;
}
