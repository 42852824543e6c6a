#include "workflow/RegionGeneration.h"

#include <algorithm>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "generation/ColumnDecomposition.h"
#include "generation/MpiHaloExchange.h"
#include "generation/MpiSession.h"
#include "generation/OmeZarrTileSink.h"
#include "model/MorphologyTileDenoiser.h"
#include "workflow/JobFingerprint.h"

namespace teramind {
namespace {

// Written when the output is created, kept for its life: which job the output belongs to,
// whatever checkpoints a repair removes.

// The job as teramind-job.json records it: the caller's description with the region and
// the settings that change the output's bytes.
std::string jobFingerprint(const MorphologyModel& model, const GenerationRegion& region,
                           const RegionGenerationSettings& settings,
                           const std::string& jobDescription, int processes) {
  auto job = nlohmann::json::parse(jobDescription.empty() ? "{}" : jobDescription);
  job["model_step"] = model.trainingStep();
  job["model_config"] = model.config().name;
  job["region"] = region.description;
  job["region_bins"] = region.box;
  job["planes"] = region.firstPlanes;
  job["seed"] = settings.sampling.seed;
  job["steps"] = settings.sampling.steps;
  job["eta"] = settings.sampling.eta;
  job["tile_patches"] = settings.tilePatches;
  job["naive"] = settings.naive;
  // Absent for the collage decoder alone, so outputs from before the blend still resume.
  if (settings.sampling.decoders != PatchDecoders::Collage)
    job["decoders"] = patchDecodersName(settings.sampling.decoders);
  // Likewise absent unless set.
  if (settings.sampling.official) job["official"] = true;
  job["processes"] = processes;
  job["layout"] = settings.format == OmeZarrFormat::V2 ? "v2" : "v3";
  return job.dump();
}

// What must match to resume: the job, whatever number of processes runs it.
nlohmann::json jobIdentity(const std::string& fingerprint) {
  auto job = nlohmann::json::parse(fingerprint);
  job.erase("processes");
  return job;
}

// A value as a person reads it: strings bare, long ones by their end (a path's file name).
std::string valueText(const nlohmann::json* value) {
  if (!value) return "none";
  std::string text = value->is_string() ? value->get<std::string>() : value->dump();
  if (text.empty()) return "none";
  constexpr std::size_t kLongest = 60;
  if (text.size() > kLongest) text = "…" + text.substr(text.size() - (kLongest - 1));
  return text;
}

// What differs between the job an output holds and this one, in words, the output's value
// first: "its edits differ; seed 0 vs 3".
std::string jobDifferences(const nlohmann::json& theirs, const nlohmann::json& ours) {
  std::vector<std::string> keys;
  for (const auto* job : {&theirs, &ours})
    for (const auto& item : job->items())
      if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) keys.push_back(item.key());
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> parts;
  for (const auto& key : keys) {
    const auto a = theirs.find(key), b = ours.find(key);
    const nlohmann::json* x = a == theirs.end() ? nullptr : &*a;
    const nlohmann::json* y = b == ours.end() ? nullptr : &*b;
    if (x && y && *x == *y) continue;
    if (key == "edits") {
      // Digests say nothing to a reader; whether there are edits does.
      const bool had = valueText(x) != "none", has = valueText(y) != "none";
      parts.push_back(had && has ? "its edits differ"
                      : had      ? "it has edits, this job none"
                                 : "it has no edits, this job has");
      continue;
    }
    if (key == "decoders") {
      // Absent: the collage decoder alone, what every output had before `blend`.
      parts.push_back(
          fmt::format("sampler {} vs {}", x ? valueText(x) : "halo", y ? valueText(y) : "halo"));
      if (!x)
        parts.back() +=
            " (the halo sampler made it, as every output before blend did: add --sampler halo to "
            "resume it)";
      continue;
    }
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', ' ');
    parts.push_back(fmt::format("{} {} vs {}", name, valueText(x), valueText(y)));
  }
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : "; ") + part;
  return text.empty() ? "it was written differently" : text;
}

bool holdsJobCheckpoints(const std::filesystem::path& out) {
  if (!std::filesystem::is_directory(out)) return false;
  for (const auto& f : std::filesystem::directory_iterator(out))
    if (f.path().filename().string().rfind("teramind-job", 0) == 0) return true;
  return false;
}

}  // namespace

