// Fuzzes a NanoString CosMx export folder as `teramind info` and the studio read it:
// loadSpatialDataset on the folder (tx_file.csv, fov_positions_file.csv, the label images'
// headers), then each FOV's cell outlines through readCellBoundaryFile (the label TIFF decoded
// and traced). Parts: tx_file.csv, fov_positions_file.csv, CellLabels/CellLabels_F001.tif; an
// empty part leaves the file out.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "SpatialDatasetInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  const auto parts =
      fuzz::splitParts(std::string_view(reinterpret_cast<const char*>(data), size), 3);
  const auto folder = fuzz::freshScratchFolder() / "cosmx_export";
  std::filesystem::create_directories(folder);
  const char* names[] = {"cosmx_export/tx_file.csv", "cosmx_export/fov_positions_file.csv",
                         "cosmx_export/CellLabels/CellLabels_F001.tif"};
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (!parts[i].empty()) fuzz::writeInputFile(names[i], parts[i]);
  fuzz::readSpatialDatasetInput(folder);
  return 0;
}
