#pragma once

#include <QWidget>
#include <array>
#include <memory>
#include <optional>

#include "atlas/Atlas.h"
#include "atlas/AtlasSlice.h"
#include "volume/AffineTransform.h"

namespace teramind::render {
class SliceScene;
struct SectionRaster;
}  // namespace teramind::render

namespace teramind::ui {

class VtkViewport;

// The three orthogonal slice views, stacked, sharing one cursor: a left click or drag moves the
// cursor (the other views follow), releasing it selects the structure under it, the wheel steps
// the slice, right-drag zooms and middle-drag pans.
class SliceViewPanel : public QWidget {
  Q_OBJECT

 public:
  SliceViewPanel(const Atlas& atlas, QWidget* parent = nullptr);
  ~SliceViewPanel() override;

  const SliceCursor& cursor() const { return cursor_; }
  void moveCursor(const Index3& voxel);
  void moveCursorToPoint(const Vec3& atlasUm);
  void selectStructure(std::optional<StructureId> id);
  // The placed section, drawn where each slice cuts it (SliceScene::setSection); an empty
  // picture removes it.
  void setSection(const render::SectionRaster& picture, const AffineTransform& sectionToAtlas);
  // While on (the landmark tool is open), a click gives its point only (pointPicked): the
  // structure under it is not picked, so the selection and the 3D view stay as they are.
  void setPickingPoints(bool on) { pickingPoints_ = on; }
  bool pickingPoints() const { return pickingPoints_; }
  render::SliceScene& scene(SliceOrientation orientation);
  VtkViewport* viewport(SliceOrientation orientation) const;

 Q_SIGNALS:
  void structurePicked(StructureId id);
  // The structure under the mouse in a slice view, or nullptr off the brain.
  void structureHovered(const Structure* structure);
  void cursorMoved(const Index3& voxel);
  // A click (press and release) placed the cursor here: its voxel centre in CCF µm.
  void pointPicked(const Vec3& atlasUm);

 private:
  void strokeAt(int view, int x, int y);
  void finishStroke();
  void updateScenes();

  const Atlas& atlas_;
  SliceCursor cursor_;
  std::array<std::unique_ptr<render::SliceScene>, 3> scenes_;
  std::array<VtkViewport*, 3> viewports_{};
  bool pickingPoints_ = false;
  bool strokeHit_ = false;  // the stroke under way moved the cursor onto a voxel
};

}  // namespace teramind::ui
