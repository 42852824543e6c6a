#include "studio/StudioModel.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <fmt/core.h>

#include "analysis/AttentionTables.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "conditions/AtlasRegionSelection.h"
#include "io/OmeZarrStore.h"
#include "io/OmeZarrVolume.h"
#include "io/VolumeFile.h"
#include "model/ComputeRuntime.h"
#include "transcriptomics/GenePanel.h"
#include "workflow/GenerationRegion.h"
#include "workflow/RegionGeneration.h"

namespace teramind {
namespace {

std::string describeSelection(const ConditionEdit& edit, const Atlas& atlas) {
  if (const auto* region = std::get_if<AtlasRegionSelection>(&edit.selection()))
    return atlas.ontology().byId(region->structureId).acronym;
  if (const auto* brush = std::get_if<BrushStroke>(&edit.selection()))
    return fmt::format("brush r={} µm", brush->radiusUm);
  return "polygon";
}

std::string describeCommand(const EditCommand& command, const Atlas& atlas) {
  return fmt::format("{} {} on {} ({} bins)", operationName(command.edit().operation()),
                     command.edit().gene(), describeSelection(command.edit(), atlas),
                     command.changes().size());
}

std::vector<std::string> datasetGenes(const SpatialDataset& dataset) {
  if (const auto* t = dataset.transcripts()) return t->genes.geneNames();
  if (const auto* c = dataset.cells()) return c->genes.geneNames();
  return {};
}

}  // namespace

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
    case JobState::Running:
      return fmt::format("planes {}–{}: {}, {}", firstPlane, firstPlane + 1, tiles,
                         eta(progress.etaSeconds));
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

StudioModel::StudioModel(std::shared_ptr<const Atlas> atlas, TaskRunner& runner,
                         std::filesystem::path jobsDirectory)
    : state_(std::move(atlas)),
      runner_(runner),
      jobsDirectory_(std::move(jobsDirectory)),
      job_(runner),
      jobWake_(std::make_shared<std::atomic<bool>>(false)),
      alive_(std::make_shared<bool>(true)) {}

StudioModel::~StudioModel() {
  *alive_ = false;
  job_.cancel();
}

int StudioModel::subscribe(Listener listener) {
  listeners_.emplace_back(nextListener_, std::move(listener));
  return nextListener_++;
}

void StudioModel::unsubscribe(int id) {
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [id](const auto& l) { return l.first == id; }),
                   listeners_.end());
}

void StudioModel::notify(StudioChange change) {
  const auto listeners = listeners_;  // a listener may subscribe or unsubscribe
  for (const auto& [id, listener] : listeners) listener(change);
}

void StudioModel::report(StudioMessage::Kind kind, std::string title, std::string text) {
  state_.messages.push_back({kind, std::move(title), std::move(text)});
  if (state_.messages.size() > 100) state_.messages.erase(state_.messages.begin());
  notify(StudioChange::Message);
}

std::string StudioModel::lastError() const {
  for (auto it = state_.messages.rbegin(); it != state_.messages.rend(); ++it)
    if (it->kind == StudioMessage::Kind::Error) return it->text;
  return {};
}

bool StudioModel::refuseDroppingEdits(bool dropEdits, const std::string& what) {
  if (!state_.hasEdits()) return false;
  const auto n = state_.workspace.condition().edits().size();
  if (!dropEdits) {
    report(StudioMessage::Kind::Error, "Painted edits would be lost",
           fmt::format("Opening {} would drop the {} painted edit{}: save the session or the "
                       "condition first, or confirm.",
                       what, n, n == 1 ? "" : "s"));
    return true;
  }
  report(
      StudioMessage::Kind::Notice, "Edits dropped",
      fmt::format("{} painted edit{} dropped with the previous condition", n, n == 1 ? "" : "s"));
  return false;
}

// --- data and model ---

void StudioModel::openDataset(const std::filesystem::path& path, bool dropEdits) {
  if (refuseDroppingEdits(dropEdits, path.filename().string())) return;
  auto result = std::make_shared<std::shared_ptr<const SpatialDataset>>();
  ++loads_;
  runner_.run(
      [path, result] {
        *result = std::make_shared<const SpatialDataset>(loadSpatialDataset(path));
      },
      [this, alive = alive_, path, result](std::exception_ptr error) {
        if (!*alive) return;
        --loads_;
        try {
          if (error) std::rethrow_exception(error);
          setDataset(*result, path, true);
        } catch (const std::exception& e) {
          report(StudioMessage::Kind::Error, "Cannot open " + path.filename().string(), e.what());
        }
      });
}

