#include "studio/StudioModel.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "analysis/AttentionTables.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "conditions/AtlasRegionSelection.h"
#include "conditions/Selection.h"
#include "io/OmeZarrStore.h"
#include "io/OmeZarrVolume.h"
#include "io/VolumeFile.h"
#include "model/ComputeRuntime.h"
#include "transcriptomics/GenePanel.h"
#include "workflow/ConditionSource.h"
#include "workflow/GenerationRegion.h"
#include "workflow/GenerationSampler.h"
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

// As a user reads it: "knock out Slc17a7 in CA1 (1234 bins)", "scale Gad1 ×2 in a brush …".
std::string describeOperation(const ConditionEdit& edit) {
  const auto& op = edit.operation();
  if (std::holds_alternative<KnockOut>(op)) return "knock out " + edit.gene();
  if (const auto* v = std::get_if<ScaleValue>(&op))
    return fmt::format("scale {} ×{:g}", edit.gene(), v->factor);
  if (const auto* v = std::get_if<SetValue>(&op))
    return fmt::format("set {} to {:g}", edit.gene(), v->value);
  if (const auto* v = std::get_if<AddValue>(&op))
    return fmt::format("add {:g} to {}", v->value, edit.gene());
  const auto& copy = std::get<CopyFromGene>(op);
  return fmt::format("copy {} into {}", copy.sourceGene, edit.gene());
}

std::string describeCommand(const EditCommand& command, const Atlas& atlas) {
  return fmt::format("{} in {} ({} bins)", describeOperation(command.edit()),
                     describeSelection(command.edit(), atlas), command.changes().size());
}

std::vector<std::string> datasetGenes(const SpatialDataset& dataset) {
  if (const auto* t = dataset.transcripts()) return t->genes.geneNames();
  if (const auto* c = dataset.cells()) return c->genes.geneNames();
  return {};
}

}  // namespace
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

SectionPlacementState StudioModel::placementState() const {
  const SpatialDataset* dataset = state_.workspace.dataset();
  if (!dataset) return SectionPlacementState::NoSection;
  return dataset->placement().placed ? SectionPlacementState::Placed
                                     : SectionPlacementState::Unplaced;
}

std::string StudioModel::placementNotice(SectionPlacementState state) {
  return state == SectionPlacementState::Unplaced
             ? "Section not placed in the atlas: Section \u2192 Place with Landmarks\u2026"
             : std::string();
}

