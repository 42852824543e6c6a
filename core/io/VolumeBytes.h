#pragma once

// A volume, or a volume file's header, as bytes: how a reader that ran in an isolated child
// (io/ThirdPartyReadIsolation.h) sends its result back. Decoding validates everything (sizes
// consistent with each other and with the bytes, bounded by the caller's limit) because the
// bytes come from a process that ran a library which may have corrupted its memory.

#include <cstdint>
#include <filesystem>
#include <string>

#include "io/VolumeFile.h"
#include "volume/AnyVolume.h"

namespace teramind {

// Voxel type, dims, channel names and the frame's doubles (the format is the caller's).
std::string encodeVolumeHeader(const VolumeHeader& header);
// Throws FileError(file, ...) naming the result offset when the bytes are not a header.
VolumeHeader decodeVolumeHeader(const std::string& bytes, const std::filesystem::path& file,
                                VolumeFormat format);

// The header's fields, then the raw voxels (channel after channel, bit-exact).
std::string encodeVolume(const AnyVolume& volume);
// Throws FileError(file, ...) when the bytes are not a volume or its voxels would take more
// than `maxVoxelBytes`.
AnyVolume decodeVolume(const std::string& bytes, const std::filesystem::path& file,
                       std::uint64_t maxVoxelBytes);

}  // namespace teramind
