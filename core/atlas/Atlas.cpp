#include "atlas/Atlas.h"

#include <algorithm>
#include <regex>

#include "common/FileError.h"
#include "io/VolumeFile.h"

namespace teramind {
namespace {

constexpr double kCcfExtentUm[3] = {13200, 8000, 11400};

PhysicalFrame ccfFrame(int resolutionUm) {
  const double s = resolutionUm;
  return PhysicalFrame({0, 0, 0}, {s, s, s}, identityMatrix());
}

}  // namespace

std::optional<Size3> ccfGridSize(int resolutionUm) {
  if (resolutionUm != 10 && resolutionUm != 25 && resolutionUm != 50 && resolutionUm != 100)
    return std::nullopt;
  return Size3{static_cast<std::int64_t>(kCcfExtentUm[0] / resolutionUm),
               static_cast<std::int64_t>(kCcfExtentUm[1] / resolutionUm),
               static_cast<std::int64_t>(kCcfExtentUm[2] / resolutionUm)};
}

AtlasFiles AtlasFiles::inDirectory(const std::filesystem::path& directory, int resolutionUm) {
  if (!std::filesystem::is_directory(directory))
    throw FileError(directory, "atlas directory does not exist");
  AtlasFiles files;
  if (resolutionUm == 0) {
    const std::regex pattern(R"(annotation_(\d+)\.nrrd)");
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
      std::smatch m;
      const std::string name = entry.path().filename().string();
      if (std::regex_match(name, m, pattern)) {
        const int r = std::stoi(m[1]);
        if (resolutionUm == 0 || r < resolutionUm) resolutionUm = r;
      }
    }
    if (resolutionUm == 0)
      throw FileError(directory, "no annotation_<µm>.nrrd file in the atlas directory");
  }
  files.resolutionUm = resolutionUm;
  const std::string res = std::to_string(resolutionUm);
  files.annotation = directory / ("annotation_" + res + ".nrrd");
  if (!std::filesystem::exists(files.annotation))
    throw FileError(files.annotation, "no " + res + " µm annotation in the atlas directory");
  const auto templ = directory / ("average_template_" + res + ".nrrd");
  if (std::filesystem::exists(templ)) files.templateImage = templ;
  for (const char* name : {"structure_tree_safe_2017.csv", "ara_ontology.json",
                           "structure_graph.json", "structures.csv"}) {
    if (std::filesystem::exists(directory / name)) {
      files.ontology = directory / name;
      break;
    }
  }
  if (files.ontology.empty())
    throw FileError(directory,
                    "no ontology (structure_tree_safe_2017.csv or ara_ontology.json) "
                    "in the atlas directory");
  return files;
}

Atlas Atlas::load(const AtlasFiles& files) {
  Atlas atlas;
  atlas.files_ = files;
  atlas.resolutionUm_ = files.resolutionUm;
  atlas.ontology_ = AtlasOntology::fromFile(files.ontology);

  const VolumeHeader header = readVolumeHeader(files.annotation);
  if (header.voxelType != VoxelType::UInt32 && header.voxelType != VoxelType::Int32)
    throw FileError(files.annotation,
                    "an annotation must hold 32-bit integer structure ids, this "
                    "file holds " +
                        voxelTypeName(header.voxelType));
  if (header.channelNames.size() != 1)
    throw FileError(files.annotation, "an annotation must have one channel");
  if (const auto expected = ccfGridSize(files.resolutionUm); expected && header.dims != *expected)
    throw FileError(files.annotation,
                    "grid " + std::to_string(header.dims[0]) + "x" +
                        std::to_string(header.dims[1]) + "x" + std::to_string(header.dims[2]) +
                        " is not the CCFv3 grid at " + std::to_string(files.resolutionUm) + " µm");
  for (int axis = 0; axis < 3; ++axis)
    if (std::abs(header.frame.spacing()[axis] - files.resolutionUm) > 1e-3 * files.resolutionUm)
      throw FileError(files.annotation, "voxel spacing " +
                                            std::to_string(header.frame.spacing()[axis]) +
                                            " does not match the " +
                                            std::to_string(files.resolutionUm) + " µm resolution");
  atlas.annotation_ = convertVolume<std::uint32_t>(readVolume(files.annotation));
  atlas.annotation_.setFrame(ccfFrame(files.resolutionUm));
  atlas.annotation_.setChannelNames({"structure_id"});

  for (std::uint32_t id : atlas.annotation_.voxels())
    if (id != 0) ++atlas.labelCounts_[id];
  for (const auto& [id, count] : atlas.labelCounts_)
    if (!atlas.ontology_.contains(id))
      throw FileError(files.annotation, "holds structure id " + std::to_string(id) + " (" +
                                            std::to_string(count) + " voxels), which is not in " +
                                            files.ontology.string());

  if (files.templateImage) {
    Image3D<float> templ = convertVolume<float>(readVolume(*files.templateImage));
    if (templ.channelCount() != 1)
      throw FileError(*files.templateImage, "a template must have one channel");
    if (templ.dims() != atlas.annotation_.dims())
      throw FileError(*files.templateImage, "template grid differs from the annotation grid");
    templ.setFrame(ccfFrame(files.resolutionUm));
    templ.setChannelNames({"template"});
    atlas.template_ = std::move(templ);
  }
  return atlas;
}

