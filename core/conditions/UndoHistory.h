#pragma once

#include <cstddef>
#include <deque>

#include "conditions/EditCommand.h"

namespace teramind {

// A linear undo/redo stack of applied edits. Commands [0, undoCount()) made the current state;
// the rest are the redo branch, dropped by the next push. With a cap, the oldest commands are
// forgotten (their effect stays, it just can no longer be undone).
class UndoHistory {
 public:
  explicit UndoHistory(std::size_t maxCommands = 0);  // 0: no cap

  // Takes a command that has already been applied to the condition.
  void push(EditCommand command);
  bool canUndo() const { return next_ > 0; }
  bool canRedo() const { return next_ < commands_.size(); }
  // Undo/redo on the condition the commands were applied to; std::logic_error when there is
  // nothing to undo/redo. Returns the command that was undone/redone.
  const EditCommand& undo(BinnedCondition& condition);
  const EditCommand& redo(BinnedCondition& condition);
  void clear();

  std::size_t undoCount() const { return next_; }
  std::size_t redoCount() const { return commands_.size() - next_; }
  std::size_t size() const { return commands_.size(); }
  const EditCommand& command(std::size_t index) const { return commands_.at(index); }
  std::size_t maxCommands() const { return maxCommands_; }

  // Total bytes held by all commands, undo and redo side; per command: command(i).memoryBytes().
  std::size_t memoryBytes() const { return bytes_; }

 private:
  std::deque<EditCommand> commands_;
  std::size_t next_ = 0;
  std::size_t maxCommands_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace teramind
