#include "AtlasScene.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include <vtkAbstractMapper.h>
#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellPicker.h>
#include <vtkColorTransferFunction.h>
#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPlane.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataNormals.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>
#include <vtkWindowedSincPolyDataFilter.h>

#include "ImageDataConversion.h"
#include "SectionImage.h"
#include "SectionPlane.h"

namespace teramind::render {

struct AtlasScene::Impl {
  const Atlas& atlas;
  vtkNew<vtkRenderer> renderer;
  vtkNew<vtkVolume> templateVolume;
  vtkNew<vtkGPUVolumeRayCastMapper> templateMapper;
  vtkNew<vtkActor> regionActor;
  vtkNew<vtkVolume> labelVolume;
  vtkNew<vtkGPUVolumeRayCastMapper> labelMapper;
  bool labelsBuilt = false;
  // One transfer function per blend, so switching blends keeps each one's edits.
  TransferFunction compositeFunction = TransferFunction::tissue();
  TransferFunction projectionFunction = TransferFunction::maximumIntensity();
  VolumeBlend blend = VolumeBlend::Composite;
  double templateTop = 1;  // the template value a transfer function's 1 stands for

  void applyTransferFunction() {
    if (!atlas.templateImage()) return;
    const TransferFunction& tf =
        blend == VolumeBlend::MaximumIntensity ? projectionFunction : compositeFunction;
    vtkNew<vtkPiecewiseFunction> opacity;
    for (const auto& p : tf.opacityPoints()) opacity->AddPoint(p.value * templateTop, p.opacity);
    vtkNew<vtkColorTransferFunction> colours;
    for (const auto& p : tf.colourPoints())
      colours->AddRGBPoint(p.value * templateTop, p.rgb[0], p.rgb[1], p.rgb[2]);
    vtkVolumeProperty* property = templateVolume->GetProperty();
    property->SetScalarOpacity(opacity);
    property->SetColor(colours);
    property->SetScalarOpacityUnitDistance(atlas.resolutionUm());  // opacity per voxel, not per µm
    if (blend == VolumeBlend::MaximumIntensity)
      templateMapper->SetBlendModeToMaximumIntensity();
    else
      templateMapper->SetBlendModeToComposite();
  }
  std::optional<StructureId> selected;
  // The section's picture: its actor, centre and larger side in atlas µm (for framing).
  vtkSmartPointer<vtkActor> section;
  Vec3 sectionCentre{};
  double sectionSize = 0;
  vtkSmartPointer<vtkPlane> sectionCut;  // removes tissue and region in front of the section
  vtkSmartPointer<vtkPlane> sweepCut;    // a movie's coronal cut across planes
  AffineTransform sectionToAtlas;
  std::map<std::array<int, 3>, std::unique_ptr<SectionImage>> generated;
  std::size_t generatedUploads = 0;
  std::map<std::string, std::unique_ptr<SectionImage>> overlays;
  vtkNew<vtkCellPicker> picker;

  // Layers sit in front of the stain (towards the viewer of the cut face) so depth never
  // decides between them: generated tiles, then overlays.
  static constexpr double kGeneratedLiftUm = 3, kOverlayLiftUm = 6;

  // Structure ids are sparse 32-bit numbers: relabel them 1…n (0 outside the brain) and give
  // each index its structure's colour, looked up without interpolation.
  void buildLabels() {
    const auto& annotation = atlas.annotation();
    std::unordered_map<std::uint32_t, std::uint16_t> index;
    vtkNew<vtkColorTransferFunction> colours;
    colours->AddRGBPoint(0, 0, 0, 0);
    auto image = vtkSmartPointer<vtkImageData>::New();
    const auto& d = annotation.dims();
    image->SetDimensions(int(d[0]), int(d[1]), int(d[2]));
    const double s = atlas.resolutionUm();
    image->SetSpacing(s, s, s);
    image->AllocateScalars(VTK_UNSIGNED_SHORT, 1);
    auto* out = static_cast<std::uint16_t*>(image->GetScalarPointer());
    const std::uint32_t* in = annotation.channelData(0);
    for (std::int64_t i = 0; i < annotation.voxelCount(); ++i) {
      if (in[i] == 0) {
        out[i] = 0;
        continue;
      }
      auto [it, added] = index.try_emplace(in[i], std::uint16_t(index.size() + 1));
      if (added) {
        std::array<std::uint8_t, 3> c{128, 128, 128};
        if (atlas.ontology().contains(in[i])) c = atlas.ontology().byId(in[i]).color;
        colours->AddRGBPoint(it->second, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0);
      }
      out[i] = it->second;
    }
    vtkNew<vtkPiecewiseFunction> opacity;
    opacity->AddPoint(0, 0.0);
    opacity->AddPoint(0.5, 0.0);
    opacity->AddPoint(1, 0.05);
    opacity->AddPoint(double(index.size() + 1), 0.05);
    vtkNew<vtkVolumeProperty> property;
    property->SetColor(colours);
    property->SetScalarOpacity(opacity);
    property->SetInterpolationTypeToNearest();
    property->SetScalarOpacityUnitDistance(s);
    labelMapper->SetInputData(image);
    labelMapper->SetAutoAdjustSampleDistances(false);
    labelMapper->SetSampleDistance(s * 0.5f);
    labelVolume->SetMapper(labelMapper);
    labelVolume->SetProperty(property);
    renderer->AddVolume(labelVolume);
    labelsBuilt = true;
  }

