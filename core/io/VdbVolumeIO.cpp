#include "io/VdbVolumeIO.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <openvdb/openvdb.h>

#include "io/ThirdPartyReadIsolation.h"
#include "io/VolumeBytes.h"

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

std::string dimsText(const Size3& dims) {
  return std::to_string(dims[0]) + " × " + std::to_string(dims[1]) + " × " +
         std::to_string(dims[2]);
}

// Reading makes the volume dense. A damaged dims field (or a tree whose bounding box is far
// off) would otherwise allocate and zero gigabytes before any other check: refuse beyond a
// hard limit, and beyond what a sparse file of this size can plausibly describe.
constexpr std::uint64_t kDenseBytesLimit = std::uint64_t(8) << 30;
constexpr std::uint64_t kVoxelsFreeOfRatio = std::uint64_t(1) << 27;
constexpr std::uint64_t kVoxelsPerFileByte = 1 << 16;

void requirePlausibleDenseSize(const std::filesystem::path& file, const VolumeHeader& h,
                               std::size_t channels) {
  const auto voxels = std::uint64_t(checkedVoxelCount(h.dims, channels));
  const std::uint64_t bytes = voxels * voxelTypeSize(h.voxelType);
  std::error_code error;
  const std::uint64_t fileBytes = std::filesystem::file_size(file, error);
  if (bytes > kDenseBytesLimit)
    throw FileError(file, "declares " + dimsText(h.dims) + " voxels × " + std::to_string(channels) +
                              " channel(s): " + std::to_string(bytes >> 20) +
                              " MiB dense, beyond the " + std::to_string(kDenseBytesLimit >> 30) +
                              " GiB this reader allows");
  if (!error && voxels > kVoxelsFreeOfRatio && voxels / kVoxelsPerFileByte > fileBytes)
    throw FileError(file, "declares " + dimsText(h.dims) + " voxels × " + std::to_string(channels) +
                              " channel(s) in a file of only " + std::to_string(fileBytes) +
                              " bytes (damaged dimensions?)");
}

// What the layout check learns for sizing the read: the grid count and, when every grid
// declares teramind_dims (our writer's files), their voxels.
struct DeclaredLayout {
  std::uint32_t grids = 0;
  std::uint64_t voxels = 0;
  std::uint64_t largestGridVoxels = 0;  // the dense image takes the first grid's dims per grid
  bool everyGridHasDims = true;
};

// Walks the parts of a .vdb that OpenVDB sizes its allocations by (header, file metadata,
// grid descriptors, each grid's metadata) and checks every length and position against the
// file, so that a damaged one is refused before OpenVDB allocates what it says.
class VdbLayoutCheck {
 public:
  explicit VdbLayoutCheck(const std::filesystem::path& file)
      : file_(file), in_(file, std::ios::binary) {
    std::error_code error;
    size_ = std::filesystem::file_size(file, error);
    if (error || !in_) throw FileError(file, "cannot be opened");
  }

  DeclaredLayout run() {
    DeclaredLayout declared;
    skip(8 + 4 + 8, "the header");  // magic, file version, library version
    const std::uint32_t version = at(8, 4);
    skip(1 + 36, "the header");  // has-grid-offsets flag, UUID
    metadata("the file metadata");
    const std::uint32_t grids = u32("the grid count");
    if (grids == 0 || grids > 4096 || grids * std::uint64_t(3 * 4 + 3 * 8) > size_)
      fail("declares " + std::to_string(grids) + " grids", "the grid count");
    declared.grids = grids;
    for (std::uint32_t g = 0; g < grids; ++g) {
      const std::string where = "the descriptor of grid " + std::to_string(g);
      for (int text = 0; text < 3; ++text) string(where);
      const std::uint64_t gridPos = u64(where), blockPos = u64(where), endPos = u64(where);
      if (!(gridPos < blockPos && blockPos <= endPos && endPos <= size_))
        fail("grid positions " + std::to_string(gridPos) + ", " + std::to_string(blockPos) + ", " +
                 std::to_string(endPos) + " do not fit a file of " + std::to_string(size_) +
                 " bytes",
             where);
      const std::uint64_t next = endPos;
      seek(gridPos);
      if (version >= 222) skip(4, "the compression of grid " + std::to_string(g));
      std::uint64_t voxels = 0;
      metadata("the metadata of grid " + std::to_string(g), &voxels);
      if (voxels == 0) declared.everyGridHasDims = false;
      declared.voxels = std::min(declared.voxels + voxels, std::uint64_t(1) << 62);
      declared.largestGridVoxels = std::max(declared.largestGridVoxels, voxels);
      string("the transform of grid " + std::to_string(g));  // the map's type name
      seek(next);
    }
    return declared;
  }

