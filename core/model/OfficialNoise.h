#pragma once

#include <cstdint>
#include <vector>

namespace teramind {

// The initial noise of the official whole-brain inference (CTPLab/Tera-MIND
// utils/MBADataset_tst.py): tile (row, col) of 256 px draws
//   torch.manual_seed(lcg(row * 416 + col)); torch.randn(256, 256, 100)
// on the CPU's default generator, laid out (h, w, c) with c = stain · 50 + section; every tile
// that pads a neighbour draws the neighbour's noise again from the same seed.

// (1103515245 · x + 12345) mod 2³¹, with Python's modulo (never negative).
std::uint32_t officialLcg(std::int64_t x);

// torch.manual_seed(seed); torch.randn(shape): float32 on the CPU, row-major. LibTorch's CPU
// generator is PyTorch's (mt19937 and the same normal kernels), so PyTorch gives these numbers.
std::vector<float> torchCpuRandn(std::uint64_t seed, const std::vector<std::int64_t>& shape);

// How the draw generalises to other tiles and sections. The official one: 256 px tiles,
// 2 stains × 50 sections, 416 tile columns in the seed (52 × 8).
struct OfficialNoiseLayout {
  static constexpr int kOfficialTileColumns = 416;
  int tilePixels = 256;
  int stains = 2;
  int planes = 50;  // sections per stain in one draw
  // Multiplies the row in the seed: 416, or the section's tile columns where there are more
  // (so no two tiles share a seed).
  int rowStride = kOfficialTileColumns;

  // For a model's tile of `tilePixels` over a section `sectionPlanes` deep whose widest row
  // holds `sectionTileColumns` tiles.
  static OfficialNoiseLayout forTiles(int tilePixels, int stains, int sectionPlanes,
                                      int sectionTileColumns);
  // The same for a section `widthBins` wide cut in tiles of `tileBins` bins.
  static OfficialNoiseLayout forSection(int tilePixels, int tileBins, int stains, int sectionPlanes,
                                        int widthBins) {
    return forTiles(tilePixels, stains, sectionPlanes, (widthBins + tileBins - 1) / tileBins);
  }
  std::uint32_t seed(int row, int col) const {
    return officialLcg(std::int64_t(row) * rowStride + col);
  }
  std::size_t drawValues() const;  // tilePixels² · stains · planes
};

// The noise of tile (row, col) for output planes [z0, z0 + sections): `core` receives
// [stain][section][y][x], stains · sections · tilePixels² floats. Throws std::invalid_argument
// when the planes lie outside the draw.
void officialTileNoise(const OfficialNoiseLayout& layout, int row, int col, int z0, int sections,
                       float* core);

}  // namespace teramind
