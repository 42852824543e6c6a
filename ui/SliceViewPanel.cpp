#include "SliceViewPanel.h"

#include <utility>

#include <QVBoxLayout>

#include "SliceScene.h"
#include "VtkViewport.h"

namespace teramind::ui {
namespace {

constexpr std::array<SliceOrientation, 3> kOrientations{
    SliceOrientation::Coronal, SliceOrientation::Horizontal, SliceOrientation::Sagittal};

std::size_t slot(SliceOrientation o) {
  return std::size_t(o);
}

const Structure* structureAtVoxel(const Atlas& atlas, const Index3& v) {
  return atlas.ontology().find(StructureId(atlas.annotation().at(v)));
}

}  // namespace

SliceViewPanel::SliceViewPanel(const Atlas& atlas, QWidget* parent)
    : QWidget(parent), atlas_(atlas), cursor_(atlas.annotation().dims()) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  for (SliceOrientation o : kOrientations) {
    const std::size_t i = slot(o);
    scenes_[i] = std::make_unique<render::SliceScene>(atlas, o);
    auto* view = new VtkViewport(this);
    view->setObjectName(QStringLiteral("slice-%1").arg(sliceOrientationName(o)));
    view->setRenderer(scenes_[i]->renderer());
    view->setSliceNavigation(true);
    view->setMinimumSize(120, 90);
    viewports_[i] = view;
    layout->addWidget(view, 1);
    const int index = int(i);
    connect(view, &VtkViewport::strokeMoved, this,
            [this, index](int x, int y) { strokeAt(index, x, y); });
    connect(view, &VtkViewport::strokeFinished, this, &SliceViewPanel::finishStroke);
    connect(view, &VtkViewport::hovered, this, [this, o](int x, int y) {
      const auto v = scenes_[slot(o)]->voxelAt(x, y);
      Q_EMIT structureHovered(v ? structureAtVoxel(atlas_, *v) : nullptr);
    });
    connect(view, &VtkViewport::resized, this, [this, o] { scenes_[slot(o)]->resetCamera(); });
    connect(view, &VtkViewport::sliceStepped, this, [this, o](int delta) {
      if (cursor_.step(o, delta)) updateScenes();
    });
  }
  updateScenes();
}

SliceViewPanel::~SliceViewPanel() = default;

render::SliceScene& SliceViewPanel::scene(SliceOrientation orientation) {
  return *scenes_[slot(orientation)];
}

VtkViewport* SliceViewPanel::viewport(SliceOrientation orientation) const {
  return viewports_[slot(orientation)];
}

void SliceViewPanel::moveCursor(const Index3& voxel) {
  cursor_.moveTo(voxel);
  updateScenes();
}

void SliceViewPanel::moveCursorToPoint(const Vec3& atlasUm) {
  cursor_.moveTo(atlasUm, atlas_.resolutionUm());
  updateScenes();
}

void SliceViewPanel::selectStructure(std::optional<StructureId> id) {
  for (auto& scene : scenes_) scene->selectStructure(id);
  for (VtkViewport* view : viewports_) view->requestRender();
}

void SliceViewPanel::setSection(const render::SectionRaster& picture,
                                const AffineTransform& sectionToAtlas) {
  for (auto& scene : scenes_) scene->setSection(picture, sectionToAtlas);
  for (VtkViewport* view : viewports_) view->requestRender();
}

void SliceViewPanel::strokeAt(int view, int x, int y) {
  if (const auto v = scenes_[std::size_t(view)]->voxelAt(x, y)) {
    strokeHit_ = true;
    moveCursor(*v);
  }
}

void SliceViewPanel::finishStroke() {
  // A click off the slice left the cursor where it was: that voxel is no point picked.
  const bool hit = std::exchange(strokeHit_, false);
  const Index3& v = cursor_.voxel();
  const double um = atlas_.resolutionUm();
  if (hit) Q_EMIT pointPicked({double(v[0]) * um, double(v[1]) * um, double(v[2]) * um});
  if (pickingPoints_) return;
  if (const Structure* s = structureAtVoxel(atlas_, cursor_.voxel())) Q_EMIT structurePicked(s->id);
}

void SliceViewPanel::updateScenes() {
  for (auto& scene : scenes_) scene->setCursor(cursor_);
  for (VtkViewport* view : viewports_) view->requestRender();
  Q_EMIT cursorMoved(cursor_.voxel());
}

}  // namespace teramind::ui
