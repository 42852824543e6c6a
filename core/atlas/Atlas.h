#pragma once

#include <filesystem>
#include <optional>
#include <unordered_map>
#include <vector>

#include "atlas/AtlasOntology.h"
#include "volume/Image3D.h"

namespace teramind {

// The files of one atlas resolution. Allen names them annotation_<µm>.nrrd and
// average_template_<µm>.nrrd; the template is optional (there is no 50 µm one in shared data).
struct AtlasFiles {
  std::filesystem::path annotation;
  std::optional<std::filesystem::path> templateImage;
  std::filesystem::path ontology;
  int resolutionUm = 0;

  // Finds the files in `directory`; resolutionUm 0 takes the finest annotation present.
  static AtlasFiles inDirectory(const std::filesystem::path& directory, int resolutionUm = 0);
};

// Allen CCFv3 in its PIR convention: physical coordinates are CCF micrometres with axis 0
// anterior→posterior, axis 1 dorsal→ventral, axis 2 left→right; voxel (i,j,k) is centred at
// (i,j,k) × resolution, the first voxel at the anterior-dorsal-left corner. The NRRD `space` field
// is ignored: it is wrong in the release.
class Atlas {
 public:
  static Atlas load(const AtlasFiles& files);
  static Atlas load(const std::filesystem::path& directory, int resolutionUm = 0) {
    return load(AtlasFiles::inDirectory(directory, resolutionUm));
  }

  int resolutionUm() const { return resolutionUm_; }
  double voxelVolumeMm3() const;
  const AtlasOntology& ontology() const { return ontology_; }
  const Image3D<std::uint32_t>& annotation() const { return annotation_; }
  const std::optional<Image3D<float>>& templateImage() const { return template_; }
  const AtlasFiles& files() const { return files_; }

  // Distinct non-zero ids in the annotation and the voxels each labels directly.
  const std::unordered_map<StructureId, std::int64_t>& labelVoxelCounts() const {
    return labelCounts_;
  }

  // Region queries: a structure's region is its own voxels plus all its descendants'.
  std::int64_t voxelCount(StructureId id) const;
  double volumeMm3(StructureId id) const;
  std::optional<VoxelBox> boundingBox(StructureId id) const;
  Image3D<std::uint8_t> regionMask(StructureId id) const;
  // Voxels of the region in the left (axis 2 below the midline) and right halves.
  std::pair<std::int64_t, std::int64_t> hemisphereVoxelCounts(StructureId id) const;

  // The structure at a physical point (CCF µm), or nullptr outside the brain.
  const Structure* structureAt(const Vec3& pointUm) const;

 private:
  template <typename Visit>
  void forEachRegionVoxel(StructureId id, Visit&& visit) const;

  AtlasFiles files_;
  int resolutionUm_ = 0;
  AtlasOntology ontology_;
  Image3D<std::uint32_t> annotation_;
  std::optional<Image3D<float>> template_;
  std::unordered_map<StructureId, std::int64_t> labelCounts_;
};

// Expected CCFv3 grid sizes per resolution (10, 25, 50, 100 µm), PIR order.
std::optional<Size3> ccfGridSize(int resolutionUm);

}  // namespace teramind
