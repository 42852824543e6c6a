#include <filesystem>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "Commands.h"
#include "common/FileError.h"
#include "io/OmeZarrStore.h"
#include "io/VolumeFile.h"

namespace teramind::cli {
namespace {

struct ExportArguments {
  std::string input, output;
  int level = 0;
  double maxGiB = 2;
};

// One pyramid level of a generated OME-Zarr as a multi-channel volume (x, y, plane; one channel
// per stain) for tools that want a single file.
void runExport(const ExportArguments& a) {
  const auto store = OmeZarrStore::open(a.input);
  const auto& L = store.layout();
  if (a.level < 0 || a.level >= L.levels)
    throw std::invalid_argument(
        fmt::format("--level {}: {} has levels 0…{}", a.level, a.input, L.levels - 1));
  const auto w = L.levelWidth(a.level), h = L.levelHeight(a.level);
  const double bytes = double(w) * double(h) * L.planes * double(L.channels.size());
  if (bytes > a.maxGiB * double(1ll << 30))
    throw std::invalid_argument(fmt::format(
        "level {} is {:.1f} GiB, above --max-gib {}: export a coarser --level or keep OME-Zarr",
        a.level, bytes / double(1ll << 30), a.maxGiB));
  const double px = L.levelPixelUm(a.level), shift = px / 2;  // voxel centres
  const PhysicalFrame frame({L.originXUm + shift, L.originYUm + shift, L.originZUm},
                            {px, px, L.planeUm});
  Image3D<std::uint8_t> volume({w, h, L.planes}, frame, L.channels);
  const int T = L.chunk;
  for (int c = 0; c < static_cast<int>(L.channels.size()); ++c)
    for (int z = 0; z < L.planes; ++z)
      for (std::int64_t r = 0; r < L.chunkRows(a.level); ++r)
        for (std::int64_t q = 0; q < L.chunkCols(a.level); ++q) {
          if (!store.hasChunk(a.level, c, z, r, q)) continue;
          const auto chunk = store.readChunk(a.level, c, z, r, q);
          for (int y = 0; y < T && r * T + y < h; ++y)
            for (int x = 0; x < T && q * T + x < w; ++x)
              volume(q * T + x, r * T + y, z, c) = chunk[std::size_t(y) * T + x];
        }
  writeVolume(a.output, AnyVolume(std::move(volume)));
  fmt::print("exported: level {} of {} → {} ({} x {} x {} voxels, channels {})\n", a.level, a.input,
             a.output, w, h, L.planes, fmt::join(L.channels, ", "));
}

}  // namespace

void addExportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("export",
                                 "Write one level of a generated OME-Zarr as NRRD, NIfTI or TIFF");
  static ExportArguments a;
  cmd->add_option("INPUT", a.input, "a generated OME-Zarr")->required();
  cmd->add_option("--out", a.output, "output volume (.nrrd, .nii, .nii.gz, .tif)")->required();
  cmd->add_option("--level", a.level, "pyramid level (0: full resolution)")->capture_default_str();
  cmd->add_option("--max-gib", a.maxGiB, "refuse larger volumes")->capture_default_str();
  cmd->callback([] { runExport(a); });
}

}  // namespace teramind::cli
