#pragma once

// A cheap, nonlinear stand-in for the diffusion model: each step mixes a tile's pixels with
// pixels a full halo away, so any halo taken from the wrong neighbour or step shows.

#include <atomic>
#include <cmath>
#include <cstdint>

#include "generation/TileDenoiser.h"

namespace teramind::test {

class FakeTileDenoiser : public TileDenoiser {
 public:
  FakeTileDenoiser(int channels, int core, int halo, int steps, int batch = 1)
      : shape_{channels, core, halo}, steps_(steps), batch_(batch) {}
  Shape shape() const override { return shape_; }
  int steps() const override { return steps_; }
  int preferredBatch() const override { return batch_; }

  void initialState(TileIndex tile, float* core) const override {
    for (std::size_t i = 0; i < shape_.coreValues(); ++i) {
      std::uint64_t h = std::uint64_t(tile.row) * 0x9E3779B97F4A7C15ull ^
                        (std::uint64_t(tile.col) + 7) * 0xC2B2AE3D27D4EB4Full ^ (i * 0x165667B1ull);
      h ^= h >> 29;
      h *= 0xBF58476D1CE4E5B9ull;
      h ^= h >> 32;
      core[i] = float(h % 20001) / 10000.0f - 1.0f;
    }
  }

  void step(const std::vector<TileStepTask>& tasks) override {
    const int T = shape_.corePixels, h = shape_.haloPixels, W = shape_.paddedPixels();
    for (const auto& t : tasks) {
      ++calls;
      for (int ch = 0; ch < shape_.channels; ++ch)
        for (int y = 0; y < T; ++y)
          for (int x = 0; x < T; ++x) {
            auto p = [&](int yy, int xx) { return t.padded[(std::size_t(ch) * W + yy) * W + xx]; };
            const int py = y + h, px = x + h;
            const float v =
                0.4f * p(py, px) +
                0.15f * (p(py - h, px) + p(py + h, px) + p(py, px - h) + p(py, px + h)) +
                0.01f * float(t.step) + 0.001f * float(t.tile.col - t.tile.row);
            t.core[(std::size_t(ch) * T + y) * T + x] = std::tanh(v);
            if (t.preview) t.preview[(std::size_t(ch) * T + y) * T + x] = -std::tanh(v);
          }
    }
  }

  std::atomic<long> calls{0};

 private:
  Shape shape_;
  int steps_, batch_;
};

}  // namespace teramind::test
