#include "io/VdbVolumeIO.h"

#include <cmath>

#include <openvdb/openvdb.h>

namespace teramind::vdb {

void initialise() {
  static std::once_flag once;
  std::call_once(once, [] { openvdb::initialize(); });
}

namespace {

constexpr const char* kVoxelTypeKey = "teramind_voxel_type";
constexpr const char* kDimsKey = "teramind_dims";
constexpr const char* kChannelIndexKey = "teramind_channel_index";

// OpenVDB registers no unsigned grids: small integers go to Int32, the rest to Int64.
template <typename T>
using GridFor = std::conditional_t<
    std::is_floating_point_v<T>,
    std::conditional_t<std::is_same_v<T, float>, openvdb::FloatGrid, openvdb::DoubleGrid>,
    std::conditional_t<(sizeof(T) < 4 || std::is_same_v<T, std::int32_t>), openvdb::Int32Grid,
                       openvdb::Int64Grid>>;

openvdb::math::Transform::Ptr toTransform(const PhysicalFrame& frame) {
  // OpenVDB maps row vectors: world = index · M, translation in the last row.
  openvdb::math::Mat4d m = openvdb::math::Mat4d::identity();
  for (int axis = 0; axis < 3; ++axis)
    for (int world = 0; world < 3; ++world)
      m[axis][world] = frame.direction()[world][axis] * frame.spacing()[axis];
  for (int world = 0; world < 3; ++world) m[3][world] = frame.origin()[world];
  return openvdb::math::Transform::createLinearTransform(m);
}

PhysicalFrame toFrame(const openvdb::math::Transform& transform,
                      const std::filesystem::path& file) {
  if (!transform.isLinear()) throw FileError(file, "grid transform is not linear");
  const openvdb::math::Mat4d m = transform.baseMap()->getAffineMap()->getMat4();
  Vec3 origin{}, spacing{};
  Mat3 direction{};
  for (int axis = 0; axis < 3; ++axis) {
    spacing[axis] =
        std::sqrt(m[axis][0] * m[axis][0] + m[axis][1] * m[axis][1] + m[axis][2] * m[axis][2]);
    if (!(spacing[axis] > 0)) throw FileError(file, "grid transform has a zero voxel size");
    for (int world = 0; world < 3; ++world) direction[world][axis] = m[axis][world] / spacing[axis];
    origin[axis] = m[3][axis];
  }
  return {origin, spacing, direction};
}

std::optional<VoxelType> voxelTypeFromName(const std::string& name) {
  for (auto t : {VoxelType::UInt8, VoxelType::Int8, VoxelType::UInt16, VoxelType::Int16,
                 VoxelType::UInt32, VoxelType::Int32, VoxelType::UInt64, VoxelType::Int64,
                 VoxelType::Float32, VoxelType::Float64})
    if (voxelTypeName(t) == name) return t;
  return std::nullopt;
}

VoxelType voxelTypeOfGrid(const openvdb::GridBase& grid, const std::filesystem::path& file) {
  if (auto meta = grid.getMetadata<openvdb::StringMetadata>(kVoxelTypeKey))
    if (auto type = voxelTypeFromName(meta->value())) return *type;
  if (grid.isType<openvdb::FloatGrid>()) return VoxelType::Float32;
  if (grid.isType<openvdb::DoubleGrid>()) return VoxelType::Float64;
  if (grid.isType<openvdb::Int32Grid>()) return VoxelType::Int32;
  if (grid.isType<openvdb::Int64Grid>()) return VoxelType::Int64;
  throw FileError(file,
                  "grid '" + grid.getName() + "' has unsupported value type " + grid.valueType());
}

struct GridLayout {
  VolumeHeader header;
  Index3 offset{0, 0, 0};  // index of our voxel (0,0,0) in the grids' index space
  openvdb::GridPtrVecPtr grids;
};

GridLayout openGrids(const std::filesystem::path& file) {
  initialise();
  GridLayout layout;
  try {
    openvdb::io::File vdbFile(file.string());
    vdbFile.open(false);  // load now: delayed loading would fail later, outside this try
    layout.grids = vdbFile.getGrids();
    vdbFile.close();
  } catch (const std::exception& e) {  // truncated files also throw ios_base::failure

    throw FileError(file, std::string("not a readable OpenVDB file: ") + e.what());
  }
  if (!layout.grids || layout.grids->empty()) throw FileError(file, "holds no grids");
  auto& grids = *layout.grids;
  std::stable_sort(grids.begin(), grids.end(), [](const auto& a, const auto& b) {
    auto index = [](const openvdb::GridBase::Ptr& g) {
      auto m = g->getMetadata<openvdb::Int32Metadata>(kChannelIndexKey);
      return m ? m->value() : 0;
    };
    return index(a) < index(b);
  });
  const auto& first = *grids.front();
  VolumeHeader& h = layout.header;
  h.format = VolumeFormat::OpenVdb;
  h.voxelType = voxelTypeOfGrid(first, file);
  PhysicalFrame gridFrame = toFrame(first.transform(), file);
  if (auto dims = first.getMetadata<openvdb::Vec3IMetadata>(kDimsKey)) {
    h.dims = {dims->value().x(), dims->value().y(), dims->value().z()};
  } else {
    // A foreign grid: take the bounding box of the active voxels of all grids.
    openvdb::CoordBBox box;
    for (const auto& grid : grids) box.expand(grid->evalActiveVoxelBoundingBox());
    if (box.empty()) box = openvdb::CoordBBox(openvdb::Coord(0), openvdb::Coord(0));
    layout.offset = {box.min().x(), box.min().y(), box.min().z()};
    h.dims = {box.dim().x(), box.dim().y(), box.dim().z()};
  }
  try {
    checkedVoxelCount(h.dims, grids.size());
  } catch (const std::invalid_argument& e) {
    throw FileError(file, std::string("corrupt grid metadata: ") + e.what());
  }
  h.frame = gridFrame.shifted(layout.offset);
  for (const auto& grid : grids) {
    if (grid->transform() != first.transform())
      throw FileError(file, "grids '" + first.getName() + "' and '" + grid->getName() +
                                "' have different transforms");
    if (voxelTypeOfGrid(*grid, file) != h.voxelType)
      throw FileError(file, "grids '" + first.getName() + "' and '" + grid->getName() +
                                "' hold different voxel types");
    h.channelNames.push_back(grid->getName().empty() ? "value" : grid->getName());
  }
  return layout;
}

template <typename T>
AnyVolume readVoxels(const std::filesystem::path& file, const GridLayout& layout) {
  using Grid = GridFor<T>;
  const VolumeHeader& h = layout.header;
  Image3D<T> image(h.dims, h.frame, h.channelNames);
  for (int c = 0; c < image.channelCount(); ++c) {
    auto grid = openvdb::GridBase::grid<Grid>((*layout.grids)[c]);
    if (!grid)
      throw FileError(
          file, "grid '" + h.channelNames[c] + "' does not hold " + voxelTypeName(h.voxelType));
    for (auto it = grid->cbeginValueOn(); it; ++it) {
      openvdb::CoordBBox box;
      it.getBoundingBox(box);
      for (auto ijk = box.begin(); ijk; ++ijk) {
        const Index3 v{(*ijk).x() - layout.offset[0], (*ijk).y() - layout.offset[1],
                       (*ijk).z() - layout.offset[2]};
        if (!image.contains(v))
          throw FileError(file, "grid '" + h.channelNames[c] +
                                    "' has a voxel outside its declared "
                                    "dimensions");
        image(v[0], v[1], v[2], c) = static_cast<T>(*it);
      }
    }
  }
  return image;
}

template <typename T>
void writeVoxels(const std::filesystem::path& file, const Image3D<T>& image) {
  using Grid = GridFor<T>;
  using GridValue = typename Grid::ValueType;
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    for (auto v : image.voxels())
      if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw FileError(file, "uint64 voxel value does not fit an OpenVDB Int64 grid");
  }
  initialise();
  openvdb::GridPtrVec grids;
  const auto transform = toTransform(image.frame());
  for (int c = 0; c < image.channelCount(); ++c) {
    auto grid = Grid::create(GridValue(0));
    grid->setName(image.channelNames()[c]);
    grid->setTransform(transform->copy());
    grid->insertMeta(kVoxelTypeKey, openvdb::StringMetadata(voxelTypeName(image.voxelType())));
    grid->insertMeta(kDimsKey,
                     openvdb::Vec3IMetadata(openvdb::Vec3i(static_cast<int>(image.dims()[0]),
                                                           static_cast<int>(image.dims()[1]),
                                                           static_cast<int>(image.dims()[2]))));
    grid->insertMeta(kChannelIndexKey, openvdb::Int32Metadata(c));
    grid->setGridClass(openvdb::GRID_UNKNOWN);
    auto accessor = grid->getAccessor();
    for (std::int64_t k = 0; k < image.dims()[2]; ++k)
      for (std::int64_t j = 0; j < image.dims()[1]; ++j)
        for (std::int64_t i = 0; i < image.dims()[0]; ++i)
          if (const T value = image(i, j, k, c); value != T{})
            accessor.setValue(
                openvdb::Coord(static_cast<int>(i), static_cast<int>(j), static_cast<int>(k)),
                static_cast<GridValue>(value));
    grid->pruneGrid();
    grids.push_back(grid);
  }
  try {
    openvdb::io::File vdbFile(file.string());
    vdbFile.write(grids);
    vdbFile.close();
  } catch (const openvdb::Exception& e) {
    throw FileError(file, std::string("cannot write: ") + e.what());
  }
}

}  // namespace

VolumeHeader readHeader(const std::filesystem::path& file) {
  return openGrids(file).header;
}

AnyVolume read(const std::filesystem::path& file) {
  const GridLayout layout = openGrids(file);
  return withVoxelType(layout.header.voxelType, [&](auto tag) {
    return readVoxels<typename decltype(tag)::type>(file, layout);
  });
}

void write(const std::filesystem::path& file, const AnyVolume& volume) {
  std::visit([&](const auto& image) { writeVoxels(file, image); }, volume);
}

}  // namespace teramind::vdb
