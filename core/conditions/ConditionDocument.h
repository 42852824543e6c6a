#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "conditions/UndoHistory.h"

namespace teramind {

// A painted condition being worked on: the current BinnedCondition, where the section sits in
// the atlas, a free-form description of where the data came from, the edits that made the
// current state and the undo history.
//
// On disk it is two files: <name>.json (format, version, source, placement as a row-major 3×4,
// grid, genes, the edit list) and <name>.h5 beside it (the current condition, see
// ConditionFile.h; .vdb in builds without HDF5). The edit list is enough to rebuild the condition
// from its source data, which is how a document stays reproducible; the condition file saves
// recomputing it.
class ConditionDocument {
 public:
  static constexpr const char* kFormat = "teramind-condition-document";
  static constexpr int kVersion = 1;

  // `sourceJson` is JSON text kept as given (not interpreted): dataset path, bin size, panel...
  // Throws std::invalid_argument when it is not valid JSON.
  explicit ConditionDocument(BinnedCondition condition, PaintContext context = {},
                             const std::string& sourceJson = "{}", std::size_t maxUndo = 0);

  const BinnedCondition& condition() const { return condition_; }
  const PaintContext& context() const { return context_; }
  // The atlas is not saved with the document: give it again after load().
  void setAtlas(const Atlas* atlas) { context_.atlas = atlas; }
  // Compact JSON text of the source description.
  const std::string& sourceJson() const { return sourceJson_; }
  void setSourceJson(const std::string& json);

  // The edits that made the current state, oldest first (the undo side of the history, plus any
  // edits older than the history's cap or loaded from a file).
  const std::vector<ConditionEdit>& edits() const { return edits_; }
  const UndoHistory& history() const { return history_; }

  // Throws std::invalid_argument (unknown gene, ...) and leaves the document unchanged.
  const EditCommand& apply(const ConditionEdit& edit);
  bool canUndo() const { return history_.canUndo(); }
  bool canRedo() const { return history_.canRedo(); }
  void undo();  // std::logic_error when there is nothing to undo/redo
  void redo();

  // Writes the condition file and then `jsonFile`, each atomically. Throws FileError.
  void save(const std::filesystem::path& jsonFile) const;
  // Reads both files back; the history starts empty. Throws FileError for a missing or corrupt
  // file, another format, an unknown version, a bad edit or a condition file that does not match.
  static ConditionDocument load(const std::filesystem::path& jsonFile,
                                const Atlas* atlas = nullptr);
  // The condition file that belongs to a document file.
  static std::filesystem::path conditionFileFor(const std::filesystem::path& jsonFile);

  // The edits applied in order to a copy of `source`, which must have the document's grid and
  // genes (std::invalid_argument otherwise). Same source and context → the same condition, bit
  // for bit.
  BinnedCondition replay(const BinnedCondition& source, const PaintContext& context) const;
  BinnedCondition replay(const BinnedCondition& source) const { return replay(source, context_); }

 private:
  BinnedCondition condition_;
  PaintContext context_;
  std::string sourceJson_;
  std::vector<ConditionEdit> edits_;
  UndoHistory history_;
};

}  // namespace teramind
