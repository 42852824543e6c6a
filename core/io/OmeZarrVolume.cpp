#include "io/OmeZarrVolume.h"

#include <fmt/core.h>

#include "common/FileError.h"

namespace teramind {

Image3D<std::uint8_t> readOmeZarrLevel(const OmeZarrStore& store, int level, double maxBytes) {
  const auto& L = store.layout();
  if (level < 0 || level >= L.levels)
    throw FileError(store.path(),
                    fmt::format("level {}: the image has levels 0…{}", level, L.levels - 1));
  const auto w = L.levelWidth(level), h = L.levelHeight(level);
  const double bytes = double(w) * double(h) * L.planes * double(L.channels.size());
  if (bytes > maxBytes)
    throw FileError(store.path(),
                    fmt::format("level {} is {:.3g} GiB, above the limit of {:.3g} GiB: export a "
                                "coarser level or keep OME-Zarr",
                                level, bytes / double(1ll << 30), maxBytes / double(1ll << 30)));
  const double px = L.levelPixelUm(level), shift = px / 2;  // voxel centres
  const PhysicalFrame frame({L.originXUm + shift, L.originYUm + shift, L.originZUm},
                            {px, px, L.planeUm});
  Image3D<std::uint8_t> volume({w, h, L.planes}, frame, L.channels);
  const int T = L.chunk;
  for (const auto& [c, z] : store.planesOnDisk(level))
    for (const auto& [r, q] : store.chunksOnDisk(level, c, z)) {
      const auto chunk = store.readChunk(level, c, z, r, q);
      for (int y = 0; y < T && r * T + y < h; ++y)
        for (int x = 0; x < T && q * T + x < w; ++x)
          volume(q * T + x, r * T + y, z, c) = chunk[std::size_t(y) * T + x];
    }
  return volume;
}

}  // namespace teramind
