#include "SectionImage.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <vtkActor.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPlaneSource.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkTexture.h>

namespace teramind::render {
namespace {

void copyPixels(const SectionRaster& raster, vtkImageData& image) {
  if (raster.rgba.size() != std::size_t(raster.width) * std::size_t(raster.height) * 4)
    throw std::invalid_argument("a section raster's pixels do not match its size");
  std::copy(raster.rgba.begin(), raster.rgba.end(),
            static_cast<std::uint8_t*>(image.GetScalarPointer()));
  image.Modified();
}

}  // namespace

SectionImage::SectionImage(const SectionRaster& raster, const AffineTransform& sectionToAtlas,
                           double liftUm) {
  const Vec3 zero = sectionToAtlas.apply({0, 0, 0}), up = sectionToAtlas.apply({0, 0, 1});
  Vec3 normal{up[0] - zero[0], up[1] - zero[1], up[2] - zero[2]};
  const double n = std::sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
  auto place = [&](double x, double y) {
    Vec3 p = sectionToAtlas.apply({x, y, raster.zUm});
    for (int a = 0; a < 3; ++a) p[std::size_t(a)] -= liftUm * normal[std::size_t(a)] / n;
    return p;
  };
  const Vec3 origin = place(raster.xUm, raster.yUm);
  Vec3 alongX = place(raster.xUm + raster.widthUm, raster.yUm);
  Vec3 alongY = place(raster.xUm, raster.yUm + raster.heightUm);
  vtkNew<vtkPlaneSource> plane;  // texture (0,0) at Origin, s along Point1, t along Point2
  plane->SetOrigin(origin.data());
  plane->SetPoint1(alongX.data());
  plane->SetPoint2(alongY.data());
  pixels_ = vtkSmartPointer<vtkImageData>::New();
  pixels_->SetDimensions(raster.width, raster.height, 1);
  pixels_->AllocateScalars(VTK_UNSIGNED_CHAR, 4);
  copyPixels(raster, *pixels_);
  vtkNew<vtkTexture> texture;
  texture->SetInputData(pixels_);
  texture->InterpolateOn();
  texture->SetColorModeToDirectScalars();
  vtkNew<vtkPolyDataMapper> mapper;
  mapper->SetInputConnection(plane->GetOutputPort());
  actor_ = vtkSmartPointer<vtkActor>::New();
  actor_->SetMapper(mapper);
  actor_->SetTexture(texture);
  actor_->GetProperty()->LightingOff();  // show the data as it is, not shaded
}

void SectionImage::update(const SectionRaster& raster) {
  int dims[3];
  pixels_->GetDimensions(dims);
  if (dims[0] != raster.width || dims[1] != raster.height)
    throw std::invalid_argument("a section image's size cannot change");
  copyPixels(raster, *pixels_);
}

std::size_t SectionImage::textureBytes() const {
  int dims[3];
  pixels_->GetDimensions(dims);
  return std::size_t(dims[0]) * std::size_t(dims[1]) * 4;
}

}  // namespace teramind::render
