#pragma once

#include <QObject>
#include <array>
#include <memory>
#include <set>

#include "studio/StudioModel.h"

namespace teramind {
class SectionViewModel;
enum class SectionViewChange;
}  // namespace teramind

namespace teramind::render {
class AtlasScene;
struct SectionRaster;
}  // namespace teramind::render

namespace teramind::ui {

class SliceViewPanel;
class VtkViewport;

// Keeps the 3D view and the slice views in step with the studio model: the selection, the
// section (its stains composed from their pyramid, or the transcript density of a dataset
// without stains) in the 3D view and where the slice views cut it, the gene overlay on the
// current plane, the generated tiles as they arrive (only new tiles are uploaded) and a
// restored camera. The views hold no state of their own.
class StudioSceneBinding : public QObject {
  Q_OBJECT

 public:
  StudioSceneBinding(StudioModel& model, render::AtlasScene& scene, SliceViewPanel* slices,
                     VtkViewport* viewport, QObject* parent = nullptr);
  ~StudioSceneBinding() override;

  // The section explorer's model: the section's picture then comes from its tile cache, at the
  // pyramid level that fits the 3D view (asked again as tiles arrive, never read on the GUI
  // thread). Without one the first stain's overview is read here (the old path). Null unbinds;
  // call it with null before the model goes if the binding outlives it.
  void setSectionModel(SectionViewModel* sectionModel);
  // The longest side (px) asked of the section model: the 3D view's longer side rounded up to
  // a power of two, 256 to 2048.
  int overviewSide() const;
  // Whether the section's picture is still awaited from the section model's cache.
  bool overviewPending() const { return overviewPending_; }

  // The generated tiles' stain display (render::StainDisplay as int): all tiles drawn again.
  void setDisplay(int mode);
  int tilesShown() const { return static_cast<int>(shown_.size()); }
  // The camera as the user left it, into the model (before a session is saved).
  void storeCamera();

 private:
  void changed(StudioChange change);
  void showSelection();
  void showSection();
  void sectionViewChanged(SectionViewChange change);
  // Asks the section model for the picture; shows it once all its tiles are cached.
  void showOverview();
  void showPicture(const render::SectionRaster& picture);
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
  SectionViewModel* sectionModel_ = nullptr;
  int sectionListener_ = -1;
  // Set while the binding lives: the section model's listener checks it (the model may outlive
  // the binding when the window's members go in another order).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool overviewPending_ = false;
  bool overviewQueued_ = false;  // a retry is scheduled
  bool sectionFramed_ = false;   // the camera has been put on this dataset's section
  int overviewShownSide_ = 0;
};

}  // namespace teramind::ui