  void applySectionCut() {
    const auto cut = [this](vtkAbstractMapper* mapper) {
      mapper->RemoveAllClippingPlanes();
      if (sectionCut) mapper->AddClippingPlane(sectionCut);
      if (sweepCut) mapper->AddClippingPlane(sweepCut);
    };
    cut(templateMapper);
    cut(labelMapper);
    if (auto* mapper = regionActor->GetMapper()) cut(mapper);
  }

  // Shows `actor` as the section, framed by the rectangle `origin`, `alongX`, `alongY`, and
  // cuts the template away in front of it: the picture sits on the cut face.
  void placeSection(vtkSmartPointer<vtkActor> actor, const Vec3& origin, const Vec3& alongX,
                    const Vec3& alongY, const AffineTransform& toAtlas) {
    sectionToAtlas = toAtlas;
    section = std::move(actor);
    renderer->AddActor(section);
    for (std::size_t a = 0; a < 3; ++a) sectionCentre[a] = 0.5 * (alongX[a] + alongY[a]);
    const auto distance = [](const Vec3& p, const Vec3& q) {
      return std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
                       (p[2] - q[2]) * (p[2] - q[2]));
    };
    sectionSize = std::max(distance(origin, alongX), distance(origin, alongY));
    const Vec3 normal = toAtlas.apply({0, 0, 1});
    const Vec3 zero = toAtlas.apply({0, 0, 0});
    sectionCut = vtkSmartPointer<vtkPlane>::New();
    sectionCut->SetOrigin(sectionCentre.data());
    sectionCut->SetNormal(normal[0] - zero[0], normal[1] - zero[1], normal[2] - zero[2]);
    applySectionCut();
  }

  void removeSection() {
    if (section) renderer->RemoveActor(section);
    section = nullptr;
    sectionCut = nullptr;
    applySectionCut();
  }

  explicit Impl(const Atlas& a) : atlas(a) {}
};

AtlasScene::AtlasScene(const Atlas& atlas) : impl_(std::make_unique<Impl>(atlas)) {
  auto& r = *impl_;
  r.renderer->SetBackground(0.08, 0.09, 0.11);
  r.renderer->SetBackgroundAlpha(1.0);  // VTK defaults to 0, which Qt composes as see-through
  if (atlas.templateImage()) {
    r.templateMapper->SetInputData(toImageData(*atlas.templateImage()));
    r.templateMapper->SetAutoAdjustSampleDistances(false);
    r.templateMapper->SetSampleDistance(atlas.resolutionUm() * 0.5f);
    r.templateMapper->SetUseJittering(true);  // no wood-grain rings from the sample spacing
    r.templateTop = atlas.templateImage()->valueRange().second;
    vtkNew<vtkVolumeProperty> property;
    property->SetInterpolationTypeToLinear();
    property->ShadeOff();
    r.templateVolume->SetMapper(r.templateMapper);
    r.templateVolume->SetProperty(property);
    r.renderer->AddVolume(r.templateVolume);
    r.applyTransferFunction();
  }
  r.regionActor->VisibilityOff();
  r.renderer->AddActor(r.regionActor);
  if (!atlas.templateImage()) setShowLabels(true);
  r.picker->SetTolerance(0.0005);
  // The template's opacity is low per voxel: pick where tissue starts, not where it saturates.
  r.picker->SetVolumeOpacityIsovalue(0.002);
  r.picker->PickFromListOff();
  resetCamera();
}

AtlasScene::~AtlasScene() = default;

const Atlas& AtlasScene::atlas() const {
  return impl_->atlas;
}

void AtlasScene::setBlend(VolumeBlend blend) {
  impl_->blend = blend;
  impl_->applyTransferFunction();
}

VolumeBlend AtlasScene::blend() const {
  return impl_->blend;
}

