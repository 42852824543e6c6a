#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/core.h>

#include "Commands.h"
#include "DatasetReadFlags.h"
#include "ProgressBar.h"
#include "analysis/StoreSeams.h"
#include "atlas/Atlas.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "conditions/ConditionDocument.h"
#include "conditions/EditCommand.h"
#include "conditions/Selection.h"
#include "generation/MpiSession.h"
#include "io/DatasetReadOptionsJson.h"
#include "io/OmeZarrStore.h"
#include "io/SpatialDataset.h"
#include "model/ComputeRuntime.h"
#include "model/MorphologyModel.h"
#include "model/OfficialNoise.h"
#include "model/PairedSection.h"
#include "workflow/ConditionSource.h"
#include "workflow/GeneratedFidelity.h"
#include "workflow/GenerationEstimate.h"
#include "workflow/GenerationRequest.h"
#include "workflow/GenerationSampler.h"
#include "workflow/JobFingerprint.h"
#include "workflow/RealStainsOfJob.h"
#include "workflow/RegionGeneration.h"

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
  std::string sampler = "blend";
  bool samplerGiven = false;  // --sampler on the command line
  bool naive = false;
  bool official = false;
  bool estimate = false;
  int threads = 0;
  int batch = 0;
  double checkpointSeconds = kCheckpointSeconds;
  std::string layout = "v3";
  DatasetReadOptions read;
};

// The command line's region as a request: at most one of --region, --structure, --polygon;
// --demo alone asks for the demo block.
RegionRequest regionRequest(const GenerateArguments& a) {
  RegionRequest request;
  request.plane = a.plane;
  request.allPlanes = a.allPlanes;
  const int chosen = int(!a.region.empty()) + int(!a.structure.empty()) + int(!a.polygon.empty());
  if (chosen > 1)
    throw std::invalid_argument("give at most one of --region, --structure, --polygon");
  if (a.region == "all") {
    request.kind = RegionKind::WholeSection;
  } else if (!a.region.empty()) {
    try {
      request.box = parseBinBox(a.region);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--region ") + e.what());
    }
    request.kind = RegionKind::Box;
  } else if (a.demo && chosen == 0) {
    request.kind = RegionKind::DemoBlock;
  } else if (!a.structure.empty()) {
    request.kind = RegionKind::Structure;
    request.structure = a.structure;
  } else if (!a.polygon.empty()) {
    try {
      request.polygon = PolygonSelection::fromText(a.polygon, a.plane);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--polygon: ") + e.what());
    }
    request.kind = RegionKind::Polygon;
  }
  return request;
}

RegionChoice regionChoice(const RegionRequest& request, const Atlas* atlas) {
  try {
    return regionChoiceFor(request, atlas);
  } catch (const std::invalid_argument& e) {
    const char* option = request.kind == RegionKind::Structure ? "--structure: "
                         : request.kind == RegionKind::Polygon ? "--polygon: "
                                                               : "--region ";
    throw std::invalid_argument(option + std::string(e.what()));
  }
}

