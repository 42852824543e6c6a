#include "SliceScene.h"

#include <algorithm>
#include <cstring>
#include <string>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkNew.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

namespace teramind::render {

struct SliceScene::Impl {
  Impl(const Atlas& a, SliceOrientation o) : atlas(a), orientation(o), axes(SliceAxes::of(o)) {}

  const Atlas& atlas;
  SliceOrientation orientation;
  SliceAxes axes;
  AtlasSliceStyle style;
  int index = -1;
  Index3 cursor{};
  int updates = 0;
  vtkNew<vtkRenderer> renderer;
  vtkNew<vtkImageData> pixels;
  vtkNew<vtkImageActor> image;
  vtkNew<vtkPoints> crossPoints;
  vtkNew<vtkPolyData> cross;
  vtkNew<vtkActor> crossActor;
  vtkNew<vtkTextActor> caption;

  double res() const { return atlas.resolutionUm(); }
  std::int64_t extent(int axis) const { return atlas.annotation().dims()[std::size_t(axis)]; }

  void rebuildImage() {
    const auto slice = renderAtlasSlice(atlas, orientation, index, style);
    if (pixels->GetDimensions()[0] != slice.width || pixels->GetDimensions()[1] != slice.height) {
      pixels->SetDimensions(slice.width, slice.height, 1);
      pixels->SetSpacing(res(), res(), 1);
      // RGB: an RGBA image actor leaves alpha 0 in the framebuffer, which Qt composes as
      // see-through; the slice is opaque anyway.
      pixels->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
    }
    auto* out = static_cast<std::uint8_t*>(pixels->GetScalarPointer());
    for (std::size_t p = 0, n = slice.rgba.size() / 4; p < n; ++p)
      std::memcpy(out + 3 * p, slice.rgba.data() + 4 * p, 3);
    pixels->Modified();
    ++updates;
  }

  void placeCrosshair() {
    const double c = double(cursor[std::size_t(axes.columnAxis)]) * res();
    const double r = double(cursor[std::size_t(axes.rowAxis)]) * res();
    const double w = double(extent(axes.columnAxis) - 1) * res();
    const double h = double(extent(axes.rowAxis) - 1) * res();
    const double z = -res();  // towards the camera, in front of the image
    crossPoints->SetPoint(0, 0, r, z);
    crossPoints->SetPoint(1, w, r, z);
    crossPoints->SetPoint(2, c, 0, z);
    crossPoints->SetPoint(3, c, h, z);
    crossPoints->Modified();
    const double fixedUm = double(index) * res();
    caption->SetInput((std::string(sliceOrientationName(orientation)) + "  " +
                       std::to_string(index + 1) + "/" + std::to_string(extent(axes.fixedAxis)) +
                       "  " + std::to_string(int(fixedUm)) + " µm")
                          .c_str());
  }
};

SliceScene::SliceScene(const Atlas& atlas, SliceOrientation orientation)
    : impl_(std::make_unique<Impl>(atlas, orientation)) {
  auto& r = *impl_;
  if (const auto& t = atlas.templateImage()) r.style.templateMax = t->valueRange().second;
  r.image->GetMapper()->SetInputData(r.pixels);
  r.image->InterpolateOff();  // voxels stay voxels
  r.renderer->AddViewProp(r.image);

  r.crossPoints->SetNumberOfPoints(4);
  vtkNew<vtkCellArray> lines;
  const vtkIdType a[2] = {0, 1}, b[2] = {2, 3};
  lines->InsertNextCell(2, a);
  lines->InsertNextCell(2, b);
  r.cross->SetPoints(r.crossPoints);
  r.cross->SetLines(lines);
  vtkNew<vtkPolyDataMapper> mapper;
  mapper->SetInputData(r.cross);
  r.crossActor->SetMapper(mapper);
  r.crossActor->GetProperty()->SetColor(1.0, 0.85, 0.2);
  r.crossActor->GetProperty()->LightingOff();
  r.renderer->AddActor(r.crossActor);

  r.caption->GetTextProperty()->SetFontSize(14);
  r.caption->GetTextProperty()->SetColor(0.9, 0.9, 0.9);
  r.caption->SetPosition(8, 8);
  r.renderer->AddViewProp(r.caption);
  r.renderer->SetBackground(0.08, 0.08, 0.1);
  r.renderer->SetBackgroundAlpha(1.0);  // VTK defaults to 0, which Qt composes as see-through

  setCursor(SliceCursor(atlas.annotation().dims()));
  resetCamera();
}

SliceScene::~SliceScene() = default;

SliceOrientation SliceScene::orientation() const {
  return impl_->orientation;
}
int SliceScene::sliceIndex() const {
  return impl_->index;
}
int SliceScene::imageUpdates() const {
  return impl_->updates;
}
vtkRenderer* SliceScene::renderer() {
  return impl_->renderer;
}

void SliceScene::setCursor(const SliceCursor& cursor) {
  auto& r = *impl_;
  r.cursor = cursor.voxel();
  const int index = cursor.sliceIndex(r.orientation);
  if (index != r.index) {
    r.index = index;
    r.rebuildImage();
  }
  r.placeCrosshair();
}

void SliceScene::setShowLabels(bool on) {
  if (impl_->style.labels == on) return;
  impl_->style.labels = on;
  impl_->rebuildImage();
}

void SliceScene::selectStructure(std::optional<StructureId> id) {
  if (impl_->style.selected == id) return;
  impl_->style.selected = id;
  impl_->rebuildImage();
}

std::optional<Index3> SliceScene::voxelAt(int x, int y) {
  auto& r = *impl_;
  r.renderer->SetDisplayPoint(double(x), double(y), 0);
  r.renderer->DisplayToWorld();
  double world[4];
  r.renderer->GetWorldPoint(world);
  if (world[3] == 0) return std::nullopt;
  return sliceVoxel(r.atlas.annotation().dims(), r.orientation, r.index,
                    world[0] / world[3] / r.res(), world[1] / world[3] / r.res());
}

void SliceScene::resetCamera() {
  auto& r = *impl_;
  const double w = double(r.extent(r.axes.columnAxis)) * r.res();
  const double h = double(r.extent(r.axes.rowAxis)) * r.res();
  vtkCamera* camera = r.renderer->GetActiveCamera();
  camera->ParallelProjectionOn();
  // Looking along +z with y down the screen puts row 0 at the top and column 0 at the left.
  const double cx = 0.5 * (w - r.res()), cy = 0.5 * (h - r.res());
  camera->SetFocalPoint(cx, cy, 0);
  camera->SetPosition(cx, cy, -10 * std::max(w, h));
  camera->SetViewUp(0, -1, 0);
  double aspect = r.renderer->GetRenderWindow() ? r.renderer->GetTiledAspectRatio() : 1.0;
  if (!(aspect > 0)) aspect = 1;
  camera->SetParallelScale(0.53 * std::max(h, w / aspect));
  r.renderer->ResetCameraClippingRange();
}

}  // namespace teramind::render
