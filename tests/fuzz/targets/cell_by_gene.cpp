// Fuzzes readCellByGeneCsv: a cell × gene CSV with centroids (pos_x/pos_y, center_x/center_y
// or x/y), plain or gzip.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "transcriptomics/TextFormatReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "cell_by_gene.csv", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(file, [&] { teramind::readCellByGeneCsv(file); });
  return 0;
}
