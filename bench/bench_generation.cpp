// Generation engine benchmark: lock-step tiles of the `tiny` model (fresh weights) over a
// region of COLS × (TILES / COLS) tiles, one process per size so peak RSS is the size's own.
//   bench_generation TILES [--cols C] [--steps S] [--tile-patches P] [--threads T]
// Prints tiles, seconds, tile steps/s, the scheduler's band and the process's peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include <fmt/core.h>

#include "generation/LockstepScheduler.h"
#include "io/SpatialDataset.h"
#include "model/ComputeRuntime.h"
#include "model/ModelConfig.h"
#include "model/MorphologyModel.h"
#include "model/MorphologyTileDenoiser.h"
#include "model/PairedSection.h"

using namespace teramind;

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr,
               "usage: bench_generation TILES [--cols C] [--steps S] [--tile-patches P] "
               "[--threads T]\n");
    return 2;
  }
  const long tiles = std::atol(argv[1]);
  int cols = 10, steps = 2, tilePatches = 1, threads = 2;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string o = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (o == "--cols")
      cols = v;
    else if (o == "--steps")
      steps = v;
    else if (o == "--tile-patches")
      tilePatches = v;
    else if (o == "--threads")
      threads = v;
  }
  configureComputeRuntime(1);
  const auto config = namedModelConfig("tiny");
  const auto dataset = loadSpatialDataset(bundledDemoDataset());
  const auto genes = mostExpressedGenes(dataset, config.genes, {});
  const MorphologyModel model(config, genes, 1);
  // The condition is the bundled crop; tiles beyond it see zero counts (same cost).
  const auto section = preparePairedSection(dataset, config, genes);
  SamplingOptions sampling;
  sampling.steps = steps;
  MorphologyTileDenoiser denoiser(model, section, 0, tilePatches, sampling);
  const int rows = static_cast<int>((tiles + cols - 1) / cols);
  const TileGrid grid(denoiser.tileBins(), 0, 0, cols * denoiser.tileBins(),
                      rows * denoiser.tileBins());
  LockstepScheduler scheduler(grid, denoiser, {false, threads});
  std::size_t band = 0;
  long finished = 0;
  LockstepScheduler::FrontCallbacks callbacks;
  callbacks.tileFinished = [&](TileIndex, const std::vector<float>&) { ++finished; };
  const auto start = std::chrono::steady_clock::now();
  while (!scheduler.finished()) {
    scheduler.runFront(callbacks);
    band = std::max(band, scheduler.residentBytes());
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("tiles: {} ({} x {}, {} px, {} steps, {} threads)\n", finished, rows, cols,
             denoiser.shape().corePixels, steps, threads);
  fmt::print("seconds: {:.1f}\n", s);
  fmt::print("tile_steps_per_second: {:.1f}\n", double(finished) * steps / s);
  fmt::print("output_voxels_per_second: {:.3g}\n",
             double(finished) * double(denoiser.shape().coreValues()) / s);
  fmt::print("scheduler_band_mib: {:.2f}\n", double(band) / (1 << 20));
  fmt::print("peak_rss_mib: {:.1f}\n", double(usage.ru_maxrss) / 1024.0);
  return 0;
}
