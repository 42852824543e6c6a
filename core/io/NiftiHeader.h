#pragma once

// Our own reading of a NIfTI-1/NIfTI-2 header (.nii or .nii.gz), done before ITK's NIfTI
// library sees the file, and the check that a NIfTI file just written is whole: the library
// only prints "wrote only N of M bytes" and carries on (issue 21, finding 7).

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace teramind {

struct NiftiHeader {
  int version = 0;  // 1 or 2
  bool gzipped = false;
  std::vector<std::int64_t> dims;  // dim[1..dim[0]]
  int datatype = 0;
  int bytesPerVoxel = 0;
  std::uint64_t voxelOffset = 0;  // where the voxels start in the (decompressed) stream
  std::uint64_t voxelCount = 0;

  std::uint64_t voxelBytes() const {
    return voxelCount * static_cast<std::uint64_t>(bytesPerVoxel);
  }
  std::uint64_t expectedStreamBytes() const { return voxelOffset + voxelBytes(); }
};

// Validates sizeof_hdr (348 or 540, either byte order), the single-file magic, dim[0] in 1..7
// with positive dims, a known datatype and a vox_offset inside the file. Reads at most the
// header (decompressing only its first bytes for .nii.gz). Throws FileError "<field>: ...".
NiftiHeader readNiftiHeader(const std::filesystem::path& file);

// The same on the first bytes of the (decompressed) stream; `fileSize` is the size on disk.
NiftiHeader parseNiftiHeader(const std::filesystem::path& file, std::string_view bytes,
                             bool gzipped, std::uint64_t fileSize);

// Throws FileError naming `file` unless it holds the whole header and every voxel: the file
// size for .nii, the whole gzip stream decoded (and its checksum verified) for .nii.gz.
void checkNiftiComplete(const std::filesystem::path& file);

}  // namespace teramind
