#include "volume/VoxelType.h"

namespace teramind {

std::string voxelTypeName(VoxelType type) {
  switch (type) {
    case VoxelType::UInt8:
      return "uint8";
    case VoxelType::Int8:
      return "int8";
    case VoxelType::UInt16:
      return "uint16";
    case VoxelType::Int16:
      return "int16";
    case VoxelType::UInt32:
      return "uint32";
    case VoxelType::Int32:
      return "int32";
    case VoxelType::UInt64:
      return "uint64";
    case VoxelType::Int64:
      return "int64";
    case VoxelType::Float32:
      return "float32";
    case VoxelType::Float64:
      return "float64";
  }
  return "unknown";
}

std::size_t voxelTypeSize(VoxelType type) {
  switch (type) {
    case VoxelType::UInt8:
    case VoxelType::Int8:
      return 1;
    case VoxelType::UInt16:
    case VoxelType::Int16:
      return 2;
    case VoxelType::UInt32:
    case VoxelType::Int32:
    case VoxelType::Float32:
      return 4;
    case VoxelType::UInt64:
    case VoxelType::Int64:
    case VoxelType::Float64:
      return 8;
  }
  return 0;
}

}  // namespace teramind
