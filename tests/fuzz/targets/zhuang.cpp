// Fuzzes a Zhuang-lab MERFISH cell table as the studio and `teramind info` take it: the format
// detected from the header, the cell × gene CSV read, then binned (what `teramind bin` does
// next), so coordinates that survive reading are exercised by the binner too.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "io/SpatialDataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "MERFISH_dataset1_slice1.csv", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(file, [&] {
    const teramind::SpatialDataset dataset = teramind::loadSpatialDataset(file);
    teramind::BinningOptions options;
    options.binUm = 50;
    teramind::binDataset(dataset, options);
  });
  return 0;
}
