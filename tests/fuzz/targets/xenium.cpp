// Fuzzes a 10x Xenium output folder as `teramind info` and the studio read it:
// loadSpatialDataset on the folder (experiment.xenium, transcripts with the qv filter), then
// every boundary file it lists through readCellBoundaryFile. Parts: experiment.xenium,
// transcripts, cell_boundaries, nucleus_boundaries (each named .parquet when it starts with
// PAR1, else .csv, as the instrument names them); an empty part leaves the file out.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzInput.h"
#include "SpatialDatasetInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  const auto parts =
      fuzz::splitParts(std::string_view(reinterpret_cast<const char*>(data), size), 4);
  const auto folder = fuzz::freshScratchFolder() / "xenium_output";
  std::filesystem::create_directories(folder);
  const char* names[] = {"experiment", "transcripts", "cell_boundaries", "nucleus_boundaries"};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    const char* ext = i == 0 ? ".xenium" : parts[i].substr(0, 4) == "PAR1" ? ".parquet" : ".csv";
    fuzz::writeInputFile("xenium_output/" + std::string(names[i]) + ext, parts[i]);
  }
  fuzz::readSpatialDatasetInput(folder);
  return 0;
}
