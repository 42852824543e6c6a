#pragma once

#include <QObject>

#include "common/TaskRunner.h"

namespace teramind::ui {

// The engine's task runner with Qt's event loop as its owner: what a task hands back runs on
// the GUI thread as a queued call, so a model's completions never need a timer.
class QtTaskRunner : public ThreadTaskRunner {
 public:
  explicit QtTaskRunner(QObject* context) : context_(context) {}
  ~QtTaskRunner() override { joinAll(); }  // before context_ goes: wake() reads it

 protected:
  void wake() override;

 private:
  QObject* context_;  // outlives the runner (it owns it)
};

}  // namespace teramind::ui
