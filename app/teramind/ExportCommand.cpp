#include <filesystem>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "Commands.h"
#include "workflow/GeneratedVolumeExport.h"

namespace teramind::cli {
namespace {

struct ExportArguments {
  std::string input, output;
  int level = 0;
  double maxGiB = 2;
};

void runExport(const ExportArguments& a) {
  const auto v = exportGeneratedVolume({a.input, a.output, a.level, a.maxGiB * double(1ll << 30)});
  fmt::print("exported: level {} of {} → {} ({} x {} x {} voxels, channels {})\n", a.level, a.input,
             a.output, v.width, v.height, v.planes, fmt::join(v.channels, ", "));
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
