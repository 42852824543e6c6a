#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/VdbVolumeIO.h is private to teramind_io; use io/VolumeFile.h"
#endif

// Sparse grids through OpenVDB: one grid per channel, zero voxels left inactive, the grid
// transform carrying the physical frame. Internal to core/io: no OpenVDB type leaves it.

#include <filesystem>

#include "io/VolumeFile.h"

namespace teramind::vdb {

// Registers OpenVDB's grid types once per process; every OpenVDB entry point calls it first.
void initialise();

VolumeHeader readHeader(const std::filesystem::path& file);
AnyVolume read(const std::filesystem::path& file);
void write(const std::filesystem::path& file, const AnyVolume& volume);

}  // namespace teramind::vdb
