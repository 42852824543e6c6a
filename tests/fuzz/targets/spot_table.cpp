// Fuzzes a generic spot table as `teramind info --columns MAP --pixel-um 0.5 FILE` reads it
// (loadSpatialDataset with a column map → readSpotTable), then as the same file without a map
// (detection, which for a spot-table header says which layout it looks like:
// spotTableLayoutHint). Parts: the column map ("gene=Gene,x=x,y=y[,z=z]"; one the CLI would
// refuse ends the input, as the CLI ends there) and the table, named without an extension so
// the delimiter is sniffed from the header (comma or tab) and gzip from the magic bytes.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "FuzzInput.h"
#include "io/SpatialDataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  const auto parts =
      fuzz::splitParts(std::string_view(reinterpret_cast<const char*>(data), size), 2);
  DatasetReadOptions options;
  try {
    options.columns = parseSpotTableColumns(std::string(parts[0]));
  } catch (const std::invalid_argument&) {
    return 0;  // the CLI refuses the map before any file is read
  }
  options.pixelUm = 0.5;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile("spots", parts[1]);
  fuzz::expectCleanRefusal(file,
                           [&] { loadSpatialDataset(file, {}, DatasetContent::All, options); });
  fuzz::expectCleanRefusal(file, [&] { loadSpatialDataset(file); });
  return 0;
}
