// Fuzzes a SpatialData Zarr store as `teramind info` and the studio read it: loadSpatialDataset
// on the store (root and element attributes, coordinate transformations, the points Parquet),
// then every shapes element through readCellBoundaryFile (GeoParquet WKB) and a window of every
// image channel (the Zarr array header and one chunk). Parts: the root .zattrs, the points
// element's .zattrs and part.0.parquet, the shapes element's .zattrs and shapes.parquet, the
// image's .zattrs, its level 0 .zarray and chunk 0/0/0; an empty part leaves the file out.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "SpatialDatasetInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  const char* names[] = {"store.zarr/.zattrs",
                         "store.zarr/points/transcripts/.zattrs",
                         "store.zarr/points/transcripts/points.parquet/part.0.parquet",
                         "store.zarr/shapes/cells/.zattrs",
                         "store.zarr/shapes/cells/shapes.parquet",
                         "store.zarr/images/morphology/.zattrs",
                         "store.zarr/images/morphology/0/.zarray",
                         "store.zarr/images/morphology/0/0/0/0"};
  const auto parts = fuzz::splitParts(std::string_view(reinterpret_cast<const char*>(data), size),
                                      std::size(names));
  const auto store = fuzz::freshScratchFolder() / "store.zarr";
  std::filesystem::create_directories(store);
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (!parts[i].empty()) fuzz::writeInputFile(names[i], parts[i]);
  fuzz::readSpatialDatasetInput(store, [](const SpatialDataset& dataset) {
    for (const auto& stain : dataset.stains)
      fuzz::expectCleanRefusal(stain.file, [&] {
        const auto image = dataset.openStain(stain);
        image.readWindow(0, 0, std::min<std::int64_t>(image.width(), 64),
                         std::min<std::int64_t>(image.height(), 64));
      });
  });
  return 0;
}
