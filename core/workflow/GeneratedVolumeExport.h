#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace teramind {

// One pyramid level of a generated OME-Zarr written as a single volume (x, y, plane; one
// channel per stain: NRRD, NIfTI, TIFF or VDB by extension), for tools that want one file.
// `teramind export` and the studio's File → Export Generated Volume both run this.
struct VolumeExportRequest {
  std::filesystem::path input, output;
  int level = 0;
  double maxBytes = 2.0 * double(1ll << 30);  // a larger level is refused, never half read
};

struct VolumeExport {
  std::int64_t width = 0, height = 0, planes = 0;
  std::vector<std::string> channels;
};

// Throws FileError naming the store or the output; a level holding no generated chunk is
// refused (it would export zeros), and nothing is written unless the whole level was read.
VolumeExport exportGeneratedVolume(const VolumeExportRequest& request);

}  // namespace teramind
