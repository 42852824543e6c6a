#include "analysis/StoreSeams.h"

#include <algorithm>

#include <fmt/core.h>

#include "analysis/SeamMetric.h"
#include "analysis/TileGridSeams.h"
#include "common/FileError.h"
#include "io/OmeZarrStore.h"

namespace teramind {

StoreSeams measureSeamsOnStoreGrid(const OmeZarrStore& store, const StoreTileReader& read,
                                   const StoreTileFilter& keep) {
  const auto& L = store.layout();
  StoreSeams result;
  SeamMeter all(L.chunk);
  std::vector<SeamMeter> perChannel(L.channels.size(), SeamMeter(L.chunk));
  // Only the chunks on disk, found by listing: a header may declare 10¹⁰ chunk positions, a
  // generated section holds a few thousand chunks.
  for (const auto& [ch, z] : store.planesOnDisk(0)) {
    auto tiles = store.chunksOnDisk(0, ch, z);
    result.tilesOnDisk += std::int64_t(tiles.size());
    if (keep)
      tiles.erase(std::remove_if(tiles.begin(), tiles.end(),
                                 [&](const auto& t) { return !keep(t.first, t.second); }),
                  tiles.end());
    result.tiles += std::int64_t(tiles.size());
    TiledPlane plane{std::move(tiles), [&, ch = ch, z = z](std::int64_t r, std::int64_t q) {
                       auto tile = read(ch, z, r, q);
                       if (tile.size() != std::size_t(L.chunk) * L.chunk)
                         throw FileError(store.path(),
                                         fmt::format("tile (row {}, col {}) of channel {} plane "
                                                     "{}: {} values, not {} x {}",
                                                     r, q, ch, z, tile.size(), L.chunk, L.chunk));
                       return tile;
                     }};
    meterTiledPlane(plane, {&perChannel[std::size_t(ch)], &all});
  }
  for (std::size_t ch = 0; ch < L.channels.size(); ++ch)
    result.channels.push_back(
        {L.channels[ch], perChannel[ch].ratio(), perChannel[ch].borderPairs()});
  result.ratio = all.ratio();
  result.borderPairs = all.borderPairs();
  return result;
}

StoreSeams measureStoreSeams(const OmeZarrStore& store, const StoreTileFilter& keep) {
  return measureSeamsOnStoreGrid(
      store,
      [&](int ch, int z, std::int64_t r, std::int64_t q) -> std::vector<float> {
        const auto bytes = store.readChunk(0, ch, z, r, q);
        return {bytes.begin(), bytes.end()};
      },
      keep);
}

}  // namespace teramind