void AtlasScene::setTransferFunction(const TransferFunction& tf) {
  auto& r = *impl_;
  if (tf.blend() == TransferFunction::Blend::MaximumIntensity) {
    r.projectionFunction = tf;
    r.blend = VolumeBlend::MaximumIntensity;
  } else {
    r.compositeFunction = tf;
    r.blend = VolumeBlend::Composite;
  }
  r.applyTransferFunction();
}

const TransferFunction& AtlasScene::transferFunction() const {
  const auto& r = *impl_;
  return r.blend == VolumeBlend::MaximumIntensity ? r.projectionFunction : r.compositeFunction;
}

void AtlasScene::setShowLabels(bool on) {
  auto& r = *impl_;
  if (on && !r.labelsBuilt) r.buildLabels();
  r.labelVolume->SetVisibility(on);
  if (r.atlas.templateImage()) r.templateVolume->SetVisibility(!on);
}

bool AtlasScene::showsLabels() const {
  return impl_->labelsBuilt && impl_->labelVolume->GetVisibility();
}

void AtlasScene::selectStructure(std::optional<StructureId> id) {
  auto& r = *impl_;
  r.selected = id;
  if (!id) {
    r.regionActor->VisibilityOff();
    return;
  }
  const Structure& s = r.atlas.ontology().byId(*id);
  vtkNew<vtkDiscreteFlyingEdges3D> surface;
  surface->SetInputData(toImageData(r.atlas.regionMask(*id)));
  surface->SetValue(0, 1);
  vtkNew<vtkWindowedSincPolyDataFilter> smooth;  // voxel staircase → anatomical surface
  smooth->SetInputConnection(surface->GetOutputPort());
  smooth->SetNumberOfIterations(15);
  smooth->SetPassBand(0.1);
  smooth->NormalizeCoordinatesOn();
  vtkNew<vtkPolyDataNormals> normals;
  normals->SetInputConnection(smooth->GetOutputPort());
  vtkNew<vtkPolyDataMapper> mapper;
  mapper->SetInputConnection(normals->GetOutputPort());
  mapper->ScalarVisibilityOff();
  r.regionActor->SetMapper(mapper);
  r.applySectionCut();
  r.regionActor->GetProperty()->SetColor(s.color[0] / 255.0, s.color[1] / 255.0,
                                         s.color[2] / 255.0);
  r.regionActor->VisibilityOn();
}

std::optional<StructureId> AtlasScene::selectedStructure() const {
  return impl_->selected;
}

void AtlasScene::resetCamera() {
  auto& r = *impl_;
  const auto& dims = r.atlas.annotation().dims();
  const double s = r.atlas.resolutionUm();
  const double centre[3] = {dims[0] * s / 2, dims[1] * s / 2, dims[2] * s / 2};
  vtkCamera* camera = r.renderer->GetActiveCamera();
  camera->SetFocalPoint(centre);
  // PIR: +x posterior, +y ventral, +z right. Look from front-left-above, dorsal (−y) up.
  camera->SetPosition(centre[0] - 0.55, centre[1] - 0.45, centre[2] - 1.0);
  camera->SetViewUp(0, -1, 0);
  r.renderer->ResetCamera();
  camera->Zoom(1.25);
  r.renderer->ResetCameraClippingRange();
}

void AtlasScene::showSection(const Image3D<std::uint8_t>* stain,
                             const AffineTransform& sectionToAtlas) {
  auto& r = *impl_;
  r.removeSection();
  if (!stain) return;
  const SectionPlane plane(*stain, sectionToAtlas);
  r.placeSection(plane.actor(), plane.origin(), plane.alongX(), plane.alongY(), sectionToAtlas);
}

void AtlasScene::showSection(const SectionRaster& picture, const AffineTransform& sectionToAtlas) {
  auto& r = *impl_;
  r.removeSection();
  if (picture.rgba.empty()) return;
  const SectionImage image(picture, sectionToAtlas, 0);
  const auto corner = [&](double x, double y) { return sectionToAtlas.apply({x, y, picture.zUm}); };
  r.placeSection(image.actor(), corner(picture.xUm, picture.yUm),
                 corner(picture.xUm + picture.widthUm, picture.yUm),
                 corner(picture.xUm, picture.yUm + picture.heightUm), sectionToAtlas);
}

void AtlasScene::setSweepCut(std::optional<double> apUm) {
  auto& r = *impl_;
  r.sweepCut = nullptr;
  if (apUm) {
    // A clipping plane keeps the side its normal points to: posterior of the cut.
    r.sweepCut = vtkSmartPointer<vtkPlane>::New();
    r.sweepCut->SetOrigin(*apUm, 0, 0);
    r.sweepCut->SetNormal(1, 0, 0);
  }
  r.applySectionCut();
}

bool AtlasScene::hasSection() const {
  return impl_->section != nullptr;
}

