// Fuzzes a loom file (HDF5) as production reads it (in a child first:
// ThirdPartyReadIsolation.h): format detection, then readLoom.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "ThirdPartyReadIsolation.h"
#include "io/SpatialDataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "cells.loom", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(
      file, [&] { fuzz::readAsProductionDoes([&] { teramind::loadSpatialDataset(file); }); });
  return 0;
}
