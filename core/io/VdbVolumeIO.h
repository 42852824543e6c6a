#pragma once

// Sparse grids through OpenVDB: one grid per channel, zero voxels left inactive, the grid
// transform carrying the physical frame. Internal to core/io: no OpenVDB type leaves it.

#include <filesystem>

#include "io/VolumeFile.h"

namespace teramind::vdb {

VolumeHeader readHeader(const std::filesystem::path& file);
AnyVolume read(const std::filesystem::path& file);
void write(const std::filesystem::path& file, const AnyVolume& volume);

}  // namespace teramind::vdb
