#include "analysis/StoreSeams.h"

#include <map>

#include "analysis/SeamMetric.h"
#include "io/OmeZarrStore.h"

namespace teramind {

StoreSeams measureStoreSeams(const OmeZarrStore& store) {
  const auto& L = store.layout();
  StoreSeams result;
  SeamMeter all(L.chunk);
  for (int ch = 0; ch < static_cast<int>(L.channels.size()); ++ch) {
    SeamMeter one(L.chunk);
    for (int z = 0; z < L.planes; ++z) {
      // The row above: only its generated chunks. The store reads each shard's index once
      // (cached), not once per chunk.
      std::map<std::int64_t, std::vector<float>> above, here;
      for (std::int64_t r = 0; r < L.chunkRows(0); ++r) {
        std::vector<float> left;
        for (std::int64_t q = 0; q < L.chunkCols(0); ++q) {
          std::vector<float> tile;
          if (store.hasChunk(0, ch, z, r, q)) {
            const auto bytes = store.readChunk(0, ch, z, r, q);
            tile.assign(bytes.begin(), bytes.end());
            const auto up = above.find(q);
            for (auto* m : {&one, &all}) {
              m->addTile(tile);
              if (!left.empty()) m->addHorizontalBorder(left, tile);
              if (up != above.end()) m->addVerticalBorder(up->second, tile);
            }
            here[q] = tile;
          }
          left = std::move(tile);
        }
        above = std::move(here);
        here.clear();
      }
    }
    result.channels.push_back({L.channels[std::size_t(ch)], one.ratio(), one.borderPairs()});
  }
  result.ratio = all.ratio();
  result.borderPairs = all.borderPairs();
  return result;
}

}  // namespace teramind
