#include "io/VolumeBytes.h"

#include <stdexcept>

#include "io/ResultBytes.h"

namespace teramind {
namespace {

constexpr std::uint32_t kHeaderMagic = 0x4C4F564D;  // "MVOL"
constexpr std::uint32_t kVolumeMagic = 0x5856564D;  // "MVVX"
// An OpenVDB file we read holds at most 4096 grids (VdbVolumeIO's layout check).
constexpr std::uint32_t kMaxChannels = 4096;
constexpr std::uint64_t kMaxChannelName = 1 << 16;

struct Described {
  Size3 dims{};
  VoxelType voxelType = VoxelType::UInt8;
  PhysicalFrame frame;
  std::vector<std::string> channelNames;
};

void putDescription(ResultBytesWriter& out, const Size3& dims, VoxelType type,
                    const PhysicalFrame& frame, const std::vector<std::string>& names) {
  out.put(std::uint8_t(type));
  for (const auto extent : dims) out.put(std::int64_t(extent));
  for (const double v : frame.origin()) out.put(v);
  for (const double v : frame.spacing()) out.put(v);
  for (const auto& row : frame.direction())
    for (const double v : row) out.put(v);
  out.put(std::uint32_t(names.size()));
  for (const auto& name : names) out.putString(name);
}

Described getDescription(ResultBytesReader& in) {
  Described d;
  const auto type = in.get<std::uint8_t>("the voxel type");
  if (type > std::uint8_t(VoxelType::Float64))
    in.fail("unknown voxel type " + std::to_string(type));
  d.voxelType = VoxelType(type);
  for (auto& extent : d.dims) {
    extent = in.get<std::int64_t>("the dimensions");
    if (extent < 0) in.fail("negative dimension " + std::to_string(extent));
  }
  Vec3 origin{}, spacing{};
  Mat3 direction{};
  for (double& v : origin) v = in.get<double>("the origin");
  for (double& v : spacing) v = in.get<double>("the spacing");
  for (auto& row : direction)
    for (double& v : row) v = in.get<double>("the direction");
  try {
    d.frame = PhysicalFrame(origin, spacing, direction);
  } catch (const std::invalid_argument& e) {
    in.fail(std::string("its frame: ") + e.what());
  }
  const auto channels = in.get<std::uint32_t>("the channel count");
  if (channels == 0 || channels > kMaxChannels)
    in.fail(std::to_string(channels) + " channels (1 to " + std::to_string(kMaxChannels) + ")");
  // Each name takes at least its 8-byte length: a count beyond the bytes left is refused first.
  in.need(std::uint64_t(channels) * 8, "the channel names");
  d.channelNames.reserve(channels);
  for (std::uint32_t c = 0; c < channels; ++c)
    d.channelNames.push_back(in.getString("a channel name", kMaxChannelName));
  return d;
}

}  // namespace

std::string encodeVolumeHeader(const VolumeHeader& header) {
  ResultBytesWriter out;
  out.put(kHeaderMagic);
  putDescription(out, header.dims, header.voxelType, header.frame, header.channelNames);
  return out.take();
}

VolumeHeader decodeVolumeHeader(const std::string& bytes, const std::filesystem::path& file,
                                VolumeFormat format) {
  ResultBytesReader in(bytes, file);
  if (in.get<std::uint32_t>("the magic number") != kHeaderMagic)
    in.fail("it is not a volume header");
  Described d = getDescription(in);
  in.requireEnd();
  try {
    (void)checkedVoxelCount(d.dims, d.channelNames.size());
  } catch (const std::invalid_argument& e) {
    in.fail(e.what());
  }
  return {format, d.dims, d.frame, d.voxelType, std::move(d.channelNames)};
}

std::string encodeVolume(const AnyVolume& volume) {
  return std::visit(
      [](const auto& image) {
        using T = typename std::decay_t<decltype(image)>::value_type;
        const std::uint64_t voxelBytes = image.voxels().size() * sizeof(T);
        ResultBytesWriter out;
        out.reserve(std::size_t(voxelBytes) + 256 + 64 * image.channelNames().size());
        out.put(kVolumeMagic);
        putDescription(out, image.dims(), image.voxelType(), image.frame(), image.channelNames());
        out.put(voxelBytes);
        out.putRaw(image.voxels().data(), std::size_t(voxelBytes));
        return out.take();
      },
      volume);
}

AnyVolume decodeVolume(const std::string& bytes, const std::filesystem::path& file,
                       std::uint64_t maxVoxelBytes) {
  ResultBytesReader in(bytes, file);
  if (in.get<std::uint32_t>("the magic number") != kVolumeMagic) in.fail("it is not a volume");
  Described d = getDescription(in);
  std::uint64_t expected = 0;
  try {
    expected = std::uint64_t(checkedVoxelCount(d.dims, d.channelNames.size())) *
               voxelTypeSize(d.voxelType);
  } catch (const std::invalid_argument& e) {
    in.fail(e.what());
  }
  if (expected > maxVoxelBytes)
    in.fail("its voxels take " + std::to_string(expected) + " bytes, more than the " +
            std::to_string(maxVoxelBytes) + " allowed");
  const auto voxelBytes = in.get<std::uint64_t>("the voxel byte count");
  if (voxelBytes != expected)
    in.fail("it declares " + std::to_string(voxelBytes) +
            " voxel bytes where its dimensions need " + std::to_string(expected));
  in.need(voxelBytes, "the voxels");
  if (in.left() != voxelBytes)
    in.fail(std::to_string(in.left() - voxelBytes) + " bytes follow its end");
  return withVoxelType(d.voxelType, [&](auto tag) -> AnyVolume {
    using T = typename decltype(tag)::type;
    Image3D<T> image(d.dims, d.frame, std::move(d.channelNames));
    in.getRaw(image.voxels().data(), voxelBytes, "the voxels");
    return AnyVolume(std::move(image));
  });
}

}  // namespace teramind