 private:
  [[noreturn]] void fail(const std::string& problem, const std::string& where) const {
    throw FileError(file_, "damaged OpenVDB file: " + problem + " (" + where + ", offset " +
                               std::to_string(offset_) + ")");
  }
  void need(std::uint64_t bytes, const std::string& where) const {
    if (bytes > size_ - std::min(offset_, size_))
      fail("needs " + std::to_string(bytes) + " bytes where " +
               std::to_string(size_ - std::min(offset_, size_)) + " are left",
           where);
  }
  void seek(std::uint64_t offset) {
    offset_ = offset;
    in_.clear();
    in_.seekg(std::streamoff(offset));
  }
  void skip(std::uint64_t bytes, const std::string& where) {
    need(bytes, where);
    seek(offset_ + bytes);
  }
  std::uint64_t read(int bytes, const std::string& where) {
    need(std::uint64_t(bytes), where);
    std::uint64_t value = 0;
    in_.read(reinterpret_cast<char*>(&value), bytes);  // little-endian, as OpenVDB writes
    if (!in_) fail("is cut short", where);
    offset_ += std::uint64_t(bytes);
    return value;
  }
  std::uint32_t at(std::uint64_t offset, int bytes) {
    const std::uint64_t here = offset_;
    seek(offset);
    const auto value = std::uint32_t(read(bytes, "the header"));
    seek(here);
    return value;
  }
  std::uint32_t u32(const std::string& where) { return std::uint32_t(read(4, where)); }
  std::uint64_t u64(const std::string& where) { return read(8, where); }
  void string(const std::string& where) { skip(u32(where), where); }
  // A string's text when it is a short one (a metadata name or type), else skipped and "".
  std::string shortString(const std::string& where) {
    const std::uint32_t length = u32(where);
    if (length > 64) {
      skip(length, where);
      return {};
    }
    need(length, where);
    std::string text(length, '\0');
    in_.read(text.data(), std::streamsize(length));
    if (!in_) fail("is cut short", where);
    offset_ += length;
    return text;
  }
  // `voxels`, when given, receives the product of teramind_dims (0 when absent or not positive).
  void metadata(const std::string& where, std::uint64_t* voxels = nullptr) {
    const std::uint32_t count = u32(where);
    if (std::uint64_t(count) * 12 > size_)
      fail("declares " + std::to_string(count) + " entries", where);
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::string name = shortString(where);
      const std::string type = shortString(where);
      const std::uint32_t size = u32(where);  // the value: its size, then its bytes
      if (voxels && name == kDimsKey && type == "vec3i" && size == 12) {
        std::uint64_t product = 1;
        for (int axis = 0; axis < 3; ++axis) {
          const auto extent = std::int32_t(std::uint32_t(read(4, where)));
          product =
              extent > 0 ? std::min(product * std::uint64_t(extent), std::uint64_t(1) << 62) : 0;
        }
        *voxels = product;
      } else {
        skip(size, where);
      }
    }
  }

  std::filesystem::path file_;
  std::ifstream in_;
  std::uint64_t size_ = 0, offset_ = 0;
};

struct GridLayout {
  VolumeHeader header;
  Index3 offset{0, 0, 0};  // index of our voxel (0,0,0) in the grids' index space
  openvdb::GridPtrVecPtr grids;
};

