// Whole-section benchmark: the chain a user runs on a real section, at real sizes.
//   bench_section S|M|L [--dir DIR] [--seed N] [--steps K] [--threads T] [--stages LIST]
//                 [--layout v3|v2]   (generate: generated.zarr, or generated_v2.zarr for v2)
// Stages (each in its own child process, so its peak RSS is its own):
//   synth     teramind synth-section's writer: a MERSCOPE region folder
//   open_bin  open the folder and bin every transcript (500 genes, 16 px × 0.108 µm bins)
//   generate  the `tiny` model (fresh weights) over every tile with transcripts, K DDIM steps,
//             into sharded OME-Zarr (v3) with its pyramid built as shards finish
// Each stage prints transcripts_per_s, tile_steps_per_s, peak_rss_mib, output_files,
// output_pixels, output_bytes and seconds (0 where a figure does not apply).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include <fmt/core.h>

#include "generation/JobControl.h"
#include "io/SpatialDataset.h"
#include "model/ComputeRuntime.h"
#include "model/ModelConfig.h"
#include "model/MorphologyModel.h"
#include "model/PairedSection.h"
#include "synthetic/SyntheticSection.h"
#include "workflow/GenerationRegion.h"
#include "workflow/RegionGeneration.h"

using namespace teramind;
namespace fs = std::filesystem;

namespace {

struct Options {
  std::string size;
  fs::path dir;
  std::uint64_t seed = 1;
  int steps = 2;
  int threads = 2;
  std::string stages = "synth,open_bin,generate";
  OmeZarrFormat layout = OmeZarrFormat::V3Sharded;
};

struct Figures {
  double transcriptsPerS = 0, tileStepsPerS = 0;
  std::uint64_t files = 0, pixels = 0, bytes = 0;
  double seconds = 0;
};

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void countFiles(const fs::path& dir, Figures& f) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) {
      ++f.files;
      f.bytes += e.file_size();
    }
}

void print(const Figures& f) {
  fmt::print("transcripts_per_s: {:.4g}\n", f.transcriptsPerS);
  fmt::print("tile_steps_per_s: {:.4g}\n", f.tileStepsPerS);
  fmt::print("output_files: {}\n", f.files);
  fmt::print("output_pixels: {}\n", f.pixels);
  fmt::print("output_bytes: {}\n", f.bytes);
  fmt::print("seconds: {:.2f}\n", f.seconds);
}

fs::path regionDir(const Options& o) {
  return o.dir / "region";
}

Figures synth(const Options& o) {
  fs::remove_all(regionDir(o));
  auto spec = syntheticSectionSpec(o.size);
  spec.seed = o.seed;
  spec.threads = o.threads;
  const auto summary = writeSyntheticSection(spec, regionDir(o));
  Figures f;
  f.seconds = summary.seconds;
  f.transcriptsPerS = double(summary.transcripts) / summary.transcriptSeconds;
  f.files = summary.files.size();
  f.bytes = summary.bytes;
  f.pixels = std::uint64_t(summary.widthPx) * std::uint64_t(summary.heightPx) *
             std::uint64_t(summary.planes) * 2;
  fmt::print("transcripts: {}\ncells: {}\nmosaic_px: {} x {}\n", summary.transcripts, summary.cells,
             summary.widthPx, summary.heightPx);
  return f;
}

Figures openBin(const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  const auto dataset = loadSpatialDataset(regionDir(o));
  const double opened = secondsSince(start);
  const auto binned = binDataset(dataset, BinningOptions{});
  Figures f;
  f.seconds = secondsSince(start);
  f.transcriptsPerS = double(dataset.transcripts()->size()) / f.seconds;
  const auto& g = binned.condition.grid();
  fmt::print("transcripts: {}\nopen_seconds: {:.2f}\nbin_seconds: {:.2f}\n",
             dataset.transcripts()->size(), opened, f.seconds - opened);
  fmt::print("grid_bins: {} x {} x {}, non-zero gene-bins: {}\n", g.width, g.height, g.planes,
             binned.condition.nonZeroCount());
  return f;
}

