#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

namespace teramind {

enum class VoxelType { UInt8, Int8, UInt16, Int16, UInt32, Int32, UInt64, Int64, Float32, Float64 };

template <typename T>
constexpr VoxelType voxelTypeOf() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return VoxelType::UInt8;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return VoxelType::Int8;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return VoxelType::UInt16;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return VoxelType::Int16;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return VoxelType::UInt32;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return VoxelType::Int32;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return VoxelType::UInt64;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return VoxelType::Int64;
  else if constexpr (std::is_same_v<T, float>)
    return VoxelType::Float32;
  else if constexpr (std::is_same_v<T, double>)
    return VoxelType::Float64;
  else
    static_assert(sizeof(T) == 0, "unsupported voxel type");
}

// "uint8", "float32", ...
std::string voxelTypeName(VoxelType type);
std::size_t voxelTypeSize(VoxelType type);

}  // namespace teramind

namespace teramind {

template <typename T>
struct VoxelTag {
  using type = T;
};

// Calls f(VoxelTag<T>{}) with the C++ type of a run-time voxel type.
template <typename F>
decltype(auto) withVoxelType(VoxelType type, F&& f) {
  switch (type) {
    case VoxelType::UInt8:
      return f(VoxelTag<std::uint8_t>{});
    case VoxelType::Int8:
      return f(VoxelTag<std::int8_t>{});
    case VoxelType::UInt16:
      return f(VoxelTag<std::uint16_t>{});
    case VoxelType::Int16:
      return f(VoxelTag<std::int16_t>{});
    case VoxelType::UInt32:
      return f(VoxelTag<std::uint32_t>{});
    case VoxelType::Int32:
      return f(VoxelTag<std::int32_t>{});
    case VoxelType::UInt64:
      return f(VoxelTag<std::uint64_t>{});
    case VoxelType::Int64:
      return f(VoxelTag<std::int64_t>{});
    case VoxelType::Float32:
      return f(VoxelTag<float>{});
    case VoxelType::Float64:
      break;
  }
  return f(VoxelTag<double>{});
}

}  // namespace teramind
