#include "workflow/GeneratedVolumeExport.h"

#include "io/OmeZarrStore.h"
#include "io/OmeZarrVolume.h"
#include "io/VolumeFile.h"

namespace teramind {

VolumeExport exportGeneratedVolume(const VolumeExportRequest& request) {
  const auto store = OmeZarrStore::open(request.input);
  const auto& L = store.layout();
  auto volume = readOmeZarrLevel(store, request.level, request.maxBytes);
  writeVolume(request.output, AnyVolume(std::move(volume)));
  return {L.levelWidth(request.level), L.levelHeight(request.level), L.planes, L.channels};
}

}  // namespace teramind
