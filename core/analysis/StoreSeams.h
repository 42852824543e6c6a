#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace teramind {

class OmeZarrStore;

// How visible the tile borders of a generated OME-Zarr are (SeamMeter over its level-0
// chunks): each chunk's interior, and its borders with the chunk on its left and the one
// above, where both were generated (written). A section's margin is mostly never generated, so
// missing chunks count as nothing, not as zeros.
struct StoreSeams {
  struct Channel {
    std::string name;
    double ratio = 0;  // border / interior energy; 0 when unknown
    std::int64_t borderPairs = 0;
  };
  std::vector<Channel> channels;            // in the store's order
  double ratio = 0;                         // over every channel and plane
  std::int64_t borderPairs = 0;             // pixel pairs across borders, every channel and plane
  std::int64_t tiles = 0, tilesOnDisk = 0;  // measured (kept), and on disk; every channel, plane
};

// Which of the store's tiles (row, col) to measure; empty: all.
using StoreTileFilter = std::function<bool(std::int64_t row, std::int64_t col)>;

// Reads the store chunk by chunk (memory: two rows of chunks); throws FileError for a
// damaged chunk.
StoreSeams measureStoreSeams(const OmeZarrStore& store, const StoreTileFilter& keep = {});

// The same walk over the store's chunk grid (the chunks on disk, level 0) with each tile's
// chunk × chunk values, 0…255, from `read` instead of the store: what the generated tiles are to
// be compared with, e.g. the real stains cut on the same grid. FileError naming the tile when
// `read` gives another size. With `keep`, only the tiles it keeps are measured (the others
// count as absent), e.g. those the real stains cover whole.
using StoreTileReader =
    std::function<std::vector<float>(int channel, int plane, std::int64_t row, std::int64_t col)>;
StoreSeams measureSeamsOnStoreGrid(const OmeZarrStore& store, const StoreTileReader& read,
                                   const StoreTileFilter& keep = {});

}  // namespace teramind
