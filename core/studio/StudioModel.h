#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/TaskRunner.h"
#include "conditions/ConditionEdit.h"
#include "studio/StudioState.h"
#include "workflow/StudioSession.h"

namespace teramind {

// Where the open section is in the atlas, as far as the studio knows.
enum class SectionPlacementState {
  NoSection,  // no dataset open
  Unplaced,   // the data says nothing: its identity placement puts it at the atlas origin
  Placed,
};

// The studio without a window: its state and every action a user takes — open data and a
// model, select, paint/undo/redo, run a job (start, pause, cancel, resume), compute the
// attention, export, save and restore a session. Widgets call these and redraw on the changes
// they are told about; nothing here knows a toolkit. Slow work (loading, binning, attention,
// generation) runs on the TaskRunner, whose owner thread is the thread that calls the model.
//
// Actions report failure as a StudioMessage (and a false return) rather than throwing, as a
// front end shows them.
class StudioModel {
 public:
  using Listener = std::function<void(StudioChange)>;

  StudioModel(std::shared_ptr<const Atlas> atlas, TaskRunner& runner,
              std::filesystem::path jobsDirectory);
  ~StudioModel();  // cancels a running job and waits for its thread
  StudioModel(const StudioModel&) = delete;
  StudioModel& operator=(const StudioModel&) = delete;

  const StudioState& state() const { return state_; }
  const Atlas& atlas() const { return state_.workspace.atlas(); }
  // Called on the owner's thread after each change; returns an id for unsubscribe().
  int subscribe(Listener listener);
  void unsubscribe(int id);

  // --- data and model ---
  // Whether opening other data or another model would drop painted edits: a front end asks
  // the user first and passes `dropEdits`; without it the action refuses with a message.
  bool wouldDropEdits() const { return state_.hasEdits(); }
  // Painted edits that no saved session or document holds (a front end asks before quitting).
  bool hasUnsavedEdits() const;
  // Loads on the runner; the condition is prepared once both a dataset and a model are open.
  // `read` says how to read files that do not say it themselves (a spot table's column map
  // and pixel size: studio/DatasetReadPrompt.h asks for them); it is kept with the dataset,
  // and sessions, documents and jobs record it.
  void openDataset(const std::filesystem::path& path, bool dropEdits = false,
                   const DatasetReadOptions& read = {});
  void openModel(const std::filesystem::path& path, bool dropEdits = false);
  // Opens the open dataset again from its files once its placement is saved beside them: with
  // the read options it was opened with, less --landmarks, which would override what was just
  // saved. False (message) when no dataset is open or painted edits would be dropped.
  bool reopenSavedPlacement(bool dropEdits = false);
  bool setDataset(std::shared_ptr<const SpatialDataset> dataset,
                  const std::filesystem::path& source, bool dropEdits = false,
                  const DatasetReadOptions& read = {});
  bool setModel(std::shared_ptr<const MorphologyModel> model, const std::filesystem::path& source,
                bool dropEdits = false);
  // Whether the open section lies somewhere known in the atlas (its data, a saved placement or
  // --landmarks said where). Views bind to it on Dataset changes: an unplaced section is framed
  // face-on and placementNotice() is shown until it is placed.
  SectionPlacementState placementState() const;
  // The persistent note for a state ("" when there is nothing to say).
  static std::string placementNotice(SectionPlacementState state);
  // Whether loading or preparing is under way.
  bool busy() const { return loads_ > 0 || state_.preparing; }

  // --- view state ---
  void select(std::optional<StructureId> id);
  bool selectAcronym(const std::string& acronym);  // false (message) for an unknown acronym
  void setPlane(int plane);
  void setPanel(std::vector<std::string> genes);
  void setOverlayGene(const std::string& gene);
  void setCamera(const StudioCamera& camera);
  // Which region's attention the heatmap shows and the CSV holds ("section", "roi", an acronym).
  void setAttentionRegion(const std::string& region);
  void setAttentionPanelOnly(bool panelOnly);
  // The genes the attention matrix shows and its CSV holds, in clustered order.
  std::vector<std::size_t> attentionOrder() const;
  // False (message), and the settings are kept, for a sampler samplerNames() does not list.
  bool setJobSettings(const JobSettings& settings);