void StudioModel::openModel(const std::filesystem::path& path, bool dropEdits) {
  if (refuseDroppingEdits(dropEdits, path.filename().string())) return;
  auto result = std::make_shared<std::shared_ptr<const MorphologyModel>>();
  ++loads_;
  runner_.run(
      [path, result] {
        *result = std::make_shared<const MorphologyModel>(MorphologyModel::load(path));
      },
      [this, alive = alive_, path, result](std::exception_ptr error) {
        if (!*alive) return;
        --loads_;
        try {
          if (error) std::rethrow_exception(error);
          setModel(*result, path, true);
        } catch (const std::exception& e) {
          report(StudioMessage::Kind::Error, "Cannot open " + path.filename().string(), e.what());
        }
      });
}

bool StudioModel::setDataset(std::shared_ptr<const SpatialDataset> dataset,
                             const std::filesystem::path& source, bool dropEdits) {
  if (refuseDroppingEdits(dropEdits, dataset ? dataset->name : "no dataset")) return false;
  state_.workspace.setDataset(std::move(dataset), source);
  notify(StudioChange::Dataset);
  datasetOrModelChanged();
  return true;
}

bool StudioModel::setModel(std::shared_ptr<const MorphologyModel> model,
                           const std::filesystem::path& source, bool dropEdits) {
  if (refuseDroppingEdits(dropEdits, model ? model->config().name + " model" : "no model"))
    return false;
  state_.workspace.setModel(std::move(model), source);
  // The panel starts as the glutamatergic preset's genes the model has (the studio's first
  // view of the attention); a session sets its own after.
  state_.panel.clear();
  if (const auto* m = state_.workspace.model())
    for (const auto& g : GenePanel::preset("GLUT").genes)
      if (std::find(m->genes().begin(), m->genes().end(), g) != m->genes().end())
        state_.panel.push_back(g);
  state_.overlayGene.clear();
  notify(StudioChange::Model);
  notify(StudioChange::GenePanel);
  datasetOrModelChanged();
  return true;
}

void StudioModel::datasetOrModelChanged() {
  ++generation_;
  state_.attention.reset();
  state_.tiles.cores.clear();
  state_.preparedNote.clear();
  const auto* dataset = state_.workspace.dataset();
  const auto* model = state_.workspace.model();
  state_.genes =
      dataset && model ? mapGenes(datasetGenes(*dataset), model->genes()) : GeneMapping{};
  notify(StudioChange::Attention);
  notify(StudioChange::Tiles);
  notify(StudioChange::Condition);
  notify(StudioChange::Undo);
  prepareCondition();
}

// Bins the dataset for the model on the runner; painting, jobs and attention wait for it.
void StudioModel::prepareCondition() {
  auto dataset = state_.workspace.sharedDataset();
  auto model = state_.workspace.sharedModel();
  state_.preparing = dataset && model;
  if (!state_.preparing) return;
  auto result = std::make_shared<Workspace::Prepared>();
  runner_.run([dataset, model, result] { *result = Workspace::prepare(*dataset, *model); },
              [this, alive = alive_, token = generation_, result](std::exception_ptr error) {
                if (!*alive || token != generation_) return;  // replaced meanwhile
                state_.preparing = false;
                try {
                  if (error) std::rethrow_exception(error);
                  const int measured = result->section->measuredPlanes;
                  const int planes = result->section->grid.planes;
                  state_.workspace.install(std::move(*result));
                  if (measured > 0 && measured < planes)
                    state_.preparedNote =
                        fmt::format("the data's {} plane is repeated on the model's {} planes",
                                    measured, planes);
                } catch (const std::exception& e) {
                  pending_.reset();
                  report(StudioMessage::Kind::Error, "Cannot prepare the condition", e.what());
                  notify(StudioChange::Condition);
                  return;
                }
                conditionReady();
              });
}

void StudioModel::conditionReady() {
  state_.plane = std::clamp(state_.plane, 0, state_.workspace.grid().planes - 1);
  notify(StudioChange::Condition);
  notify(StudioChange::Plane);
  // A session's restore waits for the last of its loads (this condition may be an old model's).
  if (!pending_ || loads_ > 0) return;
  const PendingRestore restore = std::move(*pending_);
  pending_.reset();
  for (const auto& edit : restore.edits) paint(edit);
  if (!restore.output.empty()) restoreOutputTiles(restore.output);
  if (restore.attention) computeAttention();
}