RegionGeneration::RegionGeneration(const MorphologyModel& model, const PairedSection& section,
                                   GenerationRegion region, RegionGenerationSettings settings,
                                   std::filesystem::path out, const std::string& jobDescription,
                                   const MpiSession* processes)
    : model_(model),
      section_(section),
      region_(std::move(region)),
      settings_(settings),
      out_(std::move(out)),
      processes_(processes) {
  const auto& c = model.config();
  const int tileBins = settings_.tilePatches * c.geneBinsPerPatch;
  box_ = TileGrid(tileBins, region_.box[0], region_.box[1], region_.box[2], region_.box[3]);
  const int parts = processes_ ? processes_->size() : 1;
  const bool lead = !processes_ || processes_->rank() == 0;

  fingerprint_ = jobFingerprint(model, region_, settings_, jobDescription, parts);

  OmeZarrLayout layout;
  const int T = tilePixels();
  layout.channels = section.stainNames;
  layout.planes = static_cast<int>(region_.firstPlanes.size()) * c.outputSections;
  layout.height = std::int64_t(box_.rows()) * T;
  layout.width = std::int64_t(box_.cols()) * T;
  layout.chunk = T;
  layout.format = settings_.format;
  layout.shard = OmeZarrLayout::shardFor(T, layout.height, layout.width);
  layout.levels = OmeZarrLayout::levelsToFit(layout.height, layout.width, layout.chunk);
  layout.pixelUm = c.pixelUm;
  layout.planeUm = section.grid.planeSpacingUm;
  layout.originZUm = region_.firstPlanes.front() * section.grid.planeSpacingUm;
  // Pixel (0, 0) of the store is the first tile's corner, in the section's µm.
  layout.originYUm = section.grid.originYUm + double(box_.firstRow()) * T * c.pixelUm;
  layout.originXUm = section.grid.originXUm + double(box_.firstCol()) * T * c.pixelUm;

  const bool mine = holdsJobCheckpoints(out_);
  resuming_ = processes_ ? processes_->anyProcess(mine) : mine;
  if (lead && !resuming_ && std::filesystem::exists(out_) && !std::filesystem::is_empty(out_))
    throw FileError(out_, "exists and is not a generation job's output (remove it first)");
  const auto jobFile = out_ / kJobFileName;
  if (resuming_ && std::filesystem::exists(jobFile)) {
    // Every process checks (none waits for a refused lead); before any repair touches it.
    nlohmann::json stored;
    try {
      stored = jobIdentity(readJobFile(jobFile));
    } catch (const nlohmann::json::exception& e) {
      throw FileError(jobFile, fmt::format("not a job description: {}", e.what()));
    }
    const auto identity = jobIdentity(fingerprint_);
    if (stored != identity)
      throw FileError(jobFile, fmt::format("belongs to another job (its value vs this job's): {}. "
                                           "Use another output, or the same settings to resume",
                                           jobDifferences(stored, identity)));
  }
  if (lead && !resuming_) {
    std::filesystem::create_directories(out_);
    writeTextFileAtomically(jobFile, fingerprint_);  // first: the output is this job's from now
  }
  if (lead && !std::filesystem::exists(out_ / "zarr.json") &&
      !std::filesystem::exists(out_ / ".zattrs"))
    OmeZarrStore::create(out_, layout, fingerprint_);  // new, or killed right after the job file
  if (lead && resuming_) {
    removeUnfinishedWrites(out_);  // a killed run's half-written files
    // An output from before job files: named now, so removing checkpoints keeps its identity.
    if (!std::filesystem::exists(jobFile)) writeTextFileAtomically(jobFile, fingerprint_);
    removeDamagedShards();
  }
  if (processes_) processes_->barrier();
  store_ = std::make_unique<OmeZarrStore>(OmeZarrStore::open(out_));
}

RegionGeneration::~RegionGeneration() = default;

RegionGeneration::OutputUse RegionGeneration::inspectOutput(
    const MorphologyModel& model, const GenerationRegion& region,
    const RegionGenerationSettings& settings, const std::filesystem::path& out,
    const std::string& jobDescription, std::string* why) {
  const auto other = [why](std::string reason) {
    if (why) *why = std::move(reason);
    return OutputUse::OtherJob;
  };
  std::error_code error;
  if (!std::filesystem::exists(out, error)) return OutputUse::New;
  if (std::filesystem::is_directory(out, error) && std::filesystem::is_empty(out, error))
    return OutputUse::New;
  if (!holdsJobCheckpoints(out)) return other("it exists and is not a generation job's output");
  const auto jobFile = out / kJobFileName;
  if (!std::filesystem::exists(jobFile, error)) return OutputUse::Resume;
  nlohmann::json stored;
  try {
    stored = jobIdentity(readJobFile(jobFile));
  } catch (const std::exception&) {
    return other("its teramind-job.json is not a job description");
  }
  const auto identity = jobIdentity(jobFingerprint(model, region, settings, jobDescription, 1));
  if (stored == identity) return OutputUse::Resume;
  return other(jobDifferences(stored, identity));
}

std::string RegionGeneration::checkpointName(int firstPlane, int rank, int parts) const {
  std::string name = "teramind-job";
  if (region_.firstPlanes.size() > 1) name += ".plane" + std::to_string(firstPlane);
  if (parts > 1) name += ".rank" + std::to_string(rank) + "-of-" + std::to_string(parts);
  return name;
}

