#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "conditions/ConditionEdit.h"
#include "conditions/PaintContext.h"

namespace teramind {

// One bin an applied edit changed: its packed BinnedCondition::key and the exact values before
// and after (0 = the bin is absent).
struct BinChange {
  std::uint64_t key = 0;
  float before = 0, after = 0;
};

// An applied edit as undo data: only the bins whose value changed, so its memory follows the
// size of the stroke, never the volume. undo()/redo() write the recorded values back bit for
// bit, which is what a QUndoCommand wrapper calls.
class EditCommand {
 public:
  // Applies `edit` to `condition` and records what changed. Throws std::invalid_argument (unknown
  // gene, atlas region without an atlas, ...) before anything is changed.
  static EditCommand apply(const ConditionEdit& edit, BinnedCondition& condition,
                           const PaintContext& context);

  void undo(BinnedCondition& condition) const;
  void redo(BinnedCondition& condition) const;

  const ConditionEdit& edit() const { return edit_; }
  std::size_t gene() const { return gene_; }
  const std::vector<BinChange>& changes() const { return changes_; }
  // Bins the selection covered, changed or not.
  std::size_t touchedBins() const { return touched_; }
  // Everything this command keeps alive: itself, its change list and its edit.
  std::size_t memoryBytes() const;

 private:
  EditCommand(ConditionEdit edit, std::size_t gene);

  ConditionEdit edit_;
  std::size_t gene_ = 0;
  std::size_t touched_ = 0;
  std::vector<BinChange> changes_;
};

}  // namespace teramind
