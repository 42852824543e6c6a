#pragma once

#ifndef TERAMIND_INSIDE_RENDER
#error "ImageDataConversion.h is private to teramind_render (VTK)"
#endif

// Our images as vtkImageData: the same memory order (axis 0 fastest), so a copy per channel.

#include <vtkImageData.h>
#include <vtkSmartPointer.h>

#include "volume/Image3D.h"

namespace teramind::render {

vtkSmartPointer<vtkImageData> toImageData(const Image3D<float>& image, int channel = 0);
vtkSmartPointer<vtkImageData> toImageData(const Image3D<std::uint8_t>& image, int channel = 0);

}  // namespace teramind::render