std::optional<Vec3> AtlasScene::sectionCentre() const {
  if (!impl_->section) return std::nullopt;
  return impl_->sectionCentre;
}

void AtlasScene::focusSection(bool fillView) {
  auto& r = *impl_;
  if (!r.section) return resetCamera();
  const Vec3& c = r.sectionCentre;
  vtkCamera* camera = r.renderer->GetActiveCamera();
  camera->SetFocalPoint(c[0], c[1], c[2]);
  // Along the section's normal (section z), from the side it faces: the cut face head-on
  // whatever way the section is cut (a coronal one is seen from anterior, −x in PIR).
  const Vec3 o = r.sectionToAtlas.apply({0, 0, 0});
  const Vec3 z = r.sectionToAtlas.apply({0, 0, 1});
  Vec3 n{z[0] - o[0], z[1] - o[1], z[2] - o[2]};
  const double length = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  if (length > 0)
    for (double& v : n) v /= length;
  else
    n = {1, 0, 0};
  // 30° of view: the section's larger side fills about 80 % of it at 2.3 sides away.
  const double d = (fillView ? 2.3 : 14) * r.sectionSize;
  camera->SetPosition(c[0] - d * n[0], c[1] - d * n[1], c[2] - d * n[2]);
  // Dorsal up (−y in PIR) unless the section is horizontal: then anterior up.
  if (std::abs(n[1]) > 0.9)
    camera->SetViewUp(-1, 0, 0);
  else
    camera->SetViewUp(0, -1, 0);
  camera->SetViewAngle(30);
  camera->OrthogonalizeViewUp();
  r.renderer->ResetCameraClippingRange();
}

CameraPose AtlasScene::cameraPose() const {
  vtkCamera* camera = impl_->renderer->GetActiveCamera();
  CameraPose pose;
  camera->GetPosition(pose.position.data());
  camera->GetFocalPoint(pose.focalPoint.data());
  camera->GetViewUp(pose.viewUp.data());
  pose.viewAngle = camera->GetViewAngle();
  return pose;
}

void AtlasScene::setCameraPose(const CameraPose& pose) {
  vtkCamera* camera = impl_->renderer->GetActiveCamera();
  camera->SetPosition(pose.position.data());
  camera->SetFocalPoint(pose.focalPoint.data());
  camera->SetViewUp(pose.viewUp.data());
  camera->SetViewAngle(pose.viewAngle);
  impl_->renderer->ResetCameraClippingRange();
}

const AffineTransform& AtlasScene::sectionToAtlas() const {
  return impl_->sectionToAtlas;
}

void AtlasScene::setGeneratedTile(int plane, int row, int col, const SectionRaster& raster) {
  auto& r = *impl_;
  auto& image = r.generated[{plane, row, col}];
  if (image) {
    image->update(raster);
  } else {
    image = std::make_unique<SectionImage>(raster, r.sectionToAtlas, Impl::kGeneratedLiftUm);
    r.renderer->AddActor(image->actor());
  }
  r.generatedUploads += image->textureBytes();
}

void AtlasScene::clearGenerated() {
  auto& r = *impl_;
  for (auto& [key, image] : r.generated) r.renderer->RemoveActor(image->actor());
  r.generated.clear();
  r.generatedUploads = 0;
}

int AtlasScene::generatedTileCount() const {
  return static_cast<int>(impl_->generated.size());
}

std::size_t AtlasScene::generatedUploadBytes() const {
  return impl_->generatedUploads;
}

void AtlasScene::setOverlay(const std::string& name, const SectionRaster& raster) {
  auto& r = *impl_;
  if (auto it = r.overlays.find(name); it != r.overlays.end()) {
    r.renderer->RemoveActor(it->second->actor());
    r.overlays.erase(it);
  }
  if (raster.rgba.empty()) return;
  auto image = std::make_unique<SectionImage>(raster, r.sectionToAtlas, Impl::kOverlayLiftUm);
  r.renderer->AddActor(image->actor());
  r.overlays[name] = std::move(image);
}

bool AtlasScene::hasOverlay(const std::string& name) const {
  return impl_->overlays.count(name) > 0;
}

std::optional<Vec3> AtlasScene::pickAtlasPoint(int x, int y) {
  auto& r = *impl_;
  if (!r.renderer->GetRenderWindow()) return std::nullopt;
  if (!r.picker->Pick(x, y, 0, r.renderer)) return std::nullopt;
  double p[3];
  r.picker->GetPickPosition(p);
  return Vec3{p[0], p[1], p[2]};
}

vtkRenderer* AtlasScene::renderer() {
  return impl_->renderer;
}

}  // namespace teramind::render
