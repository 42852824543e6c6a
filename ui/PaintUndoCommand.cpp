#include "PaintUndoCommand.h"

namespace teramind::ui {

PaintUndoCommand::PaintUndoCommand(ConditionDocument& document, const QString& text,
                                   std::function<void()> changed)
    : QUndoCommand(text), document_(document), changed_(std::move(changed)) {}

void PaintUndoCommand::undo() {
  document_.undo();
  changed_();
}

void PaintUndoCommand::redo() {
  if (applied_) {
    applied_ = false;
  } else {
    document_.redo();
  }
  changed_();
}

}  // namespace teramind::ui
