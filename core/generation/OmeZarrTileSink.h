#pragma once

#include "generation/GenerationJob.h"
#include "io/OmeZarrStore.h"

namespace teramind {

// Finished tiles into level 0 of an OME-Zarr store, one chunk per tile, stain and plane: the
// store's chunk is the tile, its chunk (0, 0) is the grid's first tile and its planes from
// `firstPlane` are the tile's output sections. Values in [−1, 1] become 0 … 255 (the scale of
// the source images).
class OmeZarrTileSink : public GeneratedTileSink {
 public:
  OmeZarrTileSink(const OmeZarrStore& store, const TileGrid& grid, int stains, int planes,
                  int firstPlane);
  void writeTile(TileIndex tile, const std::vector<float>& core) override;

  static std::uint8_t toByte(float v);

 private:
  const OmeZarrStore& store_;
  TileGrid grid_;
  int stains_, planes_, firstPlane_;
};

}  // namespace teramind