bool StudioModel::hasUnsavedEdits() const {
  return state_.hasEdits() && state_.workspace.condition().edits() != savedEdits_;
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

// `load` runs on the runner and returns what installs its result on the owner's thread.
void StudioModel::loadInBackground(const std::filesystem::path& path,
                                   std::function<std::function<void()>()> load) {
  auto install = std::make_shared<std::function<void()>>();
  ++loads_;
  runner_.run([load = std::move(load), install] { *install = load(); },
              [this, alive = alive_, path, install](std::exception_ptr error) {
                if (!*alive) return;
                --loads_;
                try {
                  if (error) std::rethrow_exception(error);
                  (*install)();
                } catch (const std::exception& e) {
                  report(StudioMessage::Kind::Error, "Cannot open " + path.filename().string(),
                         e.what());
                }
              });
}

void StudioModel::openDataset(const std::filesystem::path& path, bool dropEdits,
                              const DatasetReadOptions& read) {
  if (refuseDroppingEdits(dropEdits, path.filename().string())) return;
  loadInBackground(path, [this, path, read]() -> std::function<void()> {
    auto dataset = std::make_shared<const SpatialDataset>(
        loadSpatialDataset(path, {}, DatasetContent::All, read));
    return [this, dataset, path, read] { setDataset(dataset, path, true, read); };
  });
}

bool StudioModel::reopenSavedPlacement(bool dropEdits) {
  const SpatialDataset* dataset = state_.workspace.dataset();
  if (!dataset) {
    report(StudioMessage::Kind::Error, "Nothing to open again", "No dataset is open.");
    return false;
  }
  const std::filesystem::path path =
      state_.workspace.datasetPath().empty() ? dataset->source : state_.workspace.datasetPath();
  if (refuseDroppingEdits(dropEdits, path.filename().string())) return false;
  DatasetReadOptions read = state_.workspace.readOptions();
  read.landmarks.reset();
  openDataset(path, true, read);
  return true;
}

void StudioModel::openModel(const std::filesystem::path& path, bool dropEdits) {
  if (refuseDroppingEdits(dropEdits, path.filename().string())) return;
  loadInBackground(path, [this, path]() -> std::function<void()> {
    auto model = std::make_shared<const MorphologyModel>(MorphologyModel::load(path));
    return [this, model, path] { setModel(model, path, true); };
  });
}

bool StudioModel::setDataset(std::shared_ptr<const SpatialDataset> dataset,
                             const std::filesystem::path& source, bool dropEdits,
                             const DatasetReadOptions& read) {
  if (refuseDroppingEdits(dropEdits, dataset ? dataset->name : "no dataset")) return false;
  state_.workspace.setDataset(std::move(dataset), source, read);
  mapGenes();
  notify(StudioChange::Dataset);
  datasetOrModelChanged();
  return true;
}

bool StudioModel::setModel(std::shared_ptr<const MorphologyModel> model,
                           const std::filesystem::path& source, bool dropEdits) {
  if (refuseDroppingEdits(dropEdits, model ? model->config().name + " model" : "no model"))
    return false;
  state_.workspace.setModel(std::move(model), source);
  mapGenes();
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

void StudioModel::mapGenes() {
  const auto* dataset = state_.workspace.dataset();
  const auto* model = state_.workspace.model();
  state_.genes =
      dataset && model ? teramind::mapGenes(datasetGenes(*dataset), model->genes()) : GeneMapping{};
}

void StudioModel::datasetOrModelChanged() {
  ++generation_;
  state_.attention.reset();
  state_.tiles.cores.clear();
  state_.preparedNote.clear();
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
  // Edits of genes outside the model's panel cannot change what it generates: skipped, said.
  std::vector<std::string> skipped;
  const auto& condition = state_.workspace.condition().condition();
  // Replayed as recorded (even one that meets no bin), so the edits stay the document's.
  for (const auto& edit : restore.edits) {
    if (!condition.geneIndex(edit.gene())) {
      skipped.push_back(edit.gene());
      continue;
    }
    try {
      state_.workspace.condition().apply(edit);
    } catch (const std::exception& e) {
      report(StudioMessage::Kind::Error, "Edit rejected", e.what());
    }
  }
  savedEdits_ = state_.workspace.condition().edits();  // as opened
  if (!restore.edits.empty()) {
    notify(StudioChange::Condition);
    notify(StudioChange::Undo);
  }
  if (!skipped.empty())
    report(StudioMessage::Kind::Notice, "Edits skipped",
           fmt::format("{} edit(s) of genes outside the model's panel skipped: {}", skipped.size(),
                       fmt::join(skipped, ", ")));
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

void StudioModel::setAttentionPanelOnly(bool panelOnly) {
  if (panelOnly == state_.attentionPanelOnly) return;
  state_.attentionPanelOnly = panelOnly;
  notify(StudioChange::Attention);
}

std::vector<std::size_t> StudioModel::attentionOrder() const {
  if (!state_.attention) return {};
  return state_.attention->shownOrder(state_.attentionRegion, state_.attentionPanelOnly
                                                                  ? state_.panel
                                                                  : std::vector<std::string>());
}

void StudioModel::setCamera(const StudioCamera& camera) {
  if (state_.camera && *state_.camera == camera) return;
  state_.camera = camera;
  notify(StudioChange::Camera);
}

bool StudioModel::setJobSettings(const JobSettings& settings) {
  try {
    samplerFromName(settings.sampler);
  } catch (const std::invalid_argument& e) {
    report(StudioMessage::Kind::Error, "Cannot use these job settings", e.what());
    return false;
  }
  state_.job = settings;
  notify(StudioChange::JobSettings);
  return true;
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
    auto& document = state_.workspace.condition();
    // An edit that meets no bin would only clutter the history: said, not recorded.
    if (selectBins(edit.selection(), document.condition().grid(), document.context()).empty()) {
      report(StudioMessage::Kind::Error, "Nothing painted",
             fmt::format("{} does not meet the section as it is placed: no bin to paint",
                         describeSelection(edit, atlas())));
      return false;
    }
    const EditCommand& applied = document.apply(edit);
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

}  // namespace teramind
