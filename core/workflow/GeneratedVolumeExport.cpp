#include "workflow/GeneratedVolumeExport.h"

#include <fmt/core.h>

#include "common/FileError.h"
#include "io/OmeZarrStore.h"
#include "io/OmeZarrVolume.h"
#include "io/VolumeFile.h"

namespace teramind {
namespace {

// Whether any chunk of the level is on disk (a level never generated, or a pyramid level not
// built yet, holds none: exporting it would write a volume of zeros).
bool holdsAnyChunk(const OmeZarrStore& store, int level) {
  for (const auto& [c, z] : store.planesOnDisk(level))
    if (!store.chunksOnDisk(level, c, z).empty()) return true;
  return false;
}

}  // namespace

VolumeExport exportGeneratedVolume(const VolumeExportRequest& request) {
  // Everything is read and checked before the output is touched: a store that cannot be read
  // leaves no file, and never a volume of zeros.
  const auto store = OmeZarrStore::open(request.input);
  const auto& L = store.layout();
  if (request.level >= 0 && request.level < L.levels && !holdsAnyChunk(store, request.level))
    throw FileError(
        request.input / std::to_string(request.level),
        fmt::format("level {} holds no generated chunk: nothing to export", request.level));
  auto volume = readOmeZarrLevel(store, request.level, request.maxBytes);
  writeVolume(request.output, AnyVolume(std::move(volume)));
  return {L.levelWidth(request.level), L.levelHeight(request.level), L.planes, L.channels};
}

}  // namespace teramind
