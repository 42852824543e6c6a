#pragma once

#include <QUndoCommand>
#include <functional>

#include "conditions/ConditionDocument.h"

namespace teramind::ui {

// One applied paint edit on Qt's undo stack. The edit is applied to the core document before
// the command is pushed (a rejected edit never reaches the stack); undo and redo replay the
// document's own recorded bin changes, so the two histories stay in step.
class PaintUndoCommand : public QUndoCommand {
 public:
  PaintUndoCommand(ConditionDocument& document, const QString& text, std::function<void()> changed);
  void undo() override;
  void redo() override;

 private:
  ConditionDocument& document_;
  std::function<void()> changed_;
  bool applied_ = true;  // push() calls redo() once: the edit is already in the document
};

}  // namespace teramind::ui
