#include "generation/OmeZarrTileSink.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace teramind {

OmeZarrTileSink::OmeZarrTileSink(const OmeZarrStore& store, const TileGrid& grid, int stains,
                                 int planes, int firstPlane)
    : store_(store), grid_(grid), stains_(stains), planes_(planes), firstPlane_(firstPlane) {
  const auto& L = store.layout();
  if (static_cast<int>(L.channels.size()) != stains || firstPlane + planes > L.planes ||
      L.chunkRows(0) < grid.rows() || L.chunkCols(0) < grid.cols())
    throw std::invalid_argument("the OME-Zarr store does not fit the tile grid");
}

std::uint8_t OmeZarrTileSink::toByte(float v) {
  return static_cast<std::uint8_t>(std::lround(std::clamp((v + 1.0f) * 127.5f, 0.0f, 255.0f)));
}

void OmeZarrTileSink::writeTile(TileIndex tile, const std::vector<float>& core) {
  const std::size_t n = std::size_t(store_.layout().chunk) * std::size_t(store_.layout().chunk);
  if (core.size() != n * std::size_t(stains_ * planes_))
    throw std::invalid_argument("a tile's size differs from the store's chunk");
  std::vector<std::uint8_t> pixels(n);
  for (int s = 0; s < stains_; ++s)
    for (int z = 0; z < planes_; ++z) {
      const float* src = core.data() + std::size_t(s * planes_ + z) * n;
      std::transform(src, src + n, pixels.begin(), toByte);
      store_.writeChunk(0, s, firstPlane_ + z, tile.row - grid_.firstRow(),
                        tile.col - grid_.firstCol(), pixels);
    }
}

}  // namespace teramind
