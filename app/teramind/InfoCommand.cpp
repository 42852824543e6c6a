#include <set>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "Commands.h"
#include "io/VolumeFile.h"

namespace teramind::cli {
namespace {

void printVolumeInfo(const std::filesystem::path& file) {
  const VolumeHeader header = readVolumeHeader(file);
  const AnyVolume volume = readVolume(file);
  const auto& f = header.frame;
  fmt::print("file: {}\n", file.string());
  fmt::print("format: {}\n", volumeFormatName(header.format));
  fmt::print("dims: {} x {} x {}\n", header.dims[0], header.dims[1], header.dims[2]);
  fmt::print("spacing_um: {} {} {}\n", f.spacing()[0], f.spacing()[1], f.spacing()[2]);
  fmt::print("origin_um: {} {} {}\n", f.origin()[0], f.origin()[1], f.origin()[2]);
  fmt::print("dtype: {}\n", voxelTypeName(header.voxelType));
  fmt::print("channels: {} ({})\n", header.channelNames.size(),
             fmt::join(header.channelNames, ", "));
  std::visit(
      [&](const auto& image) {
        for (int c = 0; c < image.channelCount(); ++c) {
          const auto [lo, hi] = image.valueRange(c);
          fmt::print("value_range{}: {} .. {}\n",
                     image.channelCount() > 1 ? "[" + image.channelNames()[c] + "]" : "", lo, hi);
        }
        using T = typename std::decay_t<decltype(image)>::value_type;
        // 32-bit integer volumes are label images (atlas annotations).
        if constexpr (std::is_same_v<T, std::uint32_t> || std::is_same_v<T, std::int32_t>) {
          std::set<T> labels(image.voxels().begin(), image.voxels().end());
          labels.erase(T{0});
          fmt::print("structures: {} (distinct non-zero ids)\n", labels.size());
        }
      },
      volume);
}

}  // namespace

void addInfoCommand(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("info", "Describe a data file (volume: dims, spacing, dtype, range)");
  static std::string file;
  cmd->add_option("FILE", file, "NRRD, NIfTI, TIFF or OpenVDB volume")->required();
  cmd->callback([] { printVolumeInfo(file); });
}

}  // namespace teramind::cli