  // --- painting: one undo history, the condition document's ---
  bool paint(const ConditionEdit& edit);
  bool paintSelectedStructure(const std::string& gene, const PaintOperation& operation);
  bool undo();
  bool redo();
  bool canUndo() const;
  bool canRedo() const;
  std::string undoText() const;  // "set Slc17a7 on CA1 (1,234 bins)"; empty when none
  std::string redoText() const;
  // Every command of the history, oldest first (undone ones too), and how many are applied.
  std::vector<std::string> historyTexts() const;
  std::size_t historyPosition() const;
  // Undoes or redoes until `position` commands are applied.
  bool goToHistory(std::size_t position);

  // --- generation ---
  // Starts the job of the job settings. A re-run whose inputs changed goes to a new output
  // (said in a notice); the same job resumes its output.
  bool startJob();
  // What the next job runs with: the defaults with the job's seed, steps, tile size and sampler
  // (its decoders and halos), as `teramind generate --sampler` runs the same name.
  RegionGenerationSettings jobGenerationSettings() const;
  void pauseJob();
  void resumeJob();
  void cancelJob();
  bool jobActive() const { return job_.active(); }

  // --- attention over the section, on the current plane, tracking the panel's genes ---
  bool computeAttention();

  // --- exports ---
  bool exportVolume(const std::filesystem::path& file);  // the last output, level 0
  bool exportAttentionCsv(const std::filesystem::path& file);

  // --- condition documents (the studio's and `teramind paint`'s) ---
  // Opens the document's data (and model, when it names one) unless they are open, then
  // replays its edits on the prepared condition; edits of genes the model lacks are skipped.
  bool openConditionDocument(const std::filesystem::path& file, bool dropEdits = false);

  // --- sessions ---
  bool saveSession(const std::filesystem::path& file);
  // Restores everything saveSession keeps: data, model, selection, panel, camera, job
  // settings, the painted edits, the generated output (its tiles read back) and the attention
  // (computed again once the condition is ready). Loads run on the runner.
  bool loadSession(const std::filesystem::path& file, bool dropEdits = false);

  // The last error message's text (empty when none).
  std::string lastError() const;
  // A message from a view (a stain that cannot be drawn …), told to every listener.
  void report(StudioMessage::Kind kind, std::string title, std::string text);

 private:
  void notify(StudioChange change);
  bool refuseDroppingEdits(bool dropEdits, const std::string& what);
  void loadInBackground(const std::filesystem::path& path,
                        std::function<std::function<void()>()> load);
  void datasetOrModelChanged();
  void mapGenes();
  void prepareCondition();
  void conditionReady();
  void drainJob();
  void restoreOutputTiles(const std::filesystem::path& output);
  void reportTilesNotShown();
  std::filesystem::path newJobOutput() const;
  int firstPlaneOfPair() const;

  StudioState state_;
  TaskRunner& runner_;
  std::filesystem::path jobsDirectory_;
  std::vector<std::pair<int, Listener>> listeners_;
  int nextListener_ = 0;
  int loads_ = 0;
  std::uint64_t generation_ = 0;  // bumps on each new dataset/model: stale results are dropped
  BackgroundGeneration job_;
  std::shared_ptr<std::atomic<bool>> jobWake_;  // a drain is already posted
  // What a session restores once the condition is ready.
  struct PendingRestore {
    std::vector<ConditionEdit> edits;
    std::filesystem::path output;
    bool attention = false;
  };
  std::optional<PendingRestore> pending_;
  std::vector<ConditionEdit> savedEdits_;  // the edits as last saved or opened
  std::shared_ptr<bool> alive_;            // posted callbacks check it
};

}  // namespace teramind
