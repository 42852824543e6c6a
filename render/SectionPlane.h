#pragma once

#ifndef TERAMIND_INSIDE_RENDER
#error "SectionPlane.h is private to teramind_render (VTK)"
#endif

#include <cstdint>

#include <vtkSmartPointer.h>

#include "volume/AffineTransform.h"
#include "volume/Image3D.h"

class vtkActor;

namespace teramind::render {

// A stain image of one section (DAPI, PolyT) drawn as a textured plane where the section lies
// in the atlas. Internal to render/: the scene owns it.
class SectionPlane {
 public:
  // `stain` is in section µm (see readMorphologyImage); it is box-averaged down to at most
  // `maxTexturePixels` on its longer side, which is plenty at atlas scale.
  SectionPlane(const Image3D<std::uint8_t>& stain, const AffineTransform& sectionToAtlas,
               int maxTexturePixels = 1024);

  vtkActor* actor() const { return actor_; }
  // The plane's centre and its larger side in atlas µm, for framing the camera.
  const Vec3& centre() const { return centre_; }
  double size() const { return size_; }
  // The image's outer corners in atlas µm: row 0 column 0, then along x and along y.
  const Vec3& origin() const { return origin_; }
  const Vec3& alongX() const { return alongX_; }
  const Vec3& alongY() const { return alongY_; }

 private:
  vtkSmartPointer<vtkActor> actor_;
  Vec3 centre_{}, origin_{}, alongX_{}, alongY_{};
  double size_ = 0;
};

}  // namespace teramind::render
