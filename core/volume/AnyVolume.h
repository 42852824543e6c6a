#pragma once

#include <variant>

#include "volume/Image3D.h"

namespace teramind {

// A volume whose voxel type is known only at run time (what a file holds).
using AnyVolume =
    std::variant<Image3D<std::uint8_t>, Image3D<std::int8_t>, Image3D<std::uint16_t>,
                 Image3D<std::int16_t>, Image3D<std::uint32_t>, Image3D<std::int32_t>,
                 Image3D<std::uint64_t>, Image3D<std::int64_t>, Image3D<float>, Image3D<double>>;

inline VoxelType voxelTypeOf(const AnyVolume& volume) {
  return std::visit([](const auto& image) { return image.voxelType(); }, volume);
}

// Converts any volume to voxel type T (values cast as by static_cast).
template <typename T>
Image3D<T> convertVolume(const AnyVolume& volume) {
  return std::visit(
      [](const auto& image) {
        if constexpr (std::is_same_v<typename std::decay_t<decltype(image)>::value_type, T>) {
          return image;
        } else {
          Image3D<T> out(image.dims(), image.frame(), image.channelNames());
          std::transform(image.voxels().begin(), image.voxels().end(), out.voxels().begin(),
                         [](auto v) { return static_cast<T>(v); });
          return out;
        }
      },
      volume);
}

// As above, but takes the voxels over without a copy when the type already matches (an
// annotation at 10 µm is 4.8 GB).
template <typename T>
Image3D<T> convertVolume(AnyVolume&& volume) {
  if (auto* image = std::get_if<Image3D<T>>(&volume)) return std::move(*image);
  return convertVolume<T>(static_cast<const AnyVolume&>(volume));
}

}  // namespace teramind
