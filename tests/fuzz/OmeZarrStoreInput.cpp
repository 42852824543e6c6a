#include "OmeZarrStoreInput.h"

#include <string>

#include "FuzzInput.h"
#include "analysis/StoreSeams.h"
#include "io/OmeZarrMetadata.h"
#include "io/OmeZarrStore.h"
#include "sectionview/NgffPyramidSource.h"
#include "workflow/GeneratedVolumeExport.h"

namespace teramind::fuzz {

void readOmeZarrStoreInput(std::string_view input, const std::vector<std::string_view>& files) {
  // Every path of the store and of the export holds this name, so an error naming any of
  // their files names the input.
  const std::string storeName = "fuzzstore.ome.zarr";
  const auto store = freshScratchFolder() / storeName;
  std::filesystem::create_directories(store);
  const auto parts = splitParts(input, files.size());
  for (std::size_t i = 0; i < files.size(); ++i)
    if (!parts[i].empty()) writeInputFile(storeName + "/" + std::string(files[i]), parts[i]);

  expectCleanRefusal(store, [&] { readOmeZarrMetadata(store); });
  expectCleanRefusal(store, [&] {
    const auto opened = OmeZarrStore::open(store);
    // Chunk (0, 0) of the first channel and plane exists in every valid layout.
    if (opened.layout().channels.empty() || opened.layout().planes < 1) return;
    opened.readChunk(0, 0, 0, 0, 0);
    opened.hasChunk(0, 0, 0, 0, 1);
  });
  expectCleanRefusal(store, [&] { measureStoreSeams(OmeZarrStore::open(store)); });
  // The section explorer's reader of any NGFF image (ours, or another tool's through the
  // generic Zarr path when our layout's checks refuse it): its tiles as a view reads them.
  expectCleanRefusal(store, [&] {
    const auto source = NgffPyramidSource::open(store);
    const PyramidInfo& info = source->info();
    int read = 0;
    for (int level = 0; level < int(info.levels.size()); ++level)
      for (std::int64_t row = 0; row < info.tileRows(level) && read < 16; ++row)
        for (std::int64_t col = 0; col < info.tileCols(level) && read < 16; ++col, ++read)
          source->readTile(level, 0, 0, row, col);
  });
  expectCleanRefusal(store, [&] {
    VolumeExportRequest request;
    request.input = store;
    request.output = store.parent_path() / (storeName + "-export.nrrd");
    request.maxBytes = 16.0 * (1 << 20);  // what one fuzz input may legitimately cost
    exportGeneratedVolume(request);
  });
}

}  // namespace teramind::fuzz
