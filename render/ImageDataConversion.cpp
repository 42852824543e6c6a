#include "ImageDataConversion.h"

#include <algorithm>

#include <vtkDataArray.h>
#include <vtkMatrix3x3.h>
#include <vtkPointData.h>
#include <vtkType.h>

namespace teramind::render {
namespace {

template <typename T>
vtkSmartPointer<vtkImageData> convert(const Image3D<T>& image, int channel, int vtkType) {
  auto data = vtkSmartPointer<vtkImageData>::New();
  data->SetDimensions(static_cast<int>(image.dims()[0]), static_cast<int>(image.dims()[1]),
                      static_cast<int>(image.dims()[2]));
  const auto& frame = image.frame();
  data->SetOrigin(frame.origin().data());
  data->SetSpacing(frame.spacing().data());
  vtkNew<vtkMatrix3x3> direction;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) direction->SetElement(i, j, frame.direction()[i][j]);
  data->SetDirectionMatrix(direction);
  data->AllocateScalars(vtkType, 1);
  const T* source = image.channelData(channel);
  std::copy(source, source + image.voxelCount(), static_cast<T*>(data->GetScalarPointer()));
  data->GetPointData()->GetScalars()->SetName(image.channelNames()[channel].c_str());
  return data;
}

}  // namespace

vtkSmartPointer<vtkImageData> toImageData(const Image3D<float>& image, int channel) {
  return convert(image, channel, VTK_FLOAT);
}

vtkSmartPointer<vtkImageData> toImageData(const Image3D<std::uint8_t>& image, int channel) {
  return convert(image, channel, VTK_UNSIGNED_CHAR);
}

}  // namespace teramind::render
