#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "ProgressBar.h"
#include "analysis/SeamMetric.h"
#include "atlas/Atlas.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "conditions/ConditionDocument.h"
#include "conditions/EditCommand.h"
#include "conditions/Selection.h"
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
  std::string data, model, out, region, structure, polygon, atlas, edits;
  int plane = 0;
  bool allPlanes = false;
  std::uint64_t seed = 0;
  int steps = 15;
  double eta = 0;
  int tilePatches = 4;
  bool naive = false;
  int threads = 0;
  int batch = 0;
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

// What a job generates: the plane pairs, the tile grid's box and which bins were asked for.
struct GenerationRegion {
  std::array<int, 4> box{};            // bins x, y, width, height
  std::vector<std::uint8_t> selected;  // [by][bx] of the section grid; empty: every bin
  std::vector<int> firstPlanes;        // one lock-step job per plane pair
  std::string description;
};

GenerationRegion resolveRegion(const GenerateArguments& a, const PairedSection& section,
                               const ModelConfig& c, const SpatialDataset& dataset,
                               const Atlas* atlas) {
  GenerationRegion region;
  const auto& g = section.grid;
  if (a.allPlanes) {
    for (int z = 0; z + c.outputSections <= g.planes; z += c.outputSections)
      region.firstPlanes.push_back(z);
  } else {
    if (a.plane < 0 || a.plane + c.outputSections > g.planes)
      throw std::invalid_argument(
          fmt::format("--plane {}: the data has planes 0…{}, a job makes {}", a.plane, g.planes - 1,
                      c.outputSections));
    region.firstPlanes = {a.plane};
  }
  if (region.firstPlanes.empty())
    throw std::invalid_argument(fmt::format("the data has {} planes, the model makes {} at once",
                                            g.planes, c.outputSections));
  const int chosen = int(!a.region.empty()) + int(!a.structure.empty()) + int(!a.polygon.empty());
  if (chosen > 1)
    throw std::invalid_argument("give at most one of --region, --structure, --polygon");
  region.box = {0, 0, g.width, g.height};
  region.description = "the whole section";
  if (!a.region.empty()) {
    region.box = parseRegion(a.region);
    region.description =
        fmt::format("bins x [{}, {}) y [{}, {})", region.box[0], region.box[0] + region.box[2],
                    region.box[1], region.box[1] + region.box[3]);
  } else if (a.demo && chosen == 0) {
    region.box = {kDemoRegion[0], kDemoRegion[1], kDemoRegion[2], kDemoRegion[3]};
    region.description = "the demo's 3 x 3 tiles";
  }
  if (a.structure.empty() && a.polygon.empty()) return region;

  Selection selection;
  if (!a.structure.empty()) {
    const Structure* s = atlas->ontology().findAcronym(a.structure);
    if (!s)
      throw std::invalid_argument(fmt::format("--structure: unknown acronym '{}'", a.structure));
    selection = AtlasRegionSelection{s->id, std::nullopt};
    region.description = fmt::format("{} ({}) as placed on the section", s->acronym, s->name);
  } else {
    PolygonSelection polygon;
    try {
      polygon = PolygonSelection::fromText(a.polygon, region.firstPlanes.front());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--polygon: ") + e.what());
    }
    selection = polygon;
    region.description = fmt::format("a polygon of {} vertices", polygon.verticesUm.size());
  }
  region.selected.assign(std::size_t(g.width) * std::size_t(g.height), 0);
  int x0 = g.width, y0 = g.height, x1 = -1, y1 = -1;
  for (const auto& bin :
       selectBins(selection, g, PaintContext{atlas, dataset.placement().sectionToAtlas})) {
    region.selected[std::size_t(bin.bin.y) * std::size_t(g.width) + std::size_t(bin.bin.x)] = 1;
    x0 = std::min(x0, bin.bin.x);
    y0 = std::min(y0, bin.bin.y);
    x1 = std::max(x1, bin.bin.x);
    y1 = std::max(y1, bin.bin.y);
  }
  if (x1 < 0)
    throw std::invalid_argument(fmt::format("{} covers no bin of the section", region.description));
  region.box = {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  return region;
}

bool tileSelected(const GenerationRegion& region, const BinGrid& g, TileIndex tile, int tileBins) {
  if (region.selected.empty()) return true;
  for (int by = std::max(0, tile.row * tileBins);
       by < std::min(g.height, (tile.row + 1) * tileBins); ++by)
    for (int bx = std::max(0, tile.col * tileBins);
         bx < std::min(g.width, (tile.col + 1) * tileBins); ++bx)
      if (region.selected[std::size_t(by) * std::size_t(g.width) + std::size_t(bx)]) return true;
  return false;
}

// A paint document's edits applied to the model's condition. Edits of genes outside the
// model's panel cannot change what it generates and are skipped with a warning.
std::function<void(BinnedCondition&)> paintedCondition(const std::filesystem::path& file,
                                                       const Atlas* atlas,
                                                       const SpatialDataset& dataset) {
  if (file.empty()) return {};
  auto document = std::make_shared<ConditionDocument>(ConditionDocument::load(file, atlas));
  return [document, atlas, &dataset, file](BinnedCondition& condition) {
    const PaintContext context{atlas, dataset.placement().sectionToAtlas};
    int applied = 0;
    for (const auto& edit : document->edits()) {
      if (!condition.geneIndex(edit.gene())) {
        fmt::print(stderr, "warning: {}: {} is not in the model's panel; its edit is skipped\n",
                   file.string(), edit.gene());
        continue;
      }
      EditCommand::apply(edit, condition, context);
      ++applied;
    }
    fmt::print("edits: {} of {} applied from {} (set/add values are per model bin of {:.3f} um)\n",
               applied, document->edits().size(), file.string(), condition.grid().binUm);
  };
}

std::string fileDigest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  return fmt::format("{:016x}", std::hash<std::string>{}(bytes));
}

