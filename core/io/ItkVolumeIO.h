#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ItkVolumeIO.h is private to teramind_io; use io/VolumeFile.h"
#endif

// NRRD, NIfTI, TIFF, PNG and JPEG through ITK's ImageIO layer. Internal to core/io: no ITK type
// leaves it.

#include <filesystem>

#include "io/VolumeFile.h"

namespace teramind::itkio {

VolumeHeader readHeader(const std::filesystem::path& file);
AnyVolume read(const std::filesystem::path& file);
// Reads back what ITK wrote (NIfTI: the whole stream; NRRD: the header and raw size) and
// throws FileError if it is short: ITK's NIfTI writer does not report a failed write.
void write(const std::filesystem::path& file, const AnyVolume& volume);

// TIFF keeps no origin, z spacing, direction or channel names: they go to "<file>.frame.json".
std::filesystem::path tiffFrameSidecar(const std::filesystem::path& tiff);
void writeTiffFrameSidecar(const std::filesystem::path& tiff, const AnyVolume& volume);

}  // namespace teramind::itkio
