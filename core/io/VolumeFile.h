#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/FileError.h"
#include "volume/AnyVolume.h"

namespace teramind {

// PNG and JPEG are 2D images (one slice): they keep no physical frame, so whoever reads them
// supplies one (see MorphologyImageFile.h).
enum class VolumeFormat { Nrrd, Nifti, Tiff, OpenVdb, Png, Jpeg };

// What a volume file holds, read without its voxels.
struct VolumeHeader {
  VolumeFormat format;
  Size3 dims;
  PhysicalFrame frame;
  VoxelType voxelType;
  std::vector<std::string> channelNames;
};

std::string volumeFormatName(VolumeFormat format);
// By file name: .nrrd/.nhdr, .nii/.nii.gz, .tif/.tiff, .vdb, .png, .jpg/.jpeg. Throws
// FileError otherwise.
VolumeFormat volumeFormatOf(const std::filesystem::path& file);

VolumeHeader readVolumeHeader(const std::filesystem::path& file);
AnyVolume readVolume(const std::filesystem::path& file);
// Writes atomically: an existing file is replaced only once the new one is complete.
void writeVolume(const std::filesystem::path& file, const AnyVolume& volume);

// Reads a volume that must hold voxels of type T; another type is a FileError naming both.
template <typename T>
Image3D<T> readVolumeAs(const std::filesystem::path& file) {
  AnyVolume volume = readVolume(file);
  if (auto* image = std::get_if<Image3D<T>>(&volume)) return std::move(*image);
  throw FileError(file, "holds " + voxelTypeName(voxelTypeOf(volume)) + " voxels, expected " +
                            voxelTypeName(voxelTypeOf<T>()));
}

}  // namespace teramind
