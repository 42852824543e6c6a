#include "analysis/StoreSeams.h"

#include <map>

#include "analysis/SeamMetric.h"
#include "io/OmeZarrStore.h"

namespace teramind {

StoreSeams measureStoreSeams(const OmeZarrStore& store) {
  const auto& L = store.layout();
  StoreSeams result;
  SeamMeter all(L.chunk);
  std::vector<SeamMeter> perChannel(L.channels.size(), SeamMeter(L.chunk));
  // Only the chunks on disk, found by listing: a header may declare 10¹⁰ chunk positions, a
  // generated section holds a few thousand chunks.
  for (const auto& [ch, z] : store.planesOnDisk(0)) {
    auto& one = perChannel[std::size_t(ch)];
    // The row above: only its generated chunks; the chunk on the left, when generated.
    std::map<std::int64_t, std::vector<float>> above, here;
    std::int64_t row = -1, leftCol = -1;
    std::vector<float> left;
    for (const auto& [r, q] : store.chunksOnDisk(0, ch, z)) {
      if (r != row) {
        above = r == row + 1 ? std::move(here) : decltype(above){};
        here.clear();
        row = r;
        left.clear();
      }
      const auto bytes = store.readChunk(0, ch, z, r, q);
      std::vector<float> tile(bytes.begin(), bytes.end());
      const auto up = above.find(q);
      const bool touchesLeft = !left.empty() && leftCol == q - 1;
      for (auto* m : {&one, &all}) {
        m->addTile(tile);
        if (touchesLeft) m->addHorizontalBorder(left, tile);
        if (up != above.end()) m->addVerticalBorder(up->second, tile);
      }
      here[q] = tile;
      left = std::move(tile);
      leftCol = q;
    }
  }
  for (std::size_t ch = 0; ch < L.channels.size(); ++ch)
    result.channels.push_back(
        {L.channels[ch], perChannel[ch].ratio(), perChannel[ch].borderPairs()});
  result.ratio = all.ratio();
  result.borderPairs = all.borderPairs();
  return result;
}

}  // namespace teramind
