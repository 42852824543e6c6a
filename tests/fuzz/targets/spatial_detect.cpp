// Fuzzes what `teramind info` and the studio do with a table they are handed: detect the
// format from the name and header, then load it. The first byte picks the name (.csv, .tsv,
// .csv.gz), as the extension is part of what detection reads; the rest is the file.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "io/SpatialDataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  static constexpr std::array<const char*, 3> kNames = {"table.csv", "table.tsv", "table.csv.gz"};
  if (size == 0) return 0;
  fuzz::freshScratchFolder();
  const auto file =
      fuzz::writeInputFile(kNames[data[0] % kNames.size()],
                           std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  fuzz::expectCleanRefusal(file, [&] {
    teramind::detectSpatialFormat(file);
    teramind::loadSpatialDataset(file);
  });
  return 0;
}