double Atlas::voxelVolumeMm3() const {
  const double mm = resolutionUm_ / 1000.0;
  return mm * mm * mm;
}

template <typename Visit>
void Atlas::forEachRegionVoxel(StructureId id, Visit&& visit) const {
  const auto ids = ontology_.subtree(id);
  std::vector<StructureId> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  const auto& dims = annotation_.dims();
  const std::uint32_t* labels = annotation_.channelData(0);
  StructureId lastHit = 0, lastMiss = 0;
  for (std::int64_t k = 0; k < dims[2]; ++k)
    for (std::int64_t j = 0; j < dims[1]; ++j)
      for (std::int64_t i = 0; i < dims[0]; ++i, ++labels) {
        const StructureId label = *labels;
        if (label == 0 || label == lastMiss) continue;
        if (label != lastHit) {
          if (!std::binary_search(sorted.begin(), sorted.end(), label)) {
            lastMiss = label;
            continue;
          }
          lastHit = label;
        }
        visit(i, j, k);
      }
}

std::int64_t Atlas::voxelCount(StructureId id) const {
  std::int64_t total = 0;
  for (StructureId member : ontology_.subtree(id)) {
    auto it = labelCounts_.find(member);
    if (it != labelCounts_.end()) total += it->second;
  }
  return total;
}

double Atlas::volumeMm3(StructureId id) const {
  return voxelCount(id) * voxelVolumeMm3();
}

std::optional<VoxelBox> Atlas::boundingBox(StructureId id) const {
  Index3 lo{annotation_.dims()}, hi{-1, -1, -1};
  forEachRegionVoxel(id, [&](std::int64_t i, std::int64_t j, std::int64_t k) {
    lo = {std::min(lo[0], i), std::min(lo[1], j), std::min(lo[2], k)};
    hi = {std::max(hi[0], i), std::max(hi[1], j), std::max(hi[2], k)};
  });
  if (hi[0] < 0) return std::nullopt;
  return VoxelBox{lo, {hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1}};
}

Image3D<std::uint8_t> Atlas::regionMask(StructureId id) const {
  Image3D<std::uint8_t> mask(annotation_.dims(), annotation_.frame(), {ontology_.byId(id).acronym});
  forEachRegionVoxel(id,
                     [&](std::int64_t i, std::int64_t j, std::int64_t k) { mask(i, j, k) = 1; });
  return mask;
}

std::pair<std::int64_t, std::int64_t> Atlas::hemisphereVoxelCounts(StructureId id) const {
  const std::int64_t midline = annotation_.dims()[2] / 2;
  std::int64_t left = 0, right = 0;
  forEachRegionVoxel(
      id, [&](std::int64_t, std::int64_t, std::int64_t k) { (k < midline ? left : right)++; });
  return {left, right};
}

const Structure* Atlas::structureAt(const Vec3& pointUm) const {
  const auto voxel = annotation_.frame().physicalToVoxel(pointUm, annotation_.dims());
  if (!voxel) return nullptr;
  const StructureId label = annotation_(voxel->at(0), voxel->at(1), voxel->at(2));
  return label == 0 ? nullptr : ontology_.find(label);
}

}  // namespace teramind