Figures generate(const Options& o) {
  const auto out = o.dir / (o.layout == OmeZarrFormat::V2 ? "generated_v2.zarr" : "generated.zarr");
  fs::remove_all(out);
  const auto start = std::chrono::steady_clock::now();
  configureComputeRuntime(1);
  const auto dataset = loadSpatialDataset(regionDir(o));
  const auto config = namedModelConfig("tiny");
  const auto genes = mostExpressedGenes(dataset, config.genes, {});
  const MorphologyModel model(config, genes, 7);
  const auto section = preparePairedSection(dataset, config, genes, {}, StainImages::Skip);
  RegionChoice choice;
  choice.description = "the whole section";
  auto region = resolveGenerationRegion(choice, section.grid, config.outputSections, {});
  RegionGenerationSettings settings;
  settings.sampling.steps = o.steps;
  settings.sampling.seed = o.seed;
  settings.workers = o.threads;
  settings.checkpointSeconds = 1e9;
  settings.format = o.layout;
  const double prepared = secondsSince(start);
  RegionGeneration generation(model, section, std::move(region), settings, out, "{}");
  JobControl control;
  std::int64_t tileSteps = 0, tiles = 0;
  RegionGenerationEvents events;
  events.progress = [&](int, const GenerationProgress& p) {
    tileSteps = p.tileStepsDone;
    tiles = p.tilesTotal;
  };
  const auto runStart = std::chrono::steady_clock::now();
  generation.run(control, events);
  const double ran = secondsSince(runStart);
  Figures f;
  f.seconds = secondsSince(start);
  f.tileStepsPerS = double(tileSteps) / ran;
  const auto& L = generation.layout();
  f.pixels = std::uint64_t(L.width) * std::uint64_t(L.height) * std::uint64_t(L.planes) *
             L.channels.size();
  countFiles(out, f);
  fmt::print("prepare_seconds: {:.2f}\nrun_seconds: {:.2f}\n", prepared, ran);
  fmt::print("tiles: {} with transcripts of {} x {} ({} px, {} steps)\n", tiles,
             generation.tiles().rows(), generation.tiles().cols(), generation.tilePixels(),
             o.steps);
  fmt::print("output_level0_px: {} x {} x {} planes x {} stains, {} levels\n", L.width, L.height,
             L.planes, L.channels.size(), L.levels);
  for (int l = 0; l < L.levels; ++l) {
    Figures level;
    countFiles(out / std::to_string(l), level);
    fmt::print("level_{}_files: {}\n", l, level.files);
  }
  return f;
}

// Runs `stage` in a child process and prints its figures and its own peak RSS.
bool runStage(const std::string& name, Figures (*stage)(const Options&), const Options& o) {
  fmt::print("stage: {}\n", name);
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) {
    fmt::print(stderr, "{}: cannot start a process for the stage\n", name);
    return false;
  }
  if (child == 0) {
    try {
      print(stage(o));
      std::fflush(stdout);
      _exit(0);
    } catch (const std::exception& e) {
      fmt::print(stderr, "{}: {}\n", name, e.what());
      _exit(1);
    }
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  fmt::print("peak_rss_mib: {:.1f}\n\n", double(usage.ru_maxrss) / 1024.0);
  std::fflush(stdout);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr,
               "usage: bench_section S|M|L [--dir DIR] [--seed N] [--steps K] [--threads T] "
               "[--stages synth,open_bin,generate] [--layout v3|v2]\n");
    return 2;
  }
  Options o;
  o.size = argv[1];
  o.dir = fs::temp_directory_path() / ("teramind_bench_section_" + o.size);
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--dir")
      o.dir = value;
    else if (flag == "--seed")
      o.seed = std::stoull(value);
    else if (flag == "--steps")
      o.steps = std::stoi(value);
    else if (flag == "--threads")
      o.threads = std::stoi(value);
    else if (flag == "--stages")
      o.stages = value;
    else if (flag == "--layout")
      o.layout = value == "v2" ? OmeZarrFormat::V2 : OmeZarrFormat::V3Sharded;
  }
  fs::create_directories(o.dir);
  fmt::print("size: {}\ndir: {}\n\n", o.size, o.dir.string());
  const std::map<std::string, Figures (*)(const Options&)> stages = {
      {"synth", synth}, {"open_bin", openBin}, {"generate", generate}};
  std::stringstream list(o.stages);
  for (std::string name; std::getline(list, name, ',');) {
    const auto it = stages.find(name);
    if (it == stages.end()) {
      fmt::print(stderr, "unknown stage '{}'\n", name);
      return 2;
    }
    if (!runStage(name, it->second, o)) return 1;
  }
  return 0;
}
