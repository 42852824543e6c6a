#include "SliceScene.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkNew.h>
#include <vtkPlaneSource.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkTexture.h>

namespace teramind::render {
namespace {

// The slice plane meets a section that tilts less than this from it only far away: treated as
// parallel (cos 2.5°).
constexpr double kParallelCosine = 0.999;

}  // namespace

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
  // The placed section: its rectangle's corners in atlas µm (origin, +x, +x+y, +y), its unit
  // normal, and its picture when it is parallel to this orientation's slices.
  bool hasSection = false;
  std::array<Vec3, 4> sectionCorners{};
  Vec3 sectionNormal{};
  vtkSmartPointer<vtkImageData> sectionPixels;
  vtkNew<vtkPoints> footprintPoints;
  vtkNew<vtkPolyData> footprint;
  vtkNew<vtkActor> footprintActor;
  vtkNew<vtkPlaneSource> picturePlane;
  vtkNew<vtkActor> pictureActor;
  std::optional<std::array<std::array<double, 2>, 2>> line;

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
    placeSection();
    caption->SetInput((std::string(sliceOrientationName(orientation)) + "  " +
                       std::to_string(index + 1) + "/" + std::to_string(extent(axes.fixedAxis)) +
                       "  " + std::to_string(int(fixedUm)) + " µm")
                          .c_str());
  }

  // A point of the atlas (µm) in this view's coordinates: column, row, and depth `z`.
  std::array<double, 3> inView(const Vec3& p, double z) const {
    return {p[std::size_t(axes.columnAxis)], p[std::size_t(axes.rowAxis)], z};
  }

  // The footprint for the current slice: the segment where the slice plane cuts the section's
  // rectangle, or (in its plane) the rectangle's outline and its picture.
  void placeSection() {
    line.reset();
    footprintActor->VisibilityOff();
    pictureActor->VisibilityOff();
    if (!hasSection) return;
    const auto fixed = std::size_t(axes.fixedAxis);
    const double planeUm = double(index) * res();
    std::array<double, 4> d{};
    for (std::size_t i = 0; i < 4; ++i) d[i] = sectionCorners[i][fixed] - planeUm;
    vtkNew<vtkCellArray> cells;
    const double lineZ = -0.5 * res();  // between the slice (0) and the crosshair (−res)
    if (std::abs(sectionNormal[fixed]) > kParallelCosine) {
      const double centre = 0.25 * (d[0] + d[1] + d[2] + d[3]);
      if (std::abs(centre) > 0.5 * res()) return;  // a parallel slice away from the section
      footprintPoints->SetNumberOfPoints(4);
      for (vtkIdType i = 0; i < 4; ++i)
        footprintPoints->SetPoint(i, inView(sectionCorners[std::size_t(i)], lineZ).data());
      const vtkIdType outline[5] = {0, 1, 2, 3, 0};
      cells->InsertNextCell(5, outline);
      if (sectionPixels) {
        auto o = inView(sectionCorners[0], -0.25 * res());
        auto x = inView(sectionCorners[1], -0.25 * res());
        auto y = inView(sectionCorners[3], -0.25 * res());
        picturePlane->SetOrigin(o.data());
        picturePlane->SetPoint1(x.data());
        picturePlane->SetPoint2(y.data());
        pictureActor->VisibilityOn();
      }
    } else {
      // Where an edge's ends lie on either side of the plane, it crosses it.
      std::vector<Vec3> hits;
      for (std::size_t a = 0; a < 4; ++a) {
        const std::size_t b = (a + 1) % 4;
        if ((d[a] > 0) == (d[b] > 0) && d[a] != 0 && d[b] != 0) continue;
        if (d[a] == d[b]) continue;  // an edge in the plane: its ends come from the next edges
        const double t = d[a] / (d[a] - d[b]);
        Vec3 p{};
        for (std::size_t k = 0; k < 3; ++k)
          p[k] = sectionCorners[a][k] + t * (sectionCorners[b][k] - sectionCorners[a][k]);
        hits.push_back(p);
      }
      // A convex rectangle: the two hits farthest apart are the segment's ends.
      double longest = -1;
      std::array<Vec3, 2> ends{};
      for (std::size_t i = 0; i < hits.size(); ++i)
        for (std::size_t j = i + 1; j < hits.size(); ++j) {
          double l = 0;
          for (std::size_t k = 0; k < 3; ++k)
            l += (hits[i][k] - hits[j][k]) * (hits[i][k] - hits[j][k]);
          if (l > longest) longest = l, ends = {hits[i], hits[j]};
        }
      if (longest <= 0) return;
      footprintPoints->SetNumberOfPoints(2);
      footprintPoints->SetPoint(0, inView(ends[0], lineZ).data());
      footprintPoints->SetPoint(1, inView(ends[1], lineZ).data());
      const vtkIdType segment[2] = {0, 1};
      cells->InsertNextCell(2, segment);
      const auto a = inView(ends[0], 0), b = inView(ends[1], 0);
      line = std::array<std::array<double, 2>, 2>{{{a[0], a[1]}, {b[0], b[1]}}};
    }
    footprintPoints->Modified();
    footprint->SetLines(cells);
    footprintActor->VisibilityOn();
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

  r.footprint->SetPoints(r.footprintPoints);
  vtkNew<vtkPolyDataMapper> footprintMapper;
  footprintMapper->SetInputData(r.footprint);
  r.footprintActor->SetMapper(footprintMapper);
  r.footprintActor->GetProperty()->SetColor(kSectionLineRgb[0], kSectionLineRgb[1],
                                            kSectionLineRgb[2]);
  r.footprintActor->GetProperty()->SetLineWidth(2);
  r.footprintActor->GetProperty()->LightingOff();
  r.footprintActor->VisibilityOff();
  r.renderer->AddActor(r.footprintActor);
  vtkNew<vtkPolyDataMapper> pictureMapper;
  pictureMapper->SetInputConnection(r.picturePlane->GetOutputPort());
  r.pictureActor->SetMapper(pictureMapper);
  r.pictureActor->GetProperty()->LightingOff();
  r.pictureActor->VisibilityOff();
  r.renderer->AddActor(r.pictureActor);

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

void SliceScene::setSection(const SectionRaster& picture, const AffineTransform& sectionToAtlas) {
  auto& r = *impl_;
  r.hasSection = !picture.rgba.empty() && picture.widthUm > 0 && picture.heightUm > 0;
  r.sectionPixels = nullptr;
  if (r.hasSection) {
    const auto corner = [&](double x, double y) {
      return sectionToAtlas.apply({x, y, picture.zUm});
    };
    const double x0 = picture.xUm, y0 = picture.yUm;
    const double x1 = x0 + picture.widthUm, y1 = y0 + picture.heightUm;
    r.sectionCorners = {corner(x0, y0), corner(x1, y0), corner(x1, y1), corner(x0, y1)};
    const Vec3 zero = sectionToAtlas.apply({0, 0, 0}), up = sectionToAtlas.apply({0, 0, 1});
    Vec3 n{up[0] - zero[0], up[1] - zero[1], up[2] - zero[2]};
    const double length = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (!(length > 0)) {
      r.hasSection = false;  // a degenerate placement has no plane to cut
    } else {
      for (double& v : n) v /= length;
      r.sectionNormal = n;
    }
  }
  // Only a view whose slices can lie in the section's plane keeps its picture.
  if (r.hasSection && std::abs(r.sectionNormal[std::size_t(r.axes.fixedAxis)]) > kParallelCosine) {
    if (picture.rgba.size() != std::size_t(picture.width) * std::size_t(picture.height) * 4)
      throw std::invalid_argument("a section picture's pixels do not match its size");
    r.sectionPixels = vtkSmartPointer<vtkImageData>::New();
    r.sectionPixels->SetDimensions(picture.width, picture.height, 1);
    r.sectionPixels->AllocateScalars(VTK_UNSIGNED_CHAR, 4);
    std::copy(picture.rgba.begin(), picture.rgba.end(),
              static_cast<std::uint8_t*>(r.sectionPixels->GetScalarPointer()));
    vtkNew<vtkTexture> texture;
    texture->SetInputData(r.sectionPixels);
    texture->InterpolateOn();
    texture->SetColorModeToDirectScalars();
    r.pictureActor->SetTexture(texture);
  } else {
    r.pictureActor->SetTexture(nullptr);
  }
  r.placeSection();
}

bool SliceScene::hasSection() const {
  return impl_->hasSection;
}

std::optional<std::array<std::array<double, 2>, 2>> SliceScene::sectionLine() const {
  return impl_->line;
}

bool SliceScene::showsSectionPicture() const {
  return impl_->pictureActor->GetVisibility() != 0;
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
