#include "BrushInteraction.h"

#include "AtlasScene.h"
#include "PaintDock.h"
#include "VtkViewport.h"

namespace teramind::ui {

BrushInteraction::BrushInteraction(StudioModel& model, render::AtlasScene& scene,
                                   VtkViewport* viewport, PaintDock* dock, QObject* parent)
    : QObject(parent), model_(model), scene_(scene), dock_(dock) {
  connect(viewport, &VtkViewport::strokeMoved, this, &BrushInteraction::strokeAt);
  connect(viewport, &VtkViewport::strokeFinished, this, &BrushInteraction::finishStroke);
  // With the brush on, the mouse paints instead of moving the camera.
  connect(dock, &PaintDock::brushToggled, viewport,
          [viewport](bool on) { viewport->setCameraInteraction(!on); });
}

void BrushInteraction::strokeAt(int x, int y) {
  const auto point = scene_.pickAtlasPoint(x, y);
  if (!point) return;
  const Vec3 um = scene_.sectionToAtlas().inverse().apply(*point);
  stroke_.emplace_back(um[0], um[1]);
}

void BrushInteraction::finishStroke() {
  if (stroke_.empty()) return;
  BrushStroke brush;
  for (const auto& [x, y] : stroke_) brush.centres.push_back({x, y, model_.state().plane});
  stroke_.clear();
  brush.radiusUm = dock_->brushRadiusUm();
  brush.edge = dock_->softBrush() ? BrushStroke::Edge::Soft : BrushStroke::Edge::Hard;
  try {
    model_.paint(ConditionEdit(dock_->gene(), brush, dock_->operation()));
  } catch (const std::exception& e) {
    model_.report(StudioMessage::Kind::Error, "Edit rejected", e.what());
  }
}

}  // namespace teramind::ui
