// Fuzzes readStarmap: part 1 is the location file (x y z per line), part 2 the gene × cell
// expression matrix (either may be gzip).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "transcriptomics/TextFormatReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  const auto parts =
      fuzz::splitParts(std::string_view(reinterpret_cast<const char*>(data), size), 2);
  const auto folder = fuzz::freshScratchFolder();
  const auto locations = fuzz::writeInputFile("starmap_cell_loc.txt", parts[0]);
  const auto expression = fuzz::writeInputFile("starmap_expr.txt", parts[1]);
  // Either file may be the one at fault; both live in the scratch folder, which both name.
  fuzz::expectCleanRefusal(folder, [&] { teramind::readStarmap(locations, expression); });
  return 0;
}
