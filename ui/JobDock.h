#pragma once

#include <QDockWidget>
#include <cstdint>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace teramind::ui {

// What a generation job covers and how, then run, pause and cancel with its progress and ETA.
// The job itself (core BackgroundGeneration) belongs to the main window.
class JobDock : public QDockWidget {
  Q_OBJECT

 public:
  enum class Region { SelectedStructure, DemoBlock, WholeSection };

  explicit JobDock(QWidget* parent = nullptr);

  Region region() const;
  void setRegion(Region region);
  int plane() const;
  void setPlaneCount(int planes);
  std::uint64_t seed() const;
  int steps() const;
  int tilePatches() const;
  void setJob(std::uint64_t seed, int steps, int tilePatches);
  int displayMode() const;  // render::StainDisplay as int
  QString output() const;
  void setOutput(const QString& path);

  // Running: Run is off, Pause and Cancel on.
  void setRunning(bool running, bool paused = false);
  void setProgress(double fraction, const QString& text);
  void setStatus(const QString& text);
  QPushButton* runButton() const { return run_; }
  QPushButton* cancelButton() const { return cancel_; }
  QProgressBar* progressBar() const { return progress_; }

 Q_SIGNALS:
  void runRequested();
  void pauseToggled(bool paused);
  void cancelRequested();
  void displayChanged(int mode);

 private:
  QComboBox* region_ = nullptr;
  QSpinBox* plane_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QSpinBox* tilePatches_ = nullptr;
  QComboBox* display_ = nullptr;
  QLineEdit* output_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* pause_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace teramind::ui
