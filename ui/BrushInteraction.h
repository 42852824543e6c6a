#pragma once

#include <QObject>
#include <utility>
#include <vector>

#include "studio/StudioModel.h"

namespace teramind::render {
class AtlasScene;
}

namespace teramind::ui {

class PaintDock;
class VtkViewport;

// The brush as an interaction mode (as ITK-SNAP's): while the paint dock's brush is on, a
// drag on the section in the 3D view collects brush centres in section µm and, on release,
// paints one stroke through the model with the dock's gene, operation, radius and edge.
class BrushInteraction : public QObject {
  Q_OBJECT

 public:
  BrushInteraction(StudioModel& model, render::AtlasScene& scene, VtkViewport* viewport,
                   PaintDock* dock, QObject* parent = nullptr);

 private:
  void strokeAt(int x, int y);
  void finishStroke();

  StudioModel& model_;
  render::AtlasScene& scene_;
  PaintDock* dock_;
  std::vector<std::pair<double, double>> stroke_;  // brush centres, section µm
};

}  // namespace teramind::ui
