#pragma once

#include <QObject>
#include <QString>
#include <QTimer>
#include <map>
#include <optional>

#include "AtlasScene.h"
#include "workflow/BackgroundGeneration.h"
#include "workflow/Workspace.h"

namespace teramind::ui {

class JobDock;

// Binds the job dock to a core BackgroundGeneration: builds the job from the dock and the
// workspace, drains finished tiles on a timer into the 3D view (one texture per tile, so a tile
// update uploads only that tile) and reports progress, ETA and the end of the job.
class GenerationController : public QObject {
  Q_OBJECT

 public:
  GenerationController(Workspace& workspace, render::AtlasScene& scene, JobDock* dock,
                       QObject* parent = nullptr);

  // Starts a job for the dock's settings; the region "selected structure" uses `structure`.
  // Throws std::exception with a message for the user when the job cannot start.
  void start(std::optional<StructureId> structure);
  void cancel();
  const BackgroundGeneration& job() const { return job_; }
  QString output() const { return output_; }
  int tilesShown() const { return static_cast<int>(tiles_.size()); }
  // Draws the finished tiles again (another stain display).
  void redraw();

 Q_SIGNALS:
  void sceneChanged();
  void failed(const QString& message);
  void ended(JobState state, const QString& output);

 private:
  void poll();
  void show(const GeneratedTile& tile);
  QString defaultOutput() const;

  Workspace& workspace_;
  render::AtlasScene& scene_;
  JobDock* dock_;
  BackgroundGeneration job_;
  QTimer timer_;
  QString output_;
  int tilePixels_ = 0, stains_ = 0, sections_ = 0;
  BinGrid grid_;
  double pixelUm_ = 1;
  std::map<std::array<int, 3>, std::vector<float>> tiles_;  // the shown tiles' cores
  JobState lastState_ = JobState::Idle;
};

}  // namespace teramind::ui
