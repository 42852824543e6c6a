// Fuzzes readCellPolygons: a vertex CSV (x, y, poly_ID), plain or gzip. The first byte picks
// the y convention, so both branches are reached.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "transcriptomics/TextFormatReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool yNegated = !input.empty() && (input.front() & 1);
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile("z0_polygons.csv", input);
  fuzz::expectCleanRefusal(file, [&] { teramind::readCellPolygons(file, yNegated); });
  return 0;
}
