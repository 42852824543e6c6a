#pragma once

#include <cstdint>
#include <vector>

#include "generation/GenerationJob.h"
#include "io/OmeZarrStore.h"

namespace teramind {

// Finished tiles into level 0 of an OME-Zarr store, one chunk per tile, stain and plane: the
// store's chunk is the tile, its chunk (0, 0) is the grid's first tile and its planes from
// `firstPlane` are the tile's output sections. Values in [−1, 1] become 0 … 255 (the scale of
// the source images).
//
// With `finishShards` (one process writes the whole grid) the sink also counts each shard's
// active tiles still to come: a shard whose last tile arrives is finished at once, and a
// pyramid shard is built as soon as the four shards under it are done, so a killed job
// resumes without rebuilding levels. On construction the count starts from what the store
// already holds (a resumed job), finishing and building what a kill left undone.
class OmeZarrTileSink : public GeneratedTileSink {
 public:
  OmeZarrTileSink(const OmeZarrStore& store, const TileGrid& grid, int stains, int planes,
                  int firstPlane, bool finishShards = true);
  void writeTile(TileIndex tile, const std::vector<float>& core) override;

  static std::uint8_t toByte(float v);

 private:
  std::size_t shardOf(int level, std::int64_t shardRow, std::int64_t shardCol) const;
  // Every tile under the shard is written: finish it (level 0) or build it (above), then
  // tell the shard above.
  void shardDone(int level, std::int64_t shardRow, std::int64_t shardCol, bool resuming);

  const OmeZarrStore& store_;
  TileGrid grid_;
  int stains_, planes_, firstPlane_;
  bool finishShards_;
  std::vector<std::uint8_t> written_;          // per grid tile
  std::vector<std::vector<int>> outstanding_;  // per level and shard: tiles or shards to come
};

}  // namespace teramind