// A shard file cannot be trusted after a crash it was not written for (a full disk, a lost
// cache): one whose index does not check out is removed. A pyramid shard is built again from
// the level under it; a level-0 shard's tiles are already in the checkpoint, so the checkpoints
// of its planes go too and those planes are generated again (tiles in intact shards come out
// the same bytes and are not rewritten). The job file stays: a kill before the next checkpoint
// still leaves an output this job resumes.
void RegionGeneration::removeDamagedShards() {
  const auto store = OmeZarrStore::open(out_);
  const int sections = model_.config().outputSections;
  std::vector<int> restart;
  for (const auto& d : store.damagedShards()) {
    std::filesystem::remove(d.file);
    std::string what = d.level == 0 ? "its tiles are generated again" : "it is built again";
    if (d.level == 0) {
      for (int z0 : region_.firstPlanes) {
        const int first = z0 - region_.firstPlanes.front();  // the store's planes from here
        if (d.plane >= first && d.plane < first + sections &&
            std::find(restart.begin(), restart.end(), z0) == restart.end())
          restart.push_back(z0);
      }
    }
    repairs_.push_back(fmt::format("{}: {}; removed, {}", d.file.string(), d.problem, what));
  }
  for (int z0 : restart) {
    const auto name = checkpointName(z0, 0, 1);
    for (const auto& f : std::filesystem::directory_iterator(out_)) {
      const auto file = f.path().filename().string();
      if (file.rfind(name + ".safetensors", 0) == 0 || file.rfind(name + ".rank", 0) == 0)
        std::filesystem::remove(f.path());
    }
  }
}

int RegionGeneration::tilePixels() const {
  return settings_.tilePatches * model_.config().patchSize;
}

int RegionGeneration::haloPixels() const {
  return model_.config().patchSize / 2;
}

TileGrid RegionGeneration::activeGrid(int, const MorphologyTileDenoiser& denoiser) const {
  TileGrid grid = box_;
  for (int r = 0; r < grid.rows(); ++r)
    for (int q = 0; q < grid.cols(); ++q)
      grid.setActive(r, q,
                     region_.tileSelected(section_.grid, grid.global(r, q), box_.tileBins()) &&
                         denoiser.hasCondition(grid.global(r, q)));
  return grid;
}

GenerationJob::Outcome RegionGeneration::run(const JobControl& control,
                                             const RegionGenerationEvents& events) {
  const auto& c = model_.config();
  const int parts = processes_ ? processes_->size() : 1;
  const int rank = processes_ ? processes_->rank() : 0;
  const bool lead = rank == 0;
  auto job = nlohmann::json::parse(fingerprint_);
  for (int z0 : region_.firstPlanes) {
    MorphologyTileDenoiser denoiser(model_, section_, z0, settings_.tilePatches, settings_.sampling,
                                    settings_.batch);
    const TileGrid grid = activeGrid(z0, denoiser);
    const auto strip = columnStrip(grid, parts, rank, {settings_.naive, settings_.workers});
    const std::string name = checkpointName(z0, rank, parts);
    // One process finishes shards and builds the pyramid as it goes; several share shards,
    // so the first of them does it once all are through.
    OmeZarrTileSink sink(*store_, grid, c.stains, c.outputSections,
                         z0 - region_.firstPlanes.front(), parts == 1);
    GenerationJobOptions options;
    options.lockstep = strip.options;
    options.lockstep.absentFill = settings_.sampling.absentNeighbourFill();
    options.checkpoint = out_ / (name + ".safetensors");
    job["plane"] = z0;
    options.fingerprint = job.dump();
    options.checkpointSeconds = settings_.checkpointSeconds;
    if (parts > 1) {
      options.anyProcess = [this](bool yes) { return processes_->anyProcess(yes); };
      options.minimumOverProcesses = [this](int v) { return processes_->minimum(v); };
    }
    GenerationJob generation(strip.grid, denoiser, sink, options);
    const MpiHaloExchange exchange(generation.scheduler(), strip);
    generation.setExchange(std::cref(exchange));
    const auto resumedTiles = generation.resumeFromCheckpoint();
    if (events.planeStarted) events.planeStarted(z0, grid, resumedTiles);

    std::int64_t stepsAtStart = -1, stepsDone = 0;
    LockstepScheduler::TileFinished live;
    if (events.tileFinished)
      live = [&](TileIndex tile, const std::vector<float>& core) {
        events.tileFinished(z0, tile, core);
      };
    const auto outcome = generation.run(
        control,
        [&](const GenerationProgress& p) {
          if (stepsAtStart < 0) stepsAtStart = p.tileStepsDone;
          stepsDone = p.tileStepsDone;
          if (events.progress) events.progress(z0, p);
        },
        live);
    if (processes_) processes_->barrier();
    const double mySteps = double(stepsDone - std::max<std::int64_t>(stepsAtStart, 0));
    voxels_ += (processes_ ? processes_->sum(mySteps) : mySteps) *
               double(denoiser.shape().coreValues()) / std::max(1, settings_.sampling.steps);
    if (outcome == GenerationJob::Outcome::Cancelled) return outcome;
  }
  if (lead) store_->buildPyramid();
  return GenerationJob::Outcome::Finished;
}

}  // namespace teramind