// --- view state ---

void StudioModel::select(std::optional<StructureId> id) {
  if (id && !atlas().ontology().contains(*id)) id.reset();
  if (state_.selection == id) return;
  state_.selection = id;
  notify(StudioChange::Selection);
  // The attention is read where the user looks: the structure, else the whole section.
  setAttentionRegion(id ? atlas().ontology().byId(*id).acronym : "section");
}

bool StudioModel::selectAcronym(const std::string& acronym) {
  const Structure* s = atlas().ontology().findAcronym(acronym);
  if (!s) {
    report(StudioMessage::Kind::Error, "Unknown structure",
           "No structure has the acronym '" + acronym + "'");
    return false;
  }
  select(s->id);
  return true;
}

void StudioModel::setPlane(int plane) {
  const int planes = state_.ready() ? state_.workspace.grid().planes : 1;
  plane = std::clamp(plane, 0, std::max(0, planes - 1));
  if (plane == state_.plane) return;
  state_.plane = plane;
  notify(StudioChange::Plane);
}

void StudioModel::setPanel(std::vector<std::string> genes) {
  if (genes == state_.panel) return;
  state_.panel = std::move(genes);
  notify(StudioChange::GenePanel);
}

void StudioModel::setOverlayGene(const std::string& gene) {
  if (gene == state_.overlayGene) return;
  state_.overlayGene = gene;
  notify(StudioChange::GenePanel);
}

void StudioModel::setAttentionRegion(const std::string& region) {
  if (region == state_.attentionRegion) return;
  state_.attentionRegion = region;
  notify(StudioChange::Attention);
}

void StudioModel::setCamera(const StudioCamera& camera) {
  if (state_.camera && *state_.camera == camera) return;
  state_.camera = camera;
  notify(StudioChange::Camera);
}

void StudioModel::setJobSettings(const JobSettings& settings) {
  state_.job = settings;
  notify(StudioChange::JobSettings);
}

// --- painting ---

bool StudioModel::paint(const ConditionEdit& edit) {
  if (!state_.ready()) {
    report(StudioMessage::Kind::Error, "Cannot paint yet",
           state_.preparing ? "The condition is still being prepared."
                            : "Painting needs a dataset and a model.");
    return false;
  }
  try {
    const EditCommand& applied = state_.workspace.condition().apply(edit);
    report(StudioMessage::Kind::Notice, "Painted", describeCommand(applied, atlas()));
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Edit rejected", e.what());
    return false;
  }
  notify(StudioChange::Condition);
  notify(StudioChange::Undo);
  return true;
}

bool StudioModel::paintSelectedStructure(const std::string& gene, const PaintOperation& operation) {
  if (!state_.selection) {
    report(StudioMessage::Kind::Error, "No structure", "Select a structure to paint first.");
    return false;
  }
  return paint(
      ConditionEdit(gene, AtlasRegionSelection{*state_.selection, std::nullopt}, operation));
}

bool StudioModel::canUndo() const {
  return state_.ready() && state_.workspace.condition().canUndo();
}

bool StudioModel::canRedo() const {
  return state_.ready() && state_.workspace.condition().canRedo();
}

std::string StudioModel::undoText() const {
  if (!canUndo()) return {};
  const auto& h = state_.workspace.condition().history();
  return describeCommand(h.command(h.undoCount() - 1), atlas());
}

std::string StudioModel::redoText() const {
  if (!canRedo()) return {};
  const auto& h = state_.workspace.condition().history();
  return describeCommand(h.command(h.undoCount()), atlas());
}

std::vector<std::string> StudioModel::historyTexts() const {
  std::vector<std::string> texts;
  if (!state_.ready()) return texts;
  const auto& h = state_.workspace.condition().history();
  for (std::size_t i = 0; i < h.size(); ++i)
    texts.push_back(describeCommand(h.command(i), atlas()));
  return texts;
}

std::size_t StudioModel::historyPosition() const {
  return state_.ready() ? state_.workspace.condition().history().undoCount() : 0;
}

bool StudioModel::goToHistory(std::size_t position) {
  if (!state_.ready() || position > state_.workspace.condition().history().size()) return false;
  auto& document = state_.workspace.condition();
  while (document.history().undoCount() > position) document.undo();
  while (document.history().undoCount() < position) document.redo();
  notify(StudioChange::Condition);
  notify(StudioChange::Undo);
  return true;
}

