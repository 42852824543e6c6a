#include "generation/OmeZarrTileSink.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace teramind {

OmeZarrTileSink::OmeZarrTileSink(const OmeZarrStore& store, const TileGrid& grid, int stains,
                                 int planes, int firstPlane, bool finishShards)
    : store_(store),
      grid_(grid),
      stains_(stains),
      planes_(planes),
      firstPlane_(firstPlane),
      finishShards_(finishShards) {
  const auto& L = store.layout();
  if (static_cast<int>(L.channels.size()) != stains || firstPlane + planes > L.planes ||
      L.chunkRows(0) < grid.rows() || L.chunkCols(0) < grid.cols())
    throw std::invalid_argument("the OME-Zarr store does not fit the tile grid");
  if (!finishShards_) return;
  const int k = L.shardChunks();
  written_.assign(std::size_t(grid.tileCount()), 0);
  outstanding_.resize(std::size_t(L.levels));
  for (int l = 0; l < L.levels; ++l)
    outstanding_[std::size_t(l)].assign(std::size_t(L.shardRows(l) * L.shardCols(l)), 0);
  // Level 0: active tiles not yet in the store (a tile counts once every stain and plane is).
  for (std::int64_t sr = 0; sr < L.shardRows(0); ++sr)
    for (std::int64_t sc = 0; sc < L.shardCols(0); ++sc) {
      std::vector<bool> all;
      bool anyActive = false;
      for (std::int64_t r = sr * k; r < std::min<std::int64_t>(grid.rows(), (sr + 1) * k); ++r)
        for (std::int64_t q = sc * k; q < std::min<std::int64_t>(grid.cols(), (sc + 1) * k); ++q)
          anyActive = anyActive || grid.active(int(r), int(q));
      if (anyActive)
        for (int s = 0; s < stains; ++s)
          for (int z = 0; z < planes; ++z) {
            const auto present = store.chunksInShard(0, s, firstPlane + z, sr, sc);
            if (all.empty())
              all = present;
            else
              for (std::size_t i = 0; i < all.size(); ++i) all[i] = all[i] && present[i];
          }
      for (std::int64_t r = sr * k; r < std::min<std::int64_t>(grid.rows(), (sr + 1) * k); ++r)
        for (std::int64_t q = sc * k; q < std::min<std::int64_t>(grid.cols(), (sc + 1) * k); ++q) {
          if (!grid.active(int(r), int(q))) continue;
          const std::size_t t = std::size_t(r) * std::size_t(grid.cols()) + std::size_t(q);
          written_[t] = all[std::size_t((r - sr * k) * k + (q - sc * k))] ? 1 : 0;
          if (!written_[t]) ++outstanding_[0][shardOf(0, sr, sc)];
        }
    }
  // Above: the shards under each.
  for (int l = 1; l < L.levels; ++l)
    for (std::int64_t sr = 0; sr < L.shardRows(l - 1); ++sr)
      for (std::int64_t sc = 0; sc < L.shardCols(l - 1); ++sc)
        ++outstanding_[std::size_t(l)][shardOf(l, sr / 2, sc / 2)];
  for (std::int64_t sr = 0; sr < L.shardRows(0); ++sr)
    for (std::int64_t sc = 0; sc < L.shardCols(0); ++sc)
      if (outstanding_[0][shardOf(0, sr, sc)] == 0) shardDone(0, sr, sc, true);
}

std::size_t OmeZarrTileSink::shardOf(int level, std::int64_t shardRow,
                                     std::int64_t shardCol) const {
  return std::size_t(shardRow * store_.layout().shardCols(level) + shardCol);
}

void OmeZarrTileSink::shardDone(int level, std::int64_t shardRow, std::int64_t shardCol,
                                bool resuming) {
  const auto& L = store_.layout();
  for (int s = 0; s < stains_; ++s)
    for (int z = firstPlane_; z < firstPlane_ + planes_; ++z)
      if (level == 0)
        store_.finishShard(0, s, z, shardRow, shardCol);
      else if (!resuming || !store_.hasShard(level, s, z, shardRow, shardCol))
        store_.buildPyramidShard(level, s, z, shardRow, shardCol);
  if (level + 1 >= L.levels) return;
  auto& above =
      outstanding_[std::size_t(level + 1)][shardOf(level + 1, shardRow / 2, shardCol / 2)];
  if (--above == 0) shardDone(level + 1, shardRow / 2, shardCol / 2, resuming);
}

std::uint8_t OmeZarrTileSink::toByte(float v) {
  return static_cast<std::uint8_t>(std::lround(std::clamp((v + 1.0f) * 127.5f, 0.0f, 255.0f)));
}

void OmeZarrTileSink::writeTile(TileIndex tile, const std::vector<float>& core) {
  const std::size_t n = std::size_t(store_.layout().chunk) * std::size_t(store_.layout().chunk);
  if (core.size() != n * std::size_t(stains_ * planes_))
    throw std::invalid_argument("a tile's size differs from the store's chunk");
  const int row = tile.row - grid_.firstRow(), col = tile.col - grid_.firstCol();
  std::vector<std::uint8_t> pixels(n);
  for (int s = 0; s < stains_; ++s)
    for (int z = 0; z < planes_; ++z) {
      const float* src = core.data() + std::size_t(s * planes_ + z) * n;
      std::transform(src, src + n, pixels.begin(), toByte);
      store_.writeChunk(0, s, firstPlane_ + z, row, col, pixels);
    }
  if (!finishShards_) return;
  auto& written = written_.at(std::size_t(row) * std::size_t(grid_.cols()) + std::size_t(col));
  if (written || !grid_.active(row, col)) return;  // a resumed job writes some tiles again
  written = 1;
  const int k = store_.layout().shardChunks();
  if (--outstanding_[0][shardOf(0, row / k, col / k)] == 0) shardDone(0, row / k, col / k, false);
}

}  // namespace teramind
