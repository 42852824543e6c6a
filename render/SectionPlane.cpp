#include "SectionPlane.h"

#include <vtkActor.h>
#include <vtkImageData.h>
#include <vtkPlaneSource.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkTexture.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>

namespace teramind::render {
namespace {

// Box-average by an integer factor so a 4603 × 4143 stain becomes a texture a GPU takes.
vtkSmartPointer<vtkImageData> textureImage(const Image3D<std::uint8_t>& stain, int maxPixels) {
  const auto w = stain.dims()[0], h = stain.dims()[1];
  const std::int64_t factor =
      std::max<std::int64_t>(1, (std::max(w, h) + maxPixels - 1) / maxPixels);
  const std::int64_t tw = w / factor, th = h / factor;
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(int(tw), int(th), 1);
  image->AllocateScalars(VTK_UNSIGNED_CHAR, 1);
  auto* out = static_cast<std::uint8_t*>(image->GetScalarPointer());
  for (std::int64_t y = 0; y < th; ++y)
    for (std::int64_t x = 0; x < tw; ++x) {
      std::uint32_t sum = 0;
      for (std::int64_t dy = 0; dy < factor; ++dy)
        for (std::int64_t dx = 0; dx < factor; ++dx)
          sum += stain(x * factor + dx, y * factor + dy, 0);
      out[y * tw + x] = std::uint8_t(sum / std::uint32_t(factor * factor));
    }
  return image;
}

}  // namespace

SectionPlane::SectionPlane(const Image3D<std::uint8_t>& stain,
                           const AffineTransform& sectionToAtlas, int maxTexturePixels) {
  const auto& f = stain.frame();
  // Outer edges of the image in section µm, at the image's plane.
  const double x0 = f.origin()[0] - 0.5 * f.spacing()[0];
  const double y0 = f.origin()[1] - 0.5 * f.spacing()[1];
  const double x1 = x0 + double(stain.dims()[0]) * f.spacing()[0];
  const double y1 = y0 + double(stain.dims()[1]) * f.spacing()[1];
  const double z = f.origin()[2];
  const Vec3 origin = sectionToAtlas.apply({x0, y0, z});
  const Vec3 alongX = sectionToAtlas.apply({x1, y0, z});
  const Vec3 alongY = sectionToAtlas.apply({x0, y1, z});
  vtkNew<vtkPlaneSource> plane;  // texture (0,0) at Origin, s along Point1, t along Point2
  plane->SetOrigin(origin[0], origin[1], origin[2]);
  plane->SetPoint1(alongX[0], alongX[1], alongX[2]);
  plane->SetPoint2(alongY[0], alongY[1], alongY[2]);
  vtkNew<vtkTexture> texture;
  texture->SetInputData(textureImage(stain, maxTexturePixels));
  texture->InterpolateOn();
  vtkNew<vtkPolyDataMapper> mapper;
  mapper->SetInputConnection(plane->GetOutputPort());
  actor_ = vtkSmartPointer<vtkActor>::New();
  actor_->SetMapper(mapper);
  actor_->SetTexture(texture);
  actor_->GetProperty()->LightingOff();  // show the stain as measured, not shaded
  origin_ = origin;
  alongX_ = alongX;
  alongY_ = alongY;
  for (int a = 0; a < 3; ++a) centre_[a] = 0.5 * (alongX[a] + alongY[a]);
  auto distance = [](const Vec3& p, const Vec3& q) {
    return std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
                     (p[2] - q[2]) * (p[2] - q[2]));
  };
  size_ = std::max(distance(origin, alongX), distance(origin, alongY));
}

}  // namespace teramind::render
