#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sectionview/PyramidSource.h"

namespace teramind {

// Any NGFF multiscale image as a pyramid source: NGFF 0.4 (Zarr v2) or 0.5 (Zarr v3, sharded or
// not), ours (teramind generate's output, read through OmeZarrStore, chunks never written are
// NaN) or another tool's (ome-zarr-py, bioformats2raw, SpatialData images): axes from the
// multiscales metadata (t, c, z, y, x in any subset holding y and x), levels from its datasets
// with their scale and translation (µm; nm and mm converted), 8- or 16-bit, any chunk shape;
// tiles of the source's own chunk side (or 256 px where chunks are not square).
class NgffPyramidSource : public PyramidSource {
 public:
  // `path`: the image's group (the folder holding .zattrs/zarr.json with "multiscales").
  // Throws FileError naming the file and the field for anything it does not read.
  static std::shared_ptr<NgffPyramidSource> open(const std::filesystem::path& path);
  // Whether `path` looks like an NGFF image group (metadata file with multiscales).
  static bool isNgffImage(const std::filesystem::path& path);

  const PyramidInfo& info() const override { return info_; }
  const std::filesystem::path& path() const { return path_; }
  // Whether it is a teramind generate output (teramind-job.json / our attributes).
  bool isTeramindOutput() const { return ours_; }

 protected:
  NgffPyramidSource() = default;
  std::filesystem::path path_;
  PyramidInfo info_;
  bool ours_ = false;
};

}  // namespace teramind
