#include "synthetic/SyntheticStains.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "io/TiffImage.h"
#include "synthetic/SyntheticRandom.h"

namespace teramind::synthetic {
namespace {

constexpr std::uint64_t kTextureStream = 3;
constexpr std::uint64_t kPixelNoiseStream = 7;
constexpr int kTextureSpacingPx = 5;  // chromatin-like grain of about 0.5 µm

float smoothstep(float t) {
  return t * t * (3 - 2 * t);
}

// Value noise in [0, 1] on a lattice fixed to mosaic pixels, so it continues across tiles.
std::vector<float> textureOf(std::uint64_t key, std::int64_t x0, std::int64_t y0, int size) {
  const std::int64_t lx0 = x0 / kTextureSpacingPx, ly0 = y0 / kTextureSpacingPx;
  const int lattice = size / kTextureSpacingPx + 3;
  std::vector<float> values(std::size_t(lattice) * std::size_t(lattice));
  for (int j = 0; j < lattice; ++j)
    for (int i = 0; i < lattice; ++i) {
      const std::uint64_t bits = mixBits(
          key ^ mixBits(std::uint64_t(ly0 + j) * 0x100000001B3ull + std::uint64_t(lx0 + i)));
      values[std::size_t(j) * std::size_t(lattice) + std::size_t(i)] =
          float(bits >> 40) * (1.0f / 16777216.0f);
    }
  std::vector<float> texture(std::size_t(size) * std::size_t(size));
  for (int y = 0; y < size; ++y) {
    const std::int64_t gy = y0 + y;
    const int j = int(gy / kTextureSpacingPx - ly0);
    const float fy = float(gy % kTextureSpacingPx) / kTextureSpacingPx;
    const float* row0 = &values[std::size_t(j) * std::size_t(lattice)];
    const float* row1 = row0 + lattice;
    for (int x = 0; x < size; ++x) {
      const std::int64_t gx = x0 + x;
      const int i = int(gx / kTextureSpacingPx - lx0);
      const float fx = float(gx % kTextureSpacingPx) / kTextureSpacingPx;
      const float top = row0[i] + (row0[i + 1] - row0[i]) * fx;
      const float bottom = row1[i] + (row1[i + 1] - row1[i]) * fx;
      texture[std::size_t(y) * std::size_t(size) + std::size_t(x)] = top + (bottom - top) * fy;
    }
  }
  return texture;
}

}  // namespace

std::vector<std::uint16_t> renderSyntheticTile(const SyntheticSectionSpec& spec,
                                               const SyntheticTissue& tissue, const CellGrid& grid,
                                               SyntheticStain stain, int plane,
                                               std::int64_t tileRow, std::int64_t tileCol) {
  const int size = spec.tile;
  const std::int64_t x0 = tileCol * size, y0 = tileRow * size;
  const auto stainId = std::uint64_t(stain);
  const std::vector<float> texture = textureOf(
      streamKey({spec.seed, kTextureStream, stainId, std::uint64_t(plane)}), x0, y0, size);
  std::vector<float> signal(std::size_t(size) * std::size_t(size), 0.0f);
  const double p = spec.pixelUm;
  const float pixel = float(p);

  grid.forEachNear(
      double(x0) * p, double(y0) * p, double(x0 + size) * p, double(y0 + size) * p,
      tissue.maxCellRadiusUm * 1.2, [&](std::uint32_t index) {
        const SyntheticCell& cell = tissue.cells[index];
        // Out of focus: dimmer and smaller away from the cell's focal plane.
        const float dz = float(plane) - cell.zPlane;
        const float focus = std::exp(-dz * dz / (2 * 1.2f * 1.2f));
        const float nucleusScale = 0.8f + 0.2f * focus;
        const float a = cell.nucleusAUm * nucleusScale, b = cell.nucleusBUm * nucleusScale;
        const float cytoplasm = cell.cytoplasmUm * (0.85f + 0.15f * focus);
        const bool dapi = stain == SyntheticStain::Dapi;
        const float gain =
            dapi ? cell.dapiGain * (0.25f + 0.75f * focus) : cell.polyTGain * (0.4f + 0.6f * focus);
        const float reach = dapi ? std::max(a, b) * 1.15f : cytoplasm * 1.1f;
        const auto first = [&](float um, std::int64_t origin) {
          return std::clamp<std::int64_t>(std::int64_t(std::floor(um / pixel)) - origin, 0, size);
        };
        const std::int64_t i0 = first(cell.xUm - reach, x0), i1 = first(cell.xUm + reach, x0) + 1;
        const std::int64_t j0 = first(cell.yUm - reach, y0), j1 = first(cell.yUm + reach, y0) + 1;
        const float inverseA = 1 / a, inverseB = 1 / b, inverseC2 = 1 / (cytoplasm * cytoplasm);
        for (std::int64_t j = j0; j < std::min<std::int64_t>(j1, size); ++j) {
          const float dy = (float(y0 + j) + 0.5f) * pixel - cell.yUm;
          float* out = &signal[std::size_t(j) * std::size_t(size)];
          const float* grain = &texture[std::size_t(j) * std::size_t(size)];
          for (std::int64_t i = i0; i < std::min<std::int64_t>(i1, size); ++i) {
            const float dx = (float(x0 + i) + 0.5f) * pixel - cell.xUm;
            const float u = (dx * cell.cosAngle + dy * cell.sinAngle) * inverseA;
            const float v = (-dx * cell.sinAngle + dy * cell.cosAngle) * inverseB;
            const float q = u * u + v * v;  // 1 on the nucleus outline
            const float nucleus =
                q >= 1.3225f ? 0.0f : (q <= 0.7f ? 1.0f : smoothstep((1.3225f - q) / 0.6225f));
            if (dapi) {
              // A domed nucleus with a chromatin grain and a soft rim.
              if (nucleus > 0)
                out[i] += gain * (1 - 0.25f * q) * nucleus * (0.55f + 0.9f * grain[i]);
            } else {
              const float c = (dx * dx + dy * dy) * inverseC2;
              const float body =
                  c >= 1.21f ? 0.0f : (c <= 0.5f ? 1.0f : smoothstep((1.21f - c) / 0.71f));
              // Poly(A) RNA fills the cytoplasm; the nucleus holds less of it.
              out[i] += gain * (body * (0.7f + 0.6f * grain[i]) - 0.35f * nucleus);
            }
          }
        }
      });

  // Background, then shot-like noise that grows with the signal.
  Random random(streamKey({spec.seed, kPixelNoiseStream, stainId, std::uint64_t(plane),
                           std::uint64_t(tileRow), std::uint64_t(tileCol)}));
  const float background = stain == SyntheticStain::Dapi ? 220.0f : 600.0f;
  const float noiseFloor = stain == SyntheticStain::Dapi ? 25.0f : 35.0f;
  std::vector<std::uint16_t> pixels(signal.size());
  for (std::size_t k = 0; k < signal.size(); ++k) {
    const float s = std::max(0.0f, signal[k]);
    const float value = background + s + cheapNormal(random.next()) * (noiseFloor + 0.04f * s);
    pixels[k] = std::uint16_t(std::clamp(value + 0.5f, 0.0f, 65535.0f));
  }
  return pixels;
}

void writeSyntheticStain(const SyntheticSectionSpec& spec, const SyntheticTissue& tissue,
                         const CellGrid& grid, SyntheticStain stain, int plane,
                         std::int64_t widthPx, std::int64_t heightPx,
                         const std::filesystem::path& file,
                         const std::function<void(std::int64_t)>& progress) {
  TiledTiffWriter writer(file, widthPx, heightPx, spec.tile);
  const std::int64_t columns = writer.tileCols(), tiles = writer.tileRows() * columns;
  std::atomic<std::int64_t> nextTile{0}, tilesDone{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mutex;
  std::condition_variable changed;

  // Tiles are rendered and compressed in parallel; the writer appends them in tile order, so
  // the bytes do not depend on the thread count.
  auto work = [&] {
    try {
      for (std::int64_t t = nextTile++; t < tiles && !failed; t = nextTile++) {
        writer.writeTile(
            t / columns, t % columns,
            renderSyntheticTile(spec, tissue, grid, stain, plane, t / columns, t % columns));
        {
          std::lock_guard<std::mutex> lock(mutex);
          ++tilesDone;
        }
        changed.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
    changed.notify_all();
  };
  const int threadCount = std::max(1, spec.threads);
  std::vector<std::thread> threads;
  const auto joinAll = [&] {
    for (auto& thread : threads)
      if (thread.joinable()) thread.join();
  };
  try {
    for (int t = 0; t < threadCount; ++t) threads.emplace_back(work);
    // Progress is reported from here, so the callback never runs on two threads at once.
    std::unique_lock<std::mutex> lock(mutex);
    while (tilesDone < tiles && !failed) {
      changed.wait_for(lock, std::chrono::milliseconds(200));
      if (progress) progress(tilesDone);
    }
  } catch (...) {
    // A throwing progress callback or a thread that could not start: stop the others first.
    failed = true;
    changed.notify_all();
    joinAll();
    throw;
  }
  joinAll();
  if (error) std::rethrow_exception(error);
  writer.commit();
}

}  // namespace teramind::synthetic
