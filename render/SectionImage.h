#pragma once

#ifndef TERAMIND_INSIDE_RENDER
#error "SectionImage.h is private to teramind_render (VTK)"
#endif

#include <cstddef>

#include <vtkSmartPointer.h>

#include "SectionRaster.h"
#include "volume/AffineTransform.h"

class vtkActor;
class vtkImageData;

namespace teramind::render {

// A SectionRaster as a textured quad where its section lies in the atlas, lifted `liftUm`
// against the section's normal (towards a viewer in front of the cut) so layers do not fight
// for depth. Internal to render/.
class SectionImage {
 public:
  SectionImage(const SectionRaster& raster, const AffineTransform& sectionToAtlas, double liftUm);
  // New pixels of the same size: only this texture is uploaded again.
  void update(const SectionRaster& raster);
  vtkActor* actor() const { return actor_; }
  std::size_t textureBytes() const;

 private:
  vtkSmartPointer<vtkActor> actor_;
  vtkSmartPointer<vtkImageData> pixels_;
};

}  // namespace teramind::render
