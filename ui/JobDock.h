#pragma once

#include <QDockWidget>
#include <cstdint>

#include "studio/StudioModel.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace teramind::ui {

// What a generation job covers and how, then run, pause and cancel with its progress, live
// tile counts and ETA. A view of the StudioModel: its widgets show the model's job settings
// and status and call its actions; the job itself belongs to the model.
class JobDock : public QDockWidget {
  Q_OBJECT

 public:
  JobDock(StudioModel& model, QWidget* parent = nullptr);

  // Sets the region in the model (as the combo box does).
  void setRegion(RegionKind region);
  int displayMode() const;  // render::StainDisplay as int
  QString statusText() const;
  QPushButton* runButton() const { return run_; }
  QPushButton* cancelButton() const { return cancel_; }
  QProgressBar* progressBar() const { return progress_; }

 Q_SIGNALS:
  void displayChanged(int mode);

 private:
  void changed(StudioChange change);
  void showSettings();
  void showJob();
  void showCondition();
  void pushSettings();

  StudioModel& model_;
  bool quiet_ = false;
  QComboBox* region_ = nullptr;
  QSpinBox* plane_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QSpinBox* tilePatches_ = nullptr;
  QComboBox* sampler_ = nullptr;  // samplerNames(), as `teramind generate --sampler`
  QComboBox* display_ = nullptr;
  QLineEdit* output_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* pause_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace teramind::ui