// A paint document's edits applied to the model's condition. Edits of genes outside the
// model's panel cannot change what it generates and are skipped with a warning.
std::function<void(BinnedCondition&)> paintedCondition(
    const std::shared_ptr<const ConditionDocument>& document, const std::filesystem::path& file,
    const Atlas* atlas, const SpatialDataset& dataset) {
  if (!document) return {};
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

void printEstimate(const GenerationEstimate& e, const std::string& config, int steps, int workers) {
  fmt::print("tiles: {} with transcripts, {} DDIM steps each ({} tile steps)\n", e.tiles, steps,
             e.tileSteps);
  fmt::print("output_voxels: {:.4g}\n", e.outputVoxels);
  fmt::print("flops_per_tile_step: {:.4g} ({}, convolutions and linear layers)\n",
             e.flopsPerTileStep, config);
  fmt::print("flops: {:.4g}\n", e.flops());
  fmt::print("cpu_seconds_per_tile_step: {:.3f} (one step measured here, one thread)\n",
             e.cpuSecondsPerTileStep);
  fmt::print("cpu_seconds: {:.3g} ({} tiles at once on this machine)\n", e.cpuSeconds, workers);
  if (e.gpuSeconds)
    fmt::print("gpu_seconds: {:.3g} ({})\n", *e.gpuSeconds, e.gpuBasis);
  else
    fmt::print("gpu_seconds: unknown ({})\n", e.gpuBasis);
}

// --official is the halo sampler; the others contradict it.
std::string samplerName(const GenerateArguments& a) {
  if (!a.official) {
    if (a.naive && a.samplerGiven && a.sampler != "naive")
      throw std::invalid_argument(fmt::format(
          "--naive is --sampler naive; it cannot be combined with --sampler {}", a.sampler));
    return a.naive ? "naive" : a.sampler;
  }
  if (a.naive || (a.samplerGiven && a.sampler != "halo"))
    throw std::invalid_argument(
        fmt::format("--official samples as the official test_brn.py does, with the collage decoder "
                    "and halos (--sampler halo); it cannot be combined with --sampler {}",
                    a.naive ? "naive" : a.sampler));
  return "halo";
}

void runGenerate(const GenerateArguments& a) {
  if (a.out.empty() && !a.estimate) throw std::invalid_argument("--out OUTPUT.zarr is required");
  const std::string chosenSampler = samplerName(a);
  // Under mpirun each rank generates a strip of tile columns, exchanging halos every front.
  const MpiSession mpi;
  const bool lead = mpi.rank() == 0;
  // One LibTorch thread per tile and tiles on every core: a kernel's float sums then never
  // depend on how many threads split them, so the output does not depend on --threads.
  const auto runtime = configureComputeRuntime(1);
  // A paint document names its data, model and atlas: they are the defaults, so
  // `generate --edits DOC` makes (and resumes) the job the studio started from DOC.
  std::shared_ptr<const ConditionDocument> document;
  std::optional<ConditionSource> source;
  if (!a.edits.empty()) {
    document = std::make_shared<const ConditionDocument>(ConditionDocument::load(a.edits));
    source = ConditionSource::fromJson(a.edits, document->sourceJson());
  }
  const std::filesystem::path modelFile = !a.model.empty() ? std::filesystem::path(a.model)
                                          : source && !source->model.empty() ? source->model
                                                                             : bundledDemoModel();
  const std::filesystem::path dataFile = !a.data.empty() ? std::filesystem::path(a.data)
                                         : source        ? source->data
                                                         : bundledDemoDataset();
  // The document's data is read as the document records (a spot table's column map …) unless
  // read flags or other data are given.
  const DatasetReadOptions read =
      source && a.data.empty() && !hasReadOptions(a.read) ? source->read : a.read;
  const auto model = MorphologyModel::load(modelFile);
  const auto& c = model.config();
  ProgressBar reading("reading");
  const auto dataset = loadSpatialDataset(dataFile, std::ref(reading), DatasetContent::All, read);
  std::optional<Atlas> atlas;
  if (!a.atlas.empty())
    atlas.emplace(Atlas::load(std::filesystem::path(a.atlas)));
  else if (source)
    atlas.emplace(Atlas::load(source->atlas, source->atlasResolutionUm));
  else if (!a.structure.empty())
    atlas.emplace(Atlas::load(bundledAtlasDirectory()));
  const Atlas* atlasPtr = atlas ? &*atlas : nullptr;
  const auto section = preparePairedSection(dataset, c, model.genes(),
                                            paintedCondition(document, a.edits, atlasPtr, dataset),
                                            StainImages::Skip);
  auto region = resolveGenerationRegion(regionChoice(regionRequest(a), atlasPtr), section.grid,
                                        c.outputSections,
                                        PaintContext{atlasPtr, dataset.placement().sectionToAtlas});

  RegionGenerationSettings settings = defaultGenerationSettings();
  settings.sampling.seed = a.seed;
  settings.sampling.steps = a.steps;
  settings.sampling.eta = a.eta;
  settings.tilePatches = a.tilePatches;
  const auto sampler = samplerFromName(chosenSampler);
  settings.sampling.decoders = sampler.decoders;
  settings.sampling.official = a.official;
  settings.naive = sampler.naive;
  if (a.threads > 0) settings.workers = a.threads;
  const int workers = settings.workers;
  settings.batch = a.batch;
  settings.checkpointSeconds = a.checkpointSeconds;
  settings.format = a.layout == "v2" ? OmeZarrFormat::V2 : OmeZarrFormat::V3Sharded;
  if (a.estimate) {
    printEstimate(estimateGeneration(model, section, region, settings), c.name, a.steps, workers);
    return;
  }
  static const std::vector<ConditionEdit> noEdits;
  const std::string job =
      generationJobDescription(modelFile, dataFile, document ? document->edits() : noEdits, read);
  RegionGeneration generation(model, section, std::move(region), settings, a.out, job, &mpi);
  const auto& box = generation.region().box;
  const auto& planes = generation.region().firstPlanes;
  for (const auto& repair : generation.repairs()) fmt::print(stderr, "repaired: {}\n", repair);
  if (lead) {
    fmt::print("device: {} ({} tiles at once, {} thread each){}\n", runtime.device, workers,
               runtime.threads,
               mpi.size() > 1 ? fmt::format(", {} MPI ranks", mpi.size()) : std::string());
    fmt::print("model: {} ({}, step {})\n", modelFile.string(), c.name, model.trainingStep());
    // A --region box already describes itself in bins: not said twice.
    const std::string bins =
        fmt::format("bins x [{}, {}) y [{}, {})", box[0], box[0] + box[2], box[1], box[1] + box[3]);
    const std::string& description = generation.region().description;
    fmt::print("region: {}, planes {}…{}\n", description == bins ? bins : description + ": " + bins,
               planes.front(), planes.back() + c.outputSections - 1);
  }
  // The seed's row stride, as the tile denoiser draws it (OfficialNoise.h).
  const int officialNoiseRowStride =
      OfficialNoiseLayout::forSection(generation.tilePixels(), a.tilePatches * c.geneBinsPerPatch,
                                      c.stains, 1, section.grid.width)
          .rowStride;
  static JobControl control;
  std::signal(SIGINT, [](int) { control.cancel(); });
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<ProgressBar> bar;
  RegionGenerationEvents events;
  events.planeStarted = [&](int z0, const TileGrid& grid, std::int64_t resumedTiles) {
    const int z1 = z0 + c.outputSections - 1;
    if (lead) {
      fmt::print(
          "tiles: {} x {} of {} px ({} with a condition, {} skipped), halo {} px, {} steps, "
          "planes {}…{}, sampler {}\n",
          grid.rows(), grid.cols(), generation.tilePixels(), grid.activeCount(),
          grid.tileCount() - grid.activeCount(), generation.haloPixels(), a.steps, z0, z1,
          sampler.description);
      if (a.official)
        fmt::print(
            "official: on (test_brn.py's sampling: noise per tile from "
            "torch.manual_seed(lcg(row*{}+col)), dropout active (p = {:g} in this model), state "
            "rounded to fp16 "
            "between steps, absent neighbours -1, collage decoder with halos, {}; --seed seeds "
            "only the dropout masks)\n",
            officialNoiseRowStride, c.dropout,
            runtime.cudaAvailable ? "fp16 autocast" : "no fp16 autocast (CPU)");
      if (generation.resuming())
        fmt::print("resumed: {} tiles already written{}\n", resumedTiles,
                   mpi.size() > 1 ? " by rank 0" : "");
    }
    bar = std::make_unique<ProgressBar>(fmt::format("planes {}-{}", z0, z1));
  };
  events.progress = [&](int, const GenerationProgress& p) {
    if (lead)
      (*bar)(p.fraction(), fmt::format("{}/{} tiles, ETA {}", p.tilesFinished, p.tilesTotal,
                                       p.etaSeconds < 0 ? std::string("?")
                                                        : fmt::format("{:.0f} s", p.etaSeconds)));
  };
  if (generation.run(control, events) == GenerationJob::Outcome::Cancelled) {
    if (lead) fmt::print("cancelled: run the same command again to resume\n");
    throw std::runtime_error("generation cancelled");
  }
  if (!lead) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto& layout = generation.layout();
  fmt::print("generation_seconds: {:.1f}\n", seconds);
  fmt::print("voxels_per_second: {:.3g}\n",
             seconds > 0 ? generation.voxelsGenerated() / seconds : 0.0);
  fmt::print("output: {} (OME-Zarr, {} levels, {} x {} px x {} planes x {} stains)\n", a.out,
             layout.levels, layout.width, layout.height, layout.planes, layout.channels.size());
  fmt::print("layout: {}\n", layout.format == OmeZarrFormat::V2
                                 ? "NGFF 0.4, Zarr v2, one file per chunk"
                                 : fmt::format("NGFF 0.5, Zarr v3, shards of {} px of {} px chunks",
                                               layout.shard, layout.chunk));
}

void runSeams(const std::string& path) {
  const auto store = OmeZarrStore::open(path);
  const auto seams = measureStoreSeams(store);
  // The reference: the same metric on the real stains cut on this output's tile grid, over the
  // tiles they cover whole, with the generated figure over those same tiles beside it.
  std::optional<StoreSeams> real, generatedThere;
  std::string unavailable;
  try {
    const RealStainsOfJob stains(store);
    real = measureRealStainSeams(store, stains);
    // The generated figure again only when the reference left tiles out.
    if (real->tiles != seams.tiles)
      generatedThere = measureStoreSeams(store, tilesInsideRealStains(stains));
  } catch (const FileError& e) {
    unavailable = e.what();
  } catch (const std::invalid_argument& e) {
    unavailable = e.what();
  }
  const bool allTiles = real && real->tiles == seams.tiles;
  const auto line = [&](const std::string& name, double generated, double there, double reference) {
    if (!real) return fmt::print("{}: {:.3f}\n", name, generated);
    if (allTiles)
      return fmt::print("{}: {:.3f} (real stains: {:.3f})\n", name, generated, reference);
    fmt::print("{}: {:.3f} (real stains: {:.3f}; generated {:.3f} on the same tiles)\n", name,
               generated, reference, there);
  };
  for (std::size_t ch = 0; ch < seams.channels.size(); ++ch)
    line("seam_ratio_" + seams.channels[ch].name, seams.channels[ch].ratio,
         generatedThere ? generatedThere->channels[ch].ratio : 0,
         real ? real->channels[ch].ratio : 0);
  fmt::print("border_pairs: {}\n", seams.borderPairs);
  if (seams.borderPairs == 0)
    throw std::invalid_argument(fmt::format("{}: no two generated tiles touch", path));
  line("seam_ratio", seams.ratio, generatedThere ? generatedThere->ratio : 0,
       real ? real->ratio : 0);
  if (real)
    fmt::print(
        "real_stains: the job's dataset cut on the same tiles and planes (1 = no seams), on {} "
        "of {} tiles (those the stains cover whole)\n",
        real->tiles, seams.tiles);
  else
    fmt::print("real_stains: unavailable ({})\n", unavailable);
}

}  // namespace

void addGenerateCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "generate", "Generate DAPI/PolyT over a region, tiles in lock-step, into OME-Zarr");
  static GenerateArguments a;
  cmd->add_flag("--demo", a.demo, "the bundled demo data, model and region");
  cmd->add_option("--data", a.data,
                  "spatial dataset (default: the --edits document's, else the bundled demo)");
  addDatasetReadFlags(*cmd, a.read);
  cmd->add_option("--model", a.model,
                  "model checkpoint (default: the --edits document's, else the bundled demo)");
  cmd->add_option("--region", a.region,
                  "X,Y,WIDTH,HEIGHT in the model's gene bins, or 'all' (default: the "
                  "whole section; --demo: a 3 x 3-tile block); tiles without transcripts are "
                  "skipped");
  cmd->add_option("--structure", a.structure,
                  "an atlas structure (with descendants) as placed on the section");
  cmd->add_option("--polygon,--roi", a.polygon, "\"x,y x,y ...\": a polygon in section um");
  cmd->add_option("--atlas", a.atlas,
                  "atlas directory for --structure/--edits (default: the --edits document's, "
                  "else bundled)");
  cmd->add_option("--edits", a.edits,
                  "a paint document (teramind paint --doc) whose edits change the condition");
  cmd->add_option("--plane", a.plane, "first output plane")->capture_default_str();
  cmd->add_flag("--all-planes", a.allPlanes, "every plane pair of the section, one after another");
  cmd->add_option("--seed", a.seed, "noise seed")->capture_default_str();
  cmd->add_option("--steps", a.steps, "DDIM steps")->capture_default_str();
  cmd->add_option("--eta", a.eta, "DDIM eta")->capture_default_str();
  cmd->add_option("--tile-patches", a.tilePatches, "tile side in patches")->capture_default_str();
  auto* samplerOption =
      cmd->add_option("--sampler", a.sampler,
                      "blend: both patch decoders blended, no borders (about 2x the FLOPs); halo: "
                      "the official collage decoder with halos; naive: independent tiles")
          ->check(CLI::IsMember(samplerNames()))
          ->capture_default_str();
  cmd->add_flag("--naive", a.naive, "the same as --sampler naive");
  cmd->add_flag("--official", a.official,
                "sample as the official test_brn.py (per-tile lcg-seeded noise, dropout on, fp16 "
                "state, absent neighbours -1; implies --sampler halo): for official weights");
  cmd->add_flag("--estimate", a.estimate,
                "print the tiles, FLOPs and the time expected on this CPU and on a GPU, "
                "without generating (one tile step is measured)");
  cmd->add_option("--threads", a.threads,
                  "tiles stepped at once, one CPU thread each (default: all cores); the output "
                  "does not depend on it");
  cmd->add_option("--batch", a.batch, "tiles per forward pass (default: 8 on a GPU, 1 on a CPU)");
  cmd->add_option("--checkpoint-seconds", a.checkpointSeconds, "seconds between resume checkpoints")
      ->capture_default_str();
  cmd->add_option("--layout", a.layout,
                  "v3: NGFF 0.5 on Zarr v3, one file per shard of about 4096 x 4096 px; v2: NGFF "
                  "0.4 on Zarr v2, one file per tile (resuming needs the same)")
      ->check(CLI::IsMember({"v3", "v2"}))
      ->capture_default_str();
  cmd->add_option("--out", a.out, "output OME-Zarr directory (rerun to resume)");
  cmd->callback([samplerOption] {
    a.samplerGiven = samplerOption->count() > 0;
    runGenerate(a);
  });

  auto* seams = app.add_subcommand(
      "seams", "Gradient energy on tile borders over the interior of a generated OME-Zarr");
  static std::string path;
  seams->add_option("OUTPUT", path, "a generated OME-Zarr")->required();
  seams->callback([] { runSeams(path); });
}

}  // namespace teramind::cli
