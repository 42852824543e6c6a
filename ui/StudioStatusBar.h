#pragma once

#include <QStatusBar>

#include "studio/StudioModel.h"

class QLabel;

namespace teramind::ui {

class ElidedLabel;

// The studio's status bar as a view of the model: the atlas and selected structure, what is
// under the cursor, the open dataset and model, and the model's notices for a few seconds.
// The section view's cursor readout takes the place of the selection and hover labels while
// there is one; the labels on the right stay compact; text that does not fit is cut with "…"
// and is whole in the tooltip.
class StudioStatusBar : public QStatusBar {
  Q_OBJECT

 public:
  StudioStatusBar(StudioModel& model, QWidget* parent = nullptr);

  void showHovered(const Structure* structure);  // nullptr: nothing under the cursor
  QString hovered() const;
  // The persistent note on where the section is (StudioModel::placementNotice).
  QString placementNotice() const;
  // The section view's readout (section µm, CCF µm, structure, layer values); empty: none.
  void showReadout(const QString& text);
  QString readout() const;

 private:
  void showSelection();
  void showData();

  StudioModel& model_;
  QLabel* selection_ = nullptr;
  QLabel* hover_ = nullptr;
  ElidedLabel* readout_ = nullptr;
  ElidedLabel* dataset_ = nullptr;
  ElidedLabel* placement_ = nullptr;
  ElidedLabel* modelLabel_ = nullptr;
};

}  // namespace teramind::ui