void runGenerate(const GenerateArguments& a) {
  if (a.out.empty()) throw std::invalid_argument("--out OUTPUT.zarr is required");
  // Under mpirun each rank generates a strip of tile columns, exchanging halos every front.
  const MpiSession mpi;
  const bool lead = mpi.rank() == 0;
  // One LibTorch thread per tile and tiles on every core: a kernel's float sums then never
  // depend on how many threads split them, so the output does not depend on --threads.
  const auto runtime = configureComputeRuntime(1);
  const int workers = std::max(
      1, a.threads > 0 ? a.threads : static_cast<int>(std::thread::hardware_concurrency()));
  const std::filesystem::path modelFile =
      a.model.empty() ? bundledDemoModel() : std::filesystem::path(a.model);
  const std::filesystem::path dataFile =
      a.data.empty() ? bundledDemoDataset() : std::filesystem::path(a.data);
  const auto model = MorphologyModel::load(modelFile);
  const auto& c = model.config();
  ProgressBar reading("reading");
  const auto dataset = loadSpatialDataset(dataFile, std::ref(reading));
  std::optional<Atlas> atlas;
  if (!a.structure.empty() || !a.edits.empty())
    atlas.emplace(
        Atlas::load(a.atlas.empty() ? bundledAtlasDirectory() : std::filesystem::path(a.atlas)));
  const Atlas* atlasPtr = atlas ? &*atlas : nullptr;
  const auto section =
      preparePairedSection(dataset, c, model.genes(), paintedCondition(a.edits, atlasPtr, dataset));
  const auto region = resolveRegion(a, section, c, dataset, atlasPtr);

  SamplingOptions sampling;
  sampling.seed = a.seed;
  sampling.steps = a.steps;
  sampling.eta = a.eta;
  const int tileBins = a.tilePatches * c.geneBinsPerPatch;
  const TileGrid box(tileBins, region.box[0], region.box[1], region.box[2], region.box[3]);
  const int T = a.tilePatches * c.patchSize;
  nlohmann::json job = {{"model", std::filesystem::absolute(modelFile).string()},
                        {"model_step", model.trainingStep()},
                        {"model_config", c.name},
                        {"data", std::filesystem::absolute(dataFile).string()},
                        {"region", region.description},
                        {"region_bins", region.box},
                        {"planes", region.firstPlanes},
                        {"edits", a.edits.empty() ? std::string() : fileDigest(a.edits)},
                        {"seed", a.seed},
                        {"steps", a.steps},
                        {"eta", a.eta},
                        {"tile_patches", a.tilePatches},
                        {"naive", a.naive},
                        {"processes", mpi.size()}};
  const std::filesystem::path out = a.out;
  OmeZarrLayout layout;
  layout.channels = section.stainNames;
  layout.planes = static_cast<int>(region.firstPlanes.size()) * c.outputSections;
  layout.height = std::int64_t(box.rows()) * T;
  layout.width = std::int64_t(box.cols()) * T;
  layout.chunk = T;
  layout.levels = OmeZarrLayout::levelsToFit(layout.height, layout.width, layout.chunk);
  layout.pixelUm = c.pixelUm;
  layout.planeUm = section.grid.planeSpacingUm;
  layout.originZUm = region.firstPlanes.front() * section.grid.planeSpacingUm;
  // Pixel (0, 0) of the store is the first tile's corner, in the section's µm.
  layout.originYUm = section.grid.originYUm + double(box.firstRow()) * T * c.pixelUm;
  layout.originXUm = section.grid.originXUm + double(box.firstCol()) * T * c.pixelUm;

  bool mine = false;
  if (std::filesystem::is_directory(out))
    for (const auto& f : std::filesystem::directory_iterator(out))
      mine = mine || f.path().filename().string().rfind("teramind-job", 0) == 0;
  const bool resuming = mpi.anyProcess(mine);
  if (lead && !resuming && std::filesystem::exists(out) && !std::filesystem::is_empty(out))
    throw FileError(out, "exists and is not a generation job's output (remove it first)");
  if (lead && !resuming) OmeZarrStore::create(out, layout, job.dump());
  if (lead && resuming) removeUnfinishedWrites(out);  // a killed run's half-written files
  mpi.barrier();
  const auto store = OmeZarrStore::open(out);

  if (lead) {
    fmt::print("device: {} ({} tiles at once, {} thread each){}\n", runtime.device, workers,
               runtime.threads,
               mpi.size() > 1 ? fmt::format(", {} MPI ranks", mpi.size()) : std::string());
    fmt::print("model: {} ({}, step {})\n", modelFile.string(), c.name, model.trainingStep());
    fmt::print("region: {}: bins x [{}, {}) y [{}, {}), planes {}…{}\n", region.description,
               region.box[0], region.box[0] + region.box[2], region.box[1],
               region.box[1] + region.box[3], region.firstPlanes.front(),
               region.firstPlanes.back() + c.outputSections - 1);
  }
  static JobControl control;
  std::signal(SIGINT, [](int) { control.cancel(); });
  const auto start = std::chrono::steady_clock::now();
  double voxels = 0;
  for (int z0 : region.firstPlanes) {
    MorphologyTileDenoiser denoiser(model, section, z0, a.tilePatches, sampling, a.batch);
    TileGrid grid = box;
    for (int r = 0; r < grid.rows(); ++r)
      for (int q = 0; q < grid.cols(); ++q)
        grid.setActive(r, q,
                       tileSelected(region, section.grid, grid.global(r, q), tileBins) &&
                           denoiser.hasCondition(grid.global(r, q)));
    const auto strip = columnStrip(grid, mpi.size(), mpi.rank(), {a.naive, workers});
    std::string name = "teramind-job";
    if (a.allPlanes) name += fmt::format(".plane{}", z0);
    if (mpi.size() > 1) name += fmt::format(".rank{}-of-{}", mpi.rank(), mpi.size());
    OmeZarrTileSink sink(store, grid, c.stains, c.outputSections, z0 - region.firstPlanes.front());
    GenerationJobOptions options;
    options.lockstep = strip.options;
    options.checkpoint = out / (name + ".safetensors");
    job["plane"] = z0;
    options.fingerprint = job.dump();
    options.checkpointSeconds = a.checkpointSeconds;
    if (mpi.size() > 1) {
      options.anyProcess = [&](bool yes) { return mpi.anyProcess(yes); };
      options.minimumOverProcesses = [&](int v) { return mpi.minimum(v); };
    }
    GenerationJob generation(strip.grid, denoiser, sink, options);
    const MpiHaloExchange exchange(generation.scheduler(), strip);
    generation.setExchange(std::cref(exchange));
    const auto resumedTiles = generation.resumeFromCheckpoint();
    if (lead) {
      fmt::print(
          "tiles: {} x {} of {} px ({} with a condition, {} skipped), halo {} px, {} steps, "
          "planes {}…{}{}\n",
          grid.rows(), grid.cols(), T, grid.activeCount(), grid.tileCount() - grid.activeCount(),
          denoiser.shape().haloPixels, a.steps, z0, z0 + c.outputSections - 1,
          a.naive ? ", naive (no halos)" : "");
      if (std::filesystem::exists(options.checkpoint))
        fmt::print("resumed: {} tiles already written{}\n", resumedTiles,
                   mpi.size() > 1 ? " by rank 0" : "");
    }
    ProgressBar bar(fmt::format("planes {}-{}", z0, z0 + c.outputSections - 1));
    std::int64_t stepsAtStart = -1, stepsDone = 0;
    const auto outcome = generation.run(control, [&](const GenerationProgress& p) {
      if (stepsAtStart < 0) stepsAtStart = p.tileStepsDone;
      stepsDone = p.tileStepsDone;
      if (lead)
        bar(p.fraction(), fmt::format("{}/{} tiles, ETA {}", p.tilesFinished, p.tilesTotal,
                                      p.etaSeconds < 0 ? std::string("?")
                                                       : fmt::format("{:.0f} s", p.etaSeconds)));
    });
    mpi.barrier();
    if (outcome == GenerationJob::Outcome::Cancelled) {
      if (lead) fmt::print("cancelled: run the same command again to resume\n");
      throw std::runtime_error("generation cancelled");
    }
    voxels += mpi.sum(double(stepsDone - std::max<std::int64_t>(stepsAtStart, 0))) *
              double(denoiser.shape().coreValues()) / std::max(1, a.steps);
  }
  if (!lead) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  store.buildPyramid();
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
  cmd->add_option("--region", a.region,
                  "X,Y,WIDTH,HEIGHT in the model's gene bins (default: the "
                  "whole section; --demo: a 3 x 3-tile block)");
  cmd->add_option("--structure", a.structure,
                  "an atlas structure (with descendants) as placed on the section");
  cmd->add_option("--polygon,--roi", a.polygon, "\"x,y x,y ...\": a polygon in section um");
  cmd->add_option("--atlas", a.atlas, "atlas directory for --structure/--edits (default: bundled)");
  cmd->add_option("--edits", a.edits,
                  "a paint document (teramind paint --doc) whose edits change the condition");
  cmd->add_option("--plane", a.plane, "first output plane")->capture_default_str();
  cmd->add_flag("--all-planes", a.allPlanes, "every plane pair of the section, one after another");
  cmd->add_option("--seed", a.seed, "noise seed")->capture_default_str();
  cmd->add_option("--steps", a.steps, "DDIM steps")->capture_default_str();
  cmd->add_option("--eta", a.eta, "DDIM eta")->capture_default_str();
  cmd->add_option("--tile-patches", a.tilePatches, "tile side in patches")->capture_default_str();
  cmd->add_flag("--naive", a.naive, "independent tiles without halos (the baseline)");
  cmd->add_option("--threads", a.threads,
                  "tiles stepped at once, one CPU thread each (default: all cores); the output "
                  "does not depend on it");
  cmd->add_option("--batch", a.batch, "tiles per forward pass (default: 8 on a GPU, 1 on a CPU)");
  cmd->add_option("--checkpoint-seconds", a.checkpointSeconds, "seconds between resume checkpoints")
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
