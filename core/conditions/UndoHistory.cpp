#include "conditions/UndoHistory.h"

#include <stdexcept>

namespace teramind {

UndoHistory::UndoHistory(std::size_t maxCommands) : maxCommands_(maxCommands) {}

void UndoHistory::push(EditCommand command) {
  while (commands_.size() > next_) {
    bytes_ -= commands_.back().memoryBytes();
    commands_.pop_back();
  }
  bytes_ += command.memoryBytes();
  commands_.push_back(std::move(command));
  ++next_;
  while (maxCommands_ && commands_.size() > maxCommands_) {
    bytes_ -= commands_.front().memoryBytes();
    commands_.pop_front();
    --next_;
  }
}

const EditCommand& UndoHistory::undo(BinnedCondition& condition) {
  if (!canUndo()) throw std::logic_error("nothing to undo");
  const EditCommand& command = commands_[next_ - 1];
  command.undo(condition);
  --next_;
  return command;
}

const EditCommand& UndoHistory::redo(BinnedCondition& condition) {
  if (!canRedo()) throw std::logic_error("nothing to redo");
  const EditCommand& command = commands_[next_];
  command.redo(condition);
  ++next_;
  return command;
}

void UndoHistory::clear() {
  commands_.clear();
  next_ = 0;
  bytes_ = 0;
}

}  // namespace teramind
