#include "studio/StudioModel.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/core.h>

#include "io/OmeZarrStore.h"
#include "model/ComputeRuntime.h"
#include "workflow/GenerationRegion.h"
#include "workflow/GenerationSampler.h"
#include "workflow/RegionGeneration.h"

// The studio model's background work: generation jobs (live tiles and counts, outputs) and
// the attention pass.
namespace teramind {

std::string JobStatus::text() const {
  const auto eta = [](double s) {
    if (s < 0) return std::string("ETA …");
    if (s < 90) return fmt::format("ETA {:.0f} s", s);
    return fmt::format("ETA {:.1f} min", s / 60);
  };
  const std::string tiles = fmt::format("{}/{} tiles", progress.tilesFinished, progress.tilesTotal);
  switch (state) {
    case JobState::Idle:
      return "";
    case JobState::Running: {
      // Tiles step in lock-step and finish together at the last step: the step is the live count.
      std::string step;
      if (progress.tilesTotal > 0 && progress.tileStepsTotal > 0)
        step = fmt::format("step {}/{} of {} tiles, ", progress.tileStepsDone / progress.tilesTotal,
                           progress.tileStepsTotal / progress.tilesTotal, progress.tilesTotal);
      return fmt::format("planes {}–{}: {}{} written, {}", firstPlane, firstPlane + 1, step, tiles,
                         eta(progress.etaSeconds));
    }
    case JobState::Paused:
      return fmt::format("Paused ({})", tiles);
    case JobState::Cancelling:
      return "Cancelling…";
    case JobState::Finished:
      return fmt::format("Finished: {} written to {}", tiles, output.string());
    case JobState::Cancelled:
      return fmt::format("Cancelled after {}. Run again to resume into {}", tiles, output.string());
    case JobState::Failed:
      return "Failed: " + error;
  }
  return "";
}

// --- generation ---

std::filesystem::path StudioModel::newJobOutput() const {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return jobsDirectory_ / (std::string("job-") + stamp + ".zarr");
}

RegionGenerationSettings StudioModel::jobGenerationSettings() const {
  RegionGenerationSettings settings = defaultGenerationSettings();
  settings.sampling.seed = state_.job.seed;
  settings.sampling.steps = state_.job.steps;
  settings.tilePatches = state_.job.tilePatches;
  const auto sampler = samplerFromName(state_.job.sampler);  // checked when it was set
  settings.sampling.decoders = sampler.decoders;
  settings.naive = sampler.naive;
  return settings;
}

bool StudioModel::startJob() {
  const auto fail = [this](const std::string& text) {
    report(StudioMessage::Kind::Error, "Cannot start the job", text);
    return false;
  };
  if (job_.active()) return fail("a job is already running");
  const auto model = state_.workspace.sharedModel();
  if (!model || !state_.workspace.dataset()) return fail("generation needs a dataset and a model");
  if (!state_.ready()) return fail("the condition is still being prepared; try again in a moment");
  try {
    const auto section = state_.workspace.paintedSection();
    const auto& c = model->config();
    RegionRequest request;
    request.kind = state_.job.region;
    request.plane = firstPlaneOfPair();
    request.allPlanes = state_.job.allPlanes;
    if (request.kind == RegionKind::Structure) {
      if (!state_.selection) return fail("select a structure first, or choose another region");
      request.structure = atlas().ontology().byId(*state_.selection).acronym;
    }
    auto region = resolveGenerationRegion(regionChoiceFor(request, &atlas()), section->grid,
                                          c.outputSections, state_.workspace.paintContext());
    const RegionGenerationSettings settings = jobGenerationSettings();
    const std::string description = state_.workspace.jobDescription();

    std::filesystem::path out = state_.job.output;
    // Run again with the same inputs: the last output is this job's, so it is resumed (and
    // shown) rather than generated again into a new folder.
    if (out.empty() && !state_.lastOutput.empty() &&
        RegionGeneration::inspectOutput(*model, region, settings, state_.lastOutput, description) ==
            RegionGeneration::OutputUse::Resume)
      out = state_.lastOutput;
    if (out.empty()) out = newJobOutput();
    std::string why;
    const auto use =
        RegionGeneration::inspectOutput(*model, region, settings, out, description, &why);
    if (use == RegionGeneration::OutputUse::OtherJob) {
      const auto fresh = nextFreeOutput(out);
      report(StudioMessage::Kind::Notice, "New output",
             fmt::format("{} holds another job ({}); this one writes {}", out.string(), why,
                         fresh.string()));
      out = fresh;
    } else if (use == RegionGeneration::OutputUse::Resume) {
      report(StudioMessage::Kind::Notice, "Resuming",
             out.string() + " holds this job: resumed, its finished tiles are kept");
    }
    std::filesystem::create_directories(out.parent_path().empty() ? "." : out.parent_path());

    state_.job.output = out;  // a cancelled job resumes here when run again
    state_.tiles = {};
    state_.tiles.tilePixels = settings.tilePatches * c.patchSize;
    state_.tiles.stains = c.stains;
    state_.tiles.sections = c.outputSections;
    state_.tiles.grid = section->grid;
    state_.tiles.pixelUm = c.pixelUm;
    state_.jobStatus = {};
    state_.jobStatus.state = JobState::Running;
    state_.jobStatus.output = out;
    state_.jobStatus.region = region.description;
    // A resumed job shows what it already wrote; the rest arrives as it is generated.
    if (use == RegionGeneration::OutputUse::Resume) restoreOutputTiles(out);

    // One LibTorch thread per tile and tiles on every core, as the CLI: the bytes match it.
    configureComputeRuntime(1);
    job_.setListener([runner = &runner_, wake = jobWake_, this, alive = alive_] {
      if (wake->exchange(true)) return;  // a drain is already on its way
      runner->post([this, wake, alive] {
        wake->store(false);
        if (*alive) drainJob();
      });
    });
    job_.start([model, section, region, settings, out, description](
                   const JobControl& control, const RegionGenerationEvents& events) {
      RegionGeneration generation(*model, *section, region, settings, out, description);
      return generation.run(control, events);
    });
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  notify(StudioChange::JobSettings);
  notify(StudioChange::Tiles);
  notify(StudioChange::Job);
  return true;
}

void StudioModel::pauseJob() {
  job_.pause();
  drainJob();
}

void StudioModel::resumeJob() {
  job_.resume();
  drainJob();
}

void StudioModel::cancelJob() {
  job_.cancel();
  drainJob();
}

void StudioModel::drainJob() {
  // State first: every tile of a job that has ended is in the mailbox by now.
  const JobState jobState = job_.state();
  auto tiles = job_.takeTiles();
  for (auto& tile : tiles)
    state_.tiles.keep({tile.firstPlane, tile.tile.row, tile.tile.col}, std::move(tile.core));
  if (!tiles.empty()) notify(StudioChange::Tiles);
  const JobState before = state_.jobStatus.state;
  state_.jobStatus.state = jobState;
  state_.jobStatus.progress = job_.progress();
  state_.jobStatus.firstPlane = job_.currentFirstPlane();
  if (jobState != before) {
    switch (jobState) {
      case JobState::Finished:
        reportTilesNotShown();
        state_.lastOutput = state_.jobStatus.output;
        state_.job.output.clear();  // the next run gets a new output
        notify(StudioChange::JobSettings);
        break;
      case JobState::Cancelled:
        state_.lastOutput = state_.jobStatus.output;
        break;
      case JobState::Failed:
        state_.jobStatus.error = job_.error();
        report(StudioMessage::Kind::Error, "Generation failed", state_.jobStatus.error);
        break;
      default:
        break;
    }
  }
  notify(StudioChange::Job);
}

void StudioModel::reportTilesNotShown() {
  if (state_.tiles.notShown == 0) return;
  report(StudioMessage::Kind::Notice, "Tiles not shown",
         fmt::format("{} tiles are in the output but not in the 3D view, which holds {} MiB of "
                     "tiles; export or open the output to see them",
                     state_.tiles.notShown, state_.tiles.budget >> 20));
}

// Reads a job output's finished tiles back for the views (a restored session).
void StudioModel::restoreOutputTiles(const std::filesystem::path& output) {
  if (!std::filesystem::exists(output)) {
    report(StudioMessage::Kind::Notice, "Output not found",
           output.string() + " no longer exists; run the job again to regenerate it");
    return;
  }
  try {
    const auto store = OmeZarrStore::open(output);
    const auto& L = store.layout();
    const auto* model = state_.workspace.model();
    if (!model) return;
    const auto& c = model->config();
    GeneratedTiles tiles;
    tiles.tilePixels = L.chunk;
    tiles.stains = int(L.channels.size());
    tiles.sections = c.outputSections;
    tiles.grid = state_.workspace.grid();
    tiles.pixelUm = c.pixelUm;
    const std::size_t plane = std::size_t(L.chunk) * std::size_t(L.chunk);
    // The store covers the job's region: its chunk (0, 0) and plane 0 are the region's first
    // tile and plane, placed by the store's origin.
    const double tileUm = double(L.chunk) * c.pixelUm;
    const int firstRow = int(std::lround((L.originYUm - tiles.grid.originYUm) / tileUm));
    const int firstCol = int(std::lround((L.originXUm - tiles.grid.originXUm) / tileUm));
    const int firstPlane = tiles.grid.planeSpacingUm > 0
                               ? int(std::lround(L.originZUm / tiles.grid.planeSpacingUm))
                               : 0;
    for (int z0 = 0; z0 + tiles.sections <= L.planes; z0 += tiles.sections)
      for (std::int64_t r = 0; r < L.chunkRows(0); ++r)
        for (std::int64_t q = 0; q < L.chunkCols(0); ++q) {
          if (!store.hasChunk(0, 0, z0, r, q)) continue;
          const std::size_t values = std::size_t(tiles.stains * tiles.sections) * plane;
          if (tiles.bytes + values * sizeof(float) > tiles.budget) {
            ++tiles.notShown;  // counted, not read
            continue;
          }
          std::vector<float> core(values);
          for (int s = 0; s < tiles.stains; ++s)
            for (int k = 0; k < tiles.sections; ++k) {
              if (!store.hasChunk(0, s, z0 + k, r, q)) continue;
              const auto bytes = store.readChunk(0, s, z0 + k, r, q);
              float* to = core.data() + std::size_t(s * tiles.sections + k) * plane;
              for (std::size_t i = 0; i < plane && i < bytes.size(); ++i)
                to[i] = float(bytes[i]) / 127.5f - 1.0f;
            }
          tiles.keep({firstPlane + z0, firstRow + int(r), firstCol + int(q)}, std::move(core));
        }
    state_.tiles = std::move(tiles);
    state_.lastOutput = output;
    notify(StudioChange::Tiles);
    reportTilesNotShown();
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Cannot read the job's output", e.what());
  }
}

// The model generates planes in pairs (its output sections): a job or an attention pass covers
// the pair that holds the current plane.
int StudioModel::firstPlaneOfPair() const {
  const int sections =
      state_.workspace.model() ? state_.workspace.model()->config().outputSections : 1;
  const int planes = state_.ready() ? state_.workspace.grid().planes : sections;
  return std::clamp(state_.plane, 0, std::max(0, planes - sections));
}

// --- attention ---

bool StudioModel::computeAttention() {
  if (state_.attentionBusy) return false;
  if (!state_.ready()) {
    report(StudioMessage::Kind::Error, "Attention",
           state_.preparing ? "The condition is still being prepared."
                            : "The attention needs a dataset and a model.");
    return false;
  }
  const auto model = state_.workspace.sharedModel();
  const auto section = state_.workspace.paintedSection();
  const auto atlas = state_.workspace.sharedAtlas();
  SectionAttentionRequest request;
  request.plane = firstPlaneOfPair();
  const auto& genes = model->genes();
  for (const auto& g : state_.panel) {
    const auto it = std::find(genes.begin(), genes.end(), g);
    if (it != genes.end()) request.trackedGenes.push_back(std::size_t(it - genes.begin()));
  }
  const AffineTransform toAtlas = state_.workspace.paintContext().sectionToAtlas;
  // Data that does not say where the section lies has no atlas regions (as `teramind
  // attention`): its identity placement would put patches in arbitrary structures.
  const auto* dataset = state_.workspace.dataset();
  const bool placed = dataset && dataset->placement().placed;
  // Torch's own threads for one pass, unless a job already has every core.
  if (!job_.active()) configureComputeRuntime(0);
  state_.attentionBusy = true;
  state_.attentionPlane = request.plane;
  notify(StudioChange::Attention);
  auto result = std::make_shared<std::shared_ptr<const SectionAttention>>();
  runner_.run(
      [model, section, atlas, placed, toAtlas, request, result] {
        *result = std::make_shared<const SectionAttention>(SectionAttention::compute(
            *model, *section, placed ? atlas.get() : nullptr, toAtlas, request));
      },
      [this, alive = alive_, token = generation_, result](std::exception_ptr error) {
        if (!*alive) return;
        state_.attentionBusy = false;
        if (token == generation_) {
          try {
            if (error) std::rethrow_exception(error);
            state_.attention = *result;
          } catch (const std::exception& e) {
            report(StudioMessage::Kind::Error, "Attention failed", e.what());
          }
        }
        notify(StudioChange::Attention);
      });
  return true;
}

}  // namespace teramind
