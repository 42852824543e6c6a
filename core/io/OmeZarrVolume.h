#pragma once

#include <cstdint>

#include "io/OmeZarrStore.h"
#include "volume/Image3D.h"

namespace teramind {

// One pyramid level of an OME-Zarr image as a volume (x, y, plane; one channel per store
// channel) placed in the store's µm, voxel centres as in its translations. Chunks never written
// read as 0; only the chunks on disk are read (found by listing, not by trying every index).
// Throws FileError naming the store for a level it lacks or a volume above `maxBytes` (a whole
// level of a large job does not fit in memory: keep OME-Zarr then), and naming the chunk or
// shard for a damaged one.
Image3D<std::uint8_t> readOmeZarrLevel(const OmeZarrStore& store, int level, double maxBytes);

}  // namespace teramind
