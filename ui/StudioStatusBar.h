#pragma once

#include <QStatusBar>

#include "studio/StudioModel.h"

class QLabel;

namespace teramind::ui {

// The studio's status bar as a view of the model: the atlas and selected structure, what is
// under the cursor, the open dataset and model, and the model's notices for a few seconds.
class StudioStatusBar : public QStatusBar {
  Q_OBJECT

 public:
  StudioStatusBar(StudioModel& model, QWidget* parent = nullptr);

  void showHovered(const Structure* structure);  // nullptr: nothing under the cursor
  QString hovered() const;
  // The persistent note on where the section is (StudioModel::placementNotice).
  QString placementNotice() const;

 private:
  void showSelection();
  void showData();

  StudioModel& model_;
  QLabel* selection_ = nullptr;
  QLabel* hover_ = nullptr;
  QLabel* dataset_ = nullptr;
  QLabel* placement_ = nullptr;
  QLabel* modelLabel_ = nullptr;
};

}  // namespace teramind::ui
