#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/SavedPlacement.h"
#include "transcriptomics/LandmarkPlacement.h"

namespace teramind {

// The landmark tool's state without a toolkit (its dialog only binds to it): the pairs being
// edited, the half pair a click left pending, undo/redo of every edit, and the placement fitted
// again after each change. Clicks come in either order: a section click waits for an atlas
// click and the other way round; a second click on the same side moves the pending point.
// Actions report failure through lastError() and a false return, as the studio does.
class LandmarkTool {
 public:
  using Listener = std::function<void()>;
  LandmarkTool();  // no pairs: fitProblem() already says why there is no fit
  // Called after every change (pairs, pending point, fit).
  void setListener(Listener listener) { listener_ = std::move(listener); }

  const std::vector<Landmark>& landmarks() const { return landmarks_; }
  const std::optional<std::pair<double, double>>& pendingSection() const { return pendingSection_; }
  const std::optional<Vec3>& pendingAtlas() const { return pendingAtlas_; }

  // A click on the section (section µm) or on an atlas slice view (CCF µm). Returns true when
  // it completed a pair (added as one undoable step).
  bool clickSection(double xUm, double yUm);
  bool clickAtlas(const Vec3& atlasUm);
  void cancelPending();

  // Edits, each undoable. An empty name gets the next free "L<n>". False (lastError) for an
  // index out of range or a name already used.
  bool add(Landmark landmark);
  bool moveSectionPoint(std::size_t index, double xUm, double yUm);
  bool moveAtlasPoint(std::size_t index, const Vec3& atlasUm);
  bool remove(std::size_t index);
  // Replaces all pairs (one undoable step); a landmarks CSV (io/LandmarkFile.h) through open().
  void replaceAll(std::vector<Landmark> landmarks, const std::string& what = "replace landmarks");
  bool open(const std::filesystem::path& csv);
  // The pairs saved with the dataset, as the tool starts: not an undoable step (a first Undo
  // would empty the table) and saved (markSaved()).
  bool openSaved(const std::filesystem::path& csv);

  bool canUndo() const { return !undo_.empty(); }
  bool canRedo() const { return !redo_.empty(); }
  std::string undoText() const { return canUndo() ? undo_.back().what : std::string(); }
  std::string redoText() const { return canRedo() ? redo_.back().what : std::string(); }
  bool undo();
  bool redo();

  // The section's extent, so that the fit warns about section points off the section.
  void setSectionExtent(std::optional<SectionExtentUm> extent);

  // The placement fitted to the current pairs, or why there is none (fewer than 3 pairs,
  // degenerate points: fitLandmarks' message). fit()->warnings says what looks wrong in it.
  const std::optional<LandmarkFit>& fit() const { return fit_; }
  const std::string& fitProblem() const { return fitProblem_; }

  // Saves the pairs and the fit with `dataset` (io/SavedPlacement.h); false without a fit or
  // when a file cannot be written.
  bool save(const SpatialDataset& dataset);
  const std::optional<PlacementFiles>& savedTo() const { return savedTo_; }
  // Whether the pairs differ from those last saved (or opened as saved, markSaved()): closing
  // the tool then loses work. Undoing back to the saved pairs makes them saved again.
  bool hasUnsavedChanges() const;
  void markSaved();

  const std::string& lastError() const { return lastError_; }

 private:
  struct Step {
    std::vector<Landmark> before, after;
    std::string what;
  };
  void apply(std::vector<Landmark> after, std::string what);
  void changed();
  void refit();
  bool fail(std::string message);
  bool completePair();
  std::string freeName() const;

  std::vector<Landmark> landmarks_;
  std::optional<std::pair<double, double>> pendingSection_;
  std::optional<Vec3> pendingAtlas_;
  std::vector<Step> undo_, redo_;
  std::optional<LandmarkFit> fit_;
  std::string fitProblem_;
  std::optional<PlacementFiles> savedTo_;
  std::vector<Landmark> savedLandmarks_;
  std::optional<SectionExtentUm> sectionExtent_;
  std::string lastError_;
  Listener listener_;
};

}  // namespace teramind