GridLayout openGrids(const std::filesystem::path& file) {
  initialise();
  GridLayout layout;
  VdbLayoutCheck(file).run();
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
  requirePlausibleDenseSize(file, h, grids.size());
  for (const auto& grid : grids) {
    // Checked before the dense image exists: a damaged tree can place voxels anywhere.
    const openvdb::CoordBBox box = grid->evalActiveVoxelBoundingBox();
    if (box.empty()) continue;
    for (int axis = 0; axis < 3; ++axis)
      if (std::int64_t(box.min()[axis]) - layout.offset[axis] < 0 ||
          std::int64_t(box.max()[axis]) - layout.offset[axis] >= h.dims[axis])
        throw FileError(file, "grid '" + grid->getName() +
                                  "' has voxels outside its declared dimensions " +
                                  dimsText(h.dims));
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

// The most memory a valid file's read can need for its result: 8 bytes (the widest voxel) per
// voxel of the dense image (the largest declared grid × the grid count), or the reader's own
// dense limit when a grid declares no dimensions.
std::uint64_t denseBytesBound(const DeclaredLayout& declared) {
  if (!declared.everyGridHasDims) return kDenseBytesLimit;
  const std::uint64_t limitVoxels = kDenseBytesLimit / 8;
  if (declared.largestGridVoxels > limitVoxels / std::max<std::uint32_t>(declared.grids, 1))
    return kDenseBytesLimit;
  return std::min(declared.largestGridVoxels * declared.grids * 8, kDenseBytesLimit);
}

// OpenVDB allocates what damaged blosc headers say and silently corrupts its heap on some
// damaged trees: it never reads a file in this process. The layout is checked here, then a
// child with a memory limit sized by the declared dense size reads the file and sends its
// result back as bytes (io/ThirdPartyReadIsolation.h, io/VolumeBytes.h).
struct ChildReadBounds {
  std::uint64_t resultBytes = 0;  // the child's memory limit is sized by it
  std::uint64_t maxBytes = 0;     // the most bytes its answer may take
};

ChildReadBounds childReadBounds(const std::filesystem::path& file) {
  initialise();  // before the fork: the child must not inherit a half-run call_once
  const DeclaredLayout declared = VdbLayoutCheck(file).run();
  std::error_code error;
  const std::uint64_t fileBytes = std::filesystem::file_size(file, error);
  ChildReadBounds bounds;
  bounds.resultBytes = denseBytesBound(declared);
  // Voxels, plus channel names and the frame (names come from the file: bounded by its size).
  bounds.maxBytes = bounds.resultBytes + (error ? 0 : fileBytes) + (1 << 20);
  return bounds;
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
  if (!readsInChild()) return openGrids(file).header;
  const ChildReadBounds bounds = childReadBounds(file);
  return readInChild<VolumeHeader>(
      file, [&] { return openGrids(file).header; }, encodeVolumeHeader,
      [&](const std::string& bytes) {
        return decodeVolumeHeader(bytes, file, VolumeFormat::OpenVdb);
      },
      ProbeKind::OpenVdb, bounds.resultBytes, bounds.maxBytes);
}

AnyVolume read(const std::filesystem::path& file) {
  const auto readHere = [&] {
    const GridLayout layout = openGrids(file);
    return withVoxelType(layout.header.voxelType, [&](auto tag) {
      return readVoxels<typename decltype(tag)::type>(file, layout);
    });
  };
  if (!readsInChild()) return readHere();
  const ChildReadBounds bounds = childReadBounds(file);
  return readInChild<AnyVolume>(
      file, readHere, encodeVolume,
      [&](const std::string& bytes) { return decodeVolume(bytes, file, bounds.resultBytes); },
      ProbeKind::OpenVdb, bounds.resultBytes, bounds.maxBytes);
}

void write(const std::filesystem::path& file, const AnyVolume& volume) {
  std::visit([&](const auto& image) { writeVoxels(file, image); }, volume);
}

}  // namespace teramind::vdb
