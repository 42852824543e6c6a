#pragma once

#include <QObject>
#include <array>
#include <set>

#include "studio/StudioModel.h"

namespace teramind::render {
class AtlasScene;
}

namespace teramind::ui {

class SliceViewPanel;
class VtkViewport;

// Keeps the 3D view and the slice views in step with the studio model: the selection, the
// section (its stain, or the transcript density of a dataset without stains), the gene
// overlay on the current plane, the generated tiles as they arrive (only new tiles are
// uploaded) and a restored camera. The views hold no state of their own.
class StudioSceneBinding : public QObject {
  Q_OBJECT

 public:
  StudioSceneBinding(StudioModel& model, render::AtlasScene& scene, SliceViewPanel* slices,
                     VtkViewport* viewport, QObject* parent = nullptr);

  // The generated tiles' stain display (render::StainDisplay as int): all tiles drawn again.
  void setDisplay(int mode);
  int tilesShown() const { return static_cast<int>(shown_.size()); }
  // The camera as the user left it, into the model (before a session is saved).
  void storeCamera();

 private:
  void changed(StudioChange change);
  void showSelection();
  void showSection();
  void showDensity();
  void showOverlay();
  void showTiles(bool all);

  StudioModel& model_;
  render::AtlasScene& scene_;
  SliceViewPanel* slices_;
  VtkViewport* viewport_;
  int display_ = 0;
  std::set<std::array<int, 3>> shown_;
  bool storingCamera_ = false;
};

}  // namespace teramind::ui
