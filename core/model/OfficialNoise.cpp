#include "model/OfficialNoise.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/core.h>
#include <torch/torch.h>

namespace teramind {

std::uint32_t officialLcg(std::int64_t x) {
  constexpr std::int64_t m = std::int64_t(1) << 31;
  // Reducing x first keeps the product below 2⁶²; the result is the same modulo 2³¹.
  const std::int64_t reduced = ((x % m) + m) % m;
  return static_cast<std::uint32_t>((1103515245 * reduced + 12345) % m);
}

namespace {

torch::Tensor randnAfterManualSeed(std::uint64_t seed, const std::vector<std::int64_t>& shape) {
  // What torch.manual_seed(seed) does to the default generator: a fresh mt19937 state.
  auto generator = at::detail::createCPUGenerator(seed);
  // One draw of the whole shape: PyTorch fills 16 values at a time (and the last 16 again),
  // so a draw split in parts would give other numbers.
  return torch::randn(shape, generator, torch::kFloat32).contiguous();
}

}  // namespace

std::vector<float> torchCpuRandn(std::uint64_t seed, const std::vector<std::int64_t>& shape) {
  const auto x = randnAfterManualSeed(seed, shape);
  std::vector<float> out(std::size_t(x.numel()));
  std::memcpy(out.data(), x.data_ptr<float>(), out.size() * sizeof(float));
  return out;
}

OfficialNoiseLayout OfficialNoiseLayout::forTiles(int tilePixels, int stains, int sectionPlanes,
                                                  int sectionTileColumns) {
  if (tilePixels < 1 || stains < 1 || sectionPlanes < 1)
    throw std::invalid_argument("official noise needs a tile, a stain and a plane");
  OfficialNoiseLayout layout;
  layout.tilePixels = tilePixels;
  layout.stains = stains;
  layout.planes = sectionPlanes;
  layout.rowStride = std::max(kOfficialTileColumns, sectionTileColumns);
  return layout;
}

std::size_t OfficialNoiseLayout::drawValues() const {
  return std::size_t(tilePixels) * std::size_t(tilePixels) * std::size_t(stains) *
         std::size_t(planes);
}

void officialTileNoise(const OfficialNoiseLayout& layout, int row, int col, int z0, int sections,
                       float* core) {
  if (z0 < 0 || sections < 1 || z0 + sections > layout.planes)
    throw std::invalid_argument(
        fmt::format("official noise: planes {}…{} lie outside the draw's {} planes", z0,
                    z0 + sections - 1, layout.planes));
  const std::int64_t T = layout.tilePixels, C = std::int64_t(layout.stains) * layout.planes;
  // Read in place: the draw holds every plane of the section (26 MB for the official 256 px
  // × 100 channels), so no copy of it is made.
  const auto tensor = randnAfterManualSeed(layout.seed(row, col), {T, T, C});
  const float* draw = tensor.data_ptr<float>();
  // (h, w, c) with c = stain · planes + plane → [stain][section][y][x].
  for (int s = 0; s < layout.stains; ++s)
    for (int z = 0; z < sections; ++z) {
      const std::int64_t c = std::int64_t(s) * layout.planes + z0 + z;
      float* out = core + (std::size_t(s) * sections + std::size_t(z)) * std::size_t(T * T);
      for (std::int64_t i = 0; i < T * T; ++i) out[i] = draw[i * C + c];
    }
}

}  // namespace teramind
