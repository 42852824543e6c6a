#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atlas/Structure.h"
#include "generation/GenerationJob.h"
#include "studio/GeneMapping.h"
#include "workflow/BackgroundGeneration.h"
#include "workflow/GenerationRequest.h"
#include "workflow/SectionAttention.h"
#include "workflow/Workspace.h"

namespace teramind {

// What changed, for listeners of the studio model (views redraw only what they show).
enum class StudioChange {
  Dataset,      // dataset opened or closed (its stain, its genes)
  Model,        // model opened
  Condition,    // prepared, or painted (counts changed)
  Selection,    // selected structure
  Plane,        // current plane
  GenePanel,    // panel or overlay gene
  JobSettings,  // what the next job will do
  Job,          // job state, progress, tile counts
  Tiles,        // generated tiles arrived or were cleared
  Camera,
  Attention,  // computing, or a new result
  Undo,       // what undo/redo would do
  Message,    // a message for the user (error or notice)
};

struct StudioCamera {
  std::array<double, 3> position{}, focalPoint{}, viewUp{0, -1, 0};
  double viewAngle = 30;  // degrees
  bool operator==(const StudioCamera& o) const {
    return position == o.position && focalPoint == o.focalPoint && viewUp == o.viewUp &&
           viewAngle == o.viewAngle;
  }
};

// The next job: where and how. The output is chosen when it starts unless one is given.
struct JobSettings {
  RegionKind region = RegionKind::DemoBlock;
  std::uint64_t seed = 0;
  int steps = 15;
  int tilePatches = 4;
  std::string sampler = "blend";  // as `teramind generate --sampler` (samplerNames())
  bool allPlanes = false;
  std::filesystem::path output;  // empty: a new folder in the jobs directory
};

// The job as the user sees it: state, live progress and tile counts, where it writes.
struct JobStatus {
  JobState state = JobState::Idle;
  GenerationProgress progress;
  int firstPlane = 0;
  std::filesystem::path output;
  std::string region;  // the region's description
  std::string error;
  std::string text() const;  // "planes 0–1: 3/9 tiles, ETA 12 s", "Finished: 9 tiles …"
};

// Finished tiles, kept for the views: [stain][section][y][x] in [−1, 1] per (first plane,
// tile row, tile column), and where a tile lies on the section.
// The 3D view draws at most this much of a job: a whole-section job writes far more, which stays
// in its OME-Zarr output (a session or a resumed job reads back only this much).
inline constexpr std::size_t kMaxShownTileBytes = std::size_t(512) << 20;

struct GeneratedTiles {
  int tilePixels = 0, stains = 0, sections = 0;
  double pixelUm = 1;
  BinGrid grid;
  std::map<std::array<int, 3>, std::vector<float>> cores;
  std::size_t budget = kMaxShownTileBytes;
  std::size_t bytes = 0;      // held by `cores`
  std::int64_t notShown = 0;  // finished tiles over the budget
  // Keeps a tile for the views unless the budget is spent; false when it is not kept.
  bool keep(const std::array<int, 3>& key, std::vector<float> core) {
    const std::size_t size = core.size() * sizeof(float);
    if (!cores.count(key) && bytes + size > budget) {
      ++notShown;
      return false;
    }
    auto& slot = cores[key];
    bytes = bytes - slot.size() * sizeof(float) + size;
    slot = std::move(core);
    return true;
  }
};

struct StudioMessage {
  enum class Kind { Notice, Error };
  Kind kind = Kind::Notice;
  std::string title, text;
};

// Everything the studio shows and a session keeps, without a widget: the workspace (atlas,
// dataset, model, prepared condition with its one undo history), the selection, the plane,
// the gene panel, the camera, job settings and status, generated tiles, the attention result.
// The StudioModel changes it and tells its listeners what changed.
struct StudioState {
  explicit StudioState(std::shared_ptr<const Atlas> atlas) : workspace(std::move(atlas)) {}

  Workspace workspace;
  bool preparing = false;    // the condition is being binned for the model
  std::string preparedNote;  // how the data was fitted to the model ("1 plane repeated …")
  GeneMapping genes;         // the dataset's genes against the model's panel
  std::optional<StructureId> selection;
  int plane = 0;
  std::vector<std::string> panel;
  std::string overlayGene;
  std::optional<StudioCamera> camera;
  JobSettings job;
  JobStatus jobStatus;
  GeneratedTiles tiles;
  std::shared_ptr<const SectionAttention> attention;
  bool attentionBusy = false;
  int attentionPlane = 0;
  std::string attentionRegion = "section";
  bool attentionPanelOnly = false;      // the matrix (and its CSV) keeps to the panel's genes
  std::filesystem::path lastOutput;     // the last finished (or resumable) job's output
  std::vector<StudioMessage> messages;  // newest last

  bool ready() const { return workspace.ready(); }
  bool hasEdits() const { return ready() && !workspace.condition().edits().empty(); }
  bool hasStains() const { return workspace.dataset() && !workspace.dataset()->stains.empty(); }
};

}  // namespace teramind