bool StudioModel::undo() {
  if (!canUndo()) return false;
  state_.workspace.condition().undo();
  notify(StudioChange::Condition);
  notify(StudioChange::Undo);
  return true;
}

bool StudioModel::redo() {
  if (!canRedo()) return false;
  state_.workspace.condition().redo();
  notify(StudioChange::Condition);
  notify(StudioChange::Undo);
  return true;
}

// --- generation ---

std::filesystem::path StudioModel::newJobOutput() const {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return jobsDirectory_ / (std::string("job-") + stamp + ".zarr");
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
    RegionGenerationSettings settings = defaultGenerationSettings();
    settings.sampling.seed = state_.job.seed;
    settings.sampling.steps = state_.job.steps;
    settings.tilePatches = state_.job.tilePatches;
    const std::string description = state_.workspace.jobDescription();

    std::filesystem::path out = state_.job.output.empty() ? newJobOutput() : state_.job.output;
    std::string why;
    if (RegionGeneration::inspectOutput(*model, region, settings, out, description, &why) ==
        RegionGeneration::OutputUse::OtherJob) {
      const auto fresh = nextFreeOutput(out);
      report(StudioMessage::Kind::Notice, "New output",
             fmt::format("{} holds another job ({}); this one writes {}", out.string(), why,
                         fresh.string()));
      out = fresh;
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
    state_.tiles.cores[{tile.firstPlane, tile.tile.row, tile.tile.col}] = std::move(tile.core);
  if (!tiles.empty()) notify(StudioChange::Tiles);
  const JobState before = state_.jobStatus.state;
  state_.jobStatus.state = jobState;
  state_.jobStatus.progress = job_.progress();
  state_.jobStatus.firstPlane = job_.currentFirstPlane();
  if (jobState != before) {
    switch (jobState) {
      case JobState::Finished:
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
    for (int z0 = 0; z0 + tiles.sections <= L.planes; z0 += tiles.sections)
      for (std::int64_t r = 0; r < L.chunkRows(0); ++r)
        for (std::int64_t q = 0; q < L.chunkCols(0); ++q) {
          if (!store.hasChunk(0, 0, z0, r, q)) continue;
          std::vector<float> core(std::size_t(tiles.stains * tiles.sections) * plane);
          for (int s = 0; s < tiles.stains; ++s)
            for (int k = 0; k < tiles.sections; ++k) {
              if (!store.hasChunk(0, s, z0 + k, r, q)) continue;
              const auto bytes = store.readChunk(0, s, z0 + k, r, q);
              float* to = core.data() + std::size_t(s * tiles.sections + k) * plane;
              for (std::size_t i = 0; i < plane && i < bytes.size(); ++i)
                to[i] = float(bytes[i]) / 127.5f - 1.0f;
            }
          tiles.cores[{z0, int(r), int(q)}] = std::move(core);
        }
    state_.tiles = std::move(tiles);
    state_.lastOutput = output;
    notify(StudioChange::Tiles);
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
  // Torch's own threads for one pass, unless a job already has every core.
  if (!job_.active()) configureComputeRuntime(0);
  state_.attentionBusy = true;
  state_.attentionPlane = request.plane;
  notify(StudioChange::Attention);
  auto result = std::make_shared<std::shared_ptr<const SectionAttention>>();
  runner_.run(
      [model, section, atlas, toAtlas, request, result] {
        *result = std::make_shared<const SectionAttention>(
            SectionAttention::compute(*model, *section, atlas.get(), toAtlas, request));
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

// --- exports ---

bool StudioModel::exportVolume(const std::filesystem::path& file) {
  const auto source = !state_.lastOutput.empty() ? state_.lastOutput : state_.jobStatus.output;
  if (source.empty()) {
    report(StudioMessage::Kind::Error, "Nothing to export", "Generate a region first.");
    return false;
  }
  try {
    const auto store = OmeZarrStore::open(source);
    writeVolume(file, AnyVolume(readOmeZarrLevel(store, 0, 4.0 * (1ll << 30))));
    report(StudioMessage::Kind::Notice, "Exported",
           fmt::format("Exported {} → {}", source.string(), file.string()));
    return true;
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Export failed", e.what());
    return false;
  }
}

bool StudioModel::exportAttentionCsv(const std::filesystem::path& file) {
  if (!state_.attention) {
    report(StudioMessage::Kind::Error, "Nothing to export", "Compute the attention first.");
    return false;
  }
  try {
    writeTextFileAtomically(
        file, attentionMatrixCsv(state_.attention->genes(),
                                 state_.attention->aggregate().mean(state_.attentionRegion),
                                 state_.attention->clusteredOrder(state_.attentionRegion)));
    report(StudioMessage::Kind::Notice, "Saved", "Saved " + file.string());
    return true;
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Export failed", e.what());
    return false;
  }
}

// --- sessions ---

bool StudioModel::saveSession(const std::filesystem::path& file) {
  try {
    const Workspace& ws = state_.workspace;
    StudioSession s;
    s.atlas = ws.atlas().files().annotation.parent_path();
    s.atlasResolutionUm = ws.atlas().resolutionUm();
    s.dataset = ws.datasetPath();
    s.model = ws.modelPath();
    if (state_.selection) s.structure = atlas().ontology().byId(*state_.selection).acronym;
    s.panel = state_.panel;
    s.overlayGene = state_.overlayGene;
    if (state_.camera)
      s.camera = StudioSession::Camera{state_.camera->position, state_.camera->focalPoint,
                                       state_.camera->viewUp, state_.camera->viewAngle};
    if (state_.hasEdits()) {
      std::filesystem::path condition = file;
      condition.replace_extension(".condition.json");
      ws.condition().save(condition);
      s.condition = condition;
    }
    s.job.seed = state_.job.seed;
    s.job.steps = state_.job.steps;
    s.job.tilePatches = state_.job.tilePatches;
    s.job.plane = state_.plane;
    s.job.region = state_.job.region;
    s.job.allPlanes = state_.job.allPlanes;
    s.job.output = !state_.lastOutput.empty() ? state_.lastOutput : state_.job.output;
    s.attention = state_.attention != nullptr;
    s.save(file);
    report(StudioMessage::Kind::Notice, "Saved", "Saved session " + file.string());
    return true;
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Cannot save the session", e.what());
    return false;
  }
}

bool StudioModel::loadSession(const std::filesystem::path& file, bool dropEdits) {
  try {
    const auto s = StudioSession::load(file);
    if (refuseDroppingEdits(dropEdits, file.filename().string())) return false;
    PendingRestore restore;
    if (!s.condition.empty())
      restore.edits = ConditionDocument::load(s.condition, &atlas()).edits();
    restore.output = s.job.output;
    restore.attention = s.attention;

    JobSettings job;
    job.seed = s.job.seed;
    job.steps = s.job.steps;
    job.tilePatches = s.job.tilePatches;
    job.region = s.job.region;
    job.allPlanes = s.job.allPlanes;
    setJobSettings(job);
    select(std::nullopt);
    if (!s.structure.empty()) selectAcronym(s.structure);
    if (s.camera)
      setCamera({s.camera->position, s.camera->focalPoint, s.camera->viewUp, s.camera->viewAngle});

    const bool newDataset = !s.dataset.empty() && s.dataset != state_.workspace.datasetPath();
    const bool newModel = !s.model.empty() && s.model != state_.workspace.modelPath();
    if (newDataset) openDataset(s.dataset, true);
    if (newModel) openModel(s.model, true);
    // Panel, overlay and plane after the model: a new model resets the panel.
    auto applyView = [this, panel = s.panel, overlay = s.overlayGene, plane = s.job.plane] {
      setPanel(panel);
      setOverlayGene(overlay);
      state_.plane = plane;
      notify(StudioChange::Plane);
    };
    if (newModel) {
      auto id = std::make_shared<int>(-1);
      *id = subscribe([this, id, applyView](StudioChange change) {
        if (change != StudioChange::Model) return;
        applyView();
        const int self = *id;
        runner_.post([this, self, alive = alive_] {
          if (*alive) unsubscribe(self);
        });
      });
    } else {
      applyView();
    }
    if (newDataset || newModel || !state_.ready()) {
      pending_ = std::move(restore);  // replayed once the condition is prepared
    } else {
      // Same data and model: prepared again, so the session's edits replace the current ones.
      pending_ = std::move(restore);
      datasetOrModelChanged();
    }
    report(StudioMessage::Kind::Notice, "Opened", "Opened session " + file.string());
    return true;
  } catch (const std::exception& e) {
    report(StudioMessage::Kind::Error, "Cannot open the session", e.what());
    return false;
  }
}

}  // namespace teramind
