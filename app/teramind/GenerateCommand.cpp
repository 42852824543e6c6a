#include <chrono>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "ProgressBar.h"
#include "analysis/SeamMetric.h"
#include "common/FileError.h"
#include "generation/ColumnDecomposition.h"
#include "generation/GenerationJob.h"
#include "generation/MpiHaloExchange.h"
#include "generation/MpiSession.h"
#include "generation/OmeZarrTileSink.h"
#include "io/OmeZarrStore.h"
#include "io/SpatialDataset.h"
#include "model/ComputeRuntime.h"
#include "model/MorphologyModel.h"
#include "model/MorphologyTileDenoiser.h"
#include "model/PairedSection.h"

namespace teramind::cli {
namespace {

struct GenerateArguments {
  bool demo = false;
  std::string data, model, out, region;
  int plane = 0;
  std::uint64_t seed = 0;
  int steps = 15;
  double eta = 0;
  int tilePatches = 4;
  bool naive = false;
  int threads = 0;
  double checkpointSeconds = 60;
};

// The bundled demo region: 3 × 3 tiles of the demo model in the crop's held-out rows.
constexpr int kDemoRegion[4] = {0, 8, 24, 24};

std::array<int, 4> parseRegion(const std::string& text) {
  std::array<int, 4> r{};
  char c1 = 0, c2 = 0, c3 = 0;
  std::istringstream in(text);
  if (!(in >> r[0] >> c1 >> r[1] >> c2 >> r[2] >> c3 >> r[3]) || c1 != ',' || c2 != ',' ||
      c3 != ',' || r[2] <= 0 || r[3] <= 0 || !in.eof())
    throw std::invalid_argument(
        fmt::format("--region '{}' is not X,Y,WIDTH,HEIGHT in bins (positive size)", text));
  return r;
}

void runGenerate(const GenerateArguments& a) {
  if (a.out.empty()) throw std::invalid_argument("--out OUTPUT.zarr is required");
  // Under mpirun each rank generates a strip of tile columns, exchanging halos every front.
  const MpiSession mpi;
  const bool lead = mpi.rank() == 0;
  // One LibTorch thread per tile and tiles on every core: a kernel's float sums then never
  // depend on how many threads split them, so the output does not depend on --threads.
  const auto runtime = configureComputeRuntime(1);
  const int workers = a.threads > 0 ? a.threads : static_cast<int>(std::thread::hardware_concurrency());
  const std::filesystem::path modelFile =
      a.model.empty() ? bundledDemoModel() : std::filesystem::path(a.model);
  const std::filesystem::path dataFile =
      a.data.empty() ? bundledDemoDataset() : std::filesystem::path(a.data);
  const auto model = MorphologyModel::load(modelFile);
  const auto& c = model.config();
  ProgressBar reading("reading");
  const auto dataset = loadSpatialDataset(dataFile, std::ref(reading));
  const auto section = preparePairedSection(dataset, c, model.genes());
  if (a.plane < 0 || a.plane + c.outputSections > section.planes())
    throw std::invalid_argument(fmt::format("--plane {}: the data has planes 0…{}, a job makes {}",
                                            a.plane, section.planes() - 1, c.outputSections));

  std::array<int, 4> region{0, 0, section.grid.width, section.grid.height};
  if (!a.region.empty())
    region = parseRegion(a.region);
  else if (a.demo)
    region = {kDemoRegion[0], kDemoRegion[1], kDemoRegion[2], kDemoRegion[3]};

  SamplingOptions sampling;
  sampling.seed = a.seed;
  sampling.steps = a.steps;
  sampling.eta = a.eta;
  MorphologyTileDenoiser denoiser(model, section, a.plane, a.tilePatches, sampling);
  TileGrid grid(denoiser.tileBins(), region[0], region[1], region[2], region[3]);
  for (int r = 0; r < grid.rows(); ++r)
    for (int q = 0; q < grid.cols(); ++q)
      grid.setActive(r, q, denoiser.hasCondition(grid.global(r, q)));

  const auto shape = denoiser.shape();
  const nlohmann::json job = {
      {"model", std::filesystem::absolute(modelFile).string()},
      {"model_step", model.trainingStep()},
      {"model_config", c.name},
      {"data", std::filesystem::absolute(dataFile).string()},
      {"region_bins", region},
      {"plane", a.plane},
      {"seed", a.seed},
      {"steps", a.steps},
      {"eta", a.eta},
      {"tile_patches", a.tilePatches},
      {"naive", a.naive},
      {"processes", mpi.size()}};
  const std::filesystem::path out = a.out;
  const auto checkpoint =
      out / (mpi.size() == 1 ? std::string("teramind-job.safetensors")
                             : fmt::format("teramind-job.rank{}-of-{}.safetensors", mpi.rank(),
                                           mpi.size()));
  OmeZarrLayout layout;
  layout.channels = section.stainNames;
  layout.planes = c.outputSections;
  layout.height = std::int64_t(grid.rows()) * shape.corePixels;
  layout.width = std::int64_t(grid.cols()) * shape.corePixels;
  layout.chunk = shape.corePixels;
  layout.levels = OmeZarrLayout::levelsToFit(layout.height, layout.width, layout.chunk);
  layout.pixelUm = c.pixelUm;
  layout.planeUm = section.grid.planeSpacingUm;
  layout.originZUm = a.plane * section.grid.planeSpacingUm;
  layout.originYUm = double(grid.firstRow()) * shape.corePixels * c.pixelUm;
  layout.originXUm = double(grid.firstCol()) * shape.corePixels * c.pixelUm;

  const bool resuming = mpi.anyProcess(std::filesystem::exists(checkpoint));
  if (lead && !resuming && std::filesystem::exists(out) && !std::filesystem::is_empty(out))
    throw FileError(out, "exists and is not a generation job's output of this many processes "
                         "(remove it first)");
  if (lead && !resuming) OmeZarrStore::create(out, layout, job.dump());
  mpi.barrier();
  const auto store = OmeZarrStore::open(out);
  OmeZarrTileSink sink(store, grid, c.stains, c.outputSections, 0);
  const auto strip = columnStrip(grid, mpi.size(), mpi.rank(), {a.naive, std::max(1, workers)});
  GenerationJobOptions options;
  options.lockstep = strip.options;
  options.checkpoint = checkpoint;
  options.fingerprint = job.dump();
  options.checkpointSeconds = a.checkpointSeconds;
  if (mpi.size() > 1) options.anyProcess = [&](bool mine) { return mpi.anyProcess(mine); };
  GenerationJob generation(strip.grid, denoiser, sink, options);
  const MpiHaloExchange exchange(generation.scheduler(), strip);
  generation.setExchange(std::cref(exchange));
  const auto resumedTiles = generation.resumeFromCheckpoint();
  const int front = generation.scheduler().nextFront();
  if (mpi.minimum(front) != mpi.maximum(front))
    throw FileError(out, "the ranks' checkpoints are of different fronts (a rank was killed while "
                         "checkpointing); remove the output to start afresh");
  if (!lead) {
    static JobControl control;
    std::signal(SIGINT, [](int) { control.cancel(); });
    const auto outcome = generation.run(control);
    mpi.barrier();
    if (outcome == GenerationJob::Outcome::Cancelled) throw std::runtime_error("generation cancelled");
    return;
  }

  fmt::print("device: {} ({} tiles at once, {} thread each){}\n", runtime.device,
             std::max(1, workers), runtime.threads,
             mpi.size() > 1 ? fmt::format(", {} MPI ranks", mpi.size()) : std::string());
  fmt::print("model: {} ({}, step {})\n", modelFile.string(), c.name, model.trainingStep());
  fmt::print("region: bins x [{}, {}) y [{}, {}), plane {}\n", region[0], region[0] + region[2],
             region[1], region[1] + region[3], a.plane);
  fmt::print("tiles: {} x {} of {} px ({} with a condition, {} skipped), halo {} px, {} steps{}\n",
             grid.rows(), grid.cols(), shape.corePixels, grid.activeCount(),
             grid.tileCount() - grid.activeCount(), shape.haloPixels, a.steps,
             a.naive ? ", naive (no halos)" : "");
  if (resuming) fmt::print("resumed: {} tiles already written{}\n", resumedTiles,
                          mpi.size() > 1 ? " by rank 0" : "");

  static JobControl control;
  std::signal(SIGINT, [](int) { control.cancel(); });
  ProgressBar bar("generating");
  const auto start = std::chrono::steady_clock::now();
  std::int64_t stepsAtStart = -1;
  std::int64_t stepsDone = 0;
  const auto outcome = generation.run(control, [&](const GenerationProgress& p) {
    if (stepsAtStart < 0) stepsAtStart = p.tileStepsDone;
    stepsDone = p.tileStepsDone;
    bar(p.fraction(), fmt::format("{}/{} tiles, ETA {}", p.tilesFinished, p.tilesTotal,
                                  p.etaSeconds < 0 ? std::string("?")
                                                   : fmt::format("{:.0f} s", p.etaSeconds)));
  });
  mpi.barrier();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (outcome == GenerationJob::Outcome::Cancelled) {
    fmt::print("cancelled: run the same command again to resume\n");
    throw std::runtime_error("generation cancelled");
  }
  store.buildPyramid();
  // Rank 0's share times the ranks: the strips are nearly equal.
  const double voxels = double(stepsDone - std::max<std::int64_t>(stepsAtStart, 0)) *
                        double(shape.coreValues()) / std::max(1, a.steps) * mpi.size();
  fmt::print("generation_seconds: {:.1f}\n", seconds);
  fmt::print("voxels_per_second: {:.3g}\n", seconds > 0 ? voxels / seconds : 0.0);
  fmt::print("output: {} (OME-Zarr, {} levels, {} x {} px x {} planes x {} stains)\n", out.string(),
             layout.levels, layout.width, layout.height, layout.planes, layout.channels.size());
}

void runSeams(const std::string& path) {
  const auto store = OmeZarrStore::open(path);
  const auto& L = store.layout();
  SeamMeter all(L.chunk);
  for (int ch = 0; ch < static_cast<int>(L.channels.size()); ++ch) {
    SeamMeter one(L.chunk);
    for (int z = 0; z < L.planes; ++z) {
      std::vector<std::vector<float>> above(std::size_t(L.chunkCols(0)));
      for (std::int64_t r = 0; r < L.chunkRows(0); ++r) {
        std::vector<float> left;
        for (std::int64_t q = 0; q < L.chunkCols(0); ++q) {
          std::vector<float> tile;
          if (store.hasChunk(0, ch, z, r, q)) {
            const auto bytes = store.readChunk(0, ch, z, r, q);
            tile.assign(bytes.begin(), bytes.end());
            for (auto* m : {&one, &all}) {
              m->addTile(tile);
              if (!left.empty()) m->addHorizontalBorder(left, tile);
              if (!above[std::size_t(q)].empty()) m->addVerticalBorder(above[std::size_t(q)], tile);
            }
          }
          left = tile;
          above[std::size_t(q)] = std::move(tile);
        }
      }
    }
    fmt::print("seam_ratio_{}: {:.3f}\n", L.channels[std::size_t(ch)], one.ratio());
  }
  fmt::print("border_pairs: {}\n", all.borderPairs());
  if (all.borderPairs() == 0)
    throw std::invalid_argument(fmt::format("{}: no two generated tiles touch", path));
  fmt::print("seam_ratio: {:.3f}\n", all.ratio());
}

}  // namespace

void addGenerateCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "generate", "Generate DAPI/PolyT over a region, tiles in lock-step, into OME-Zarr");
  static GenerateArguments a;
  cmd->add_flag("--demo", a.demo, "the bundled demo data, model and region");
  cmd->add_option("--data", a.data, "spatial dataset (default: the bundled demo)");
  cmd->add_option("--model", a.model, "model checkpoint (default: the bundled demo model)");
  cmd->add_option("--region", a.region, "X,Y,WIDTH,HEIGHT in the model's gene bins (default: the "
                                        "whole section; --demo: a 3 x 3-tile block)");
  cmd->add_option("--plane", a.plane, "first output plane")->capture_default_str();
  cmd->add_option("--seed", a.seed, "noise seed")->capture_default_str();
  cmd->add_option("--steps", a.steps, "DDIM steps")->capture_default_str();
  cmd->add_option("--eta", a.eta, "DDIM eta")->capture_default_str();
  cmd->add_option("--tile-patches", a.tilePatches, "tile side in patches")->capture_default_str();
  cmd->add_flag("--naive", a.naive, "independent tiles without halos (the baseline)");
  cmd->add_option("--threads", a.threads,
                  "tiles stepped at once, one CPU thread each (default: all cores); the output "
                  "does not depend on it");
  cmd->add_option("--checkpoint-seconds", a.checkpointSeconds,
                  "seconds between resume checkpoints")
      ->capture_default_str();
  cmd->add_option("--out", a.out, "output OME-Zarr directory (rerun to resume)")->required();
  cmd->callback([] { runGenerate(a); });

  auto* seams = app.add_subcommand(
      "seams", "Gradient energy on tile borders over the interior of a generated OME-Zarr");
  static std::string path;
  seams->add_option("OUTPUT", path, "a generated OME-Zarr")->required();
  seams->callback([] { runSeams(path); });
}

}  // namespace teramind::cli
