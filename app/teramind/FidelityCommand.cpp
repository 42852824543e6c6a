#include <cmath>
#include <filesystem>
#include <string>

#include <fmt/core.h>

#include "Commands.h"
#include "analysis/SideBySideImage.h"
#include "io/OmeZarrStore.h"
#include "workflow/GeneratedFidelity.h"
#include "workflow/RealStainsOfJob.h"

namespace teramind::cli {
namespace {

struct FidelityArguments {
  std::string output, image;
};

// One figure per line, `name: value`, so docs and tests can grep them.
void runFidelity(const FidelityArguments& a) {
  const auto store = OmeZarrStore::open(a.output);
  const RealStainsOfJob real(store);
  const auto& job = real.job();
  const auto f = measureGeneratedFidelity(store, real);
  const auto& L = store.layout();
  fmt::print("real_stains: {}\n", job.data.string());
  fmt::print("region: {} ({} x {} px at {} um/px)\n", job.region.empty() ? "?" : job.region,
             L.width, L.height, L.pixelUm);
  fmt::print("planes: {} (section planes {}…{})\n", f.planes, real.sectionPlane(0),
             real.sectionPlane(f.planes - 1));
  if (job.edited)
    fmt::print("note: the condition was painted; the real stains are the unedited tissue\n");
  fmt::print("tiles_generated: {} of {}\n", f.tilesGenerated, f.tiles);
  fmt::print("compared_px: {} x {} (where the real stains have tissue)\n", f.comparedPx.first,
             f.comparedPx.second);
  for (const auto& s : f.stains) {
    fmt::print("psnr_{}: {:.2f}\n", s.name, s.psnr);
    fmt::print("ssim_{}: {:.4f}\n", s.name, s.ssim);
  }
  if (f.hasDapi) {
    fmt::print("nuclei_real: {}\n", f.nucleiReal);
    fmt::print("nuclei_generated: {}\n", f.nucleiGenerated);
    if (std::isnan(f.nucleusAreaKs))
      fmt::print("nucleus_area_ks: n/a (no nuclei in {})\n",
                 f.nucleiReal == 0 ? "the real stain" : "the generated stain");
    else
      fmt::print("nucleus_area_ks: {:.4f}\n", f.nucleusAreaKs);
    fmt::print("nucleus_min_area_px: {}\n", f.nucleusMinAreaPx);
  }
  for (const auto& s : f.stains) {
    fmt::print("seam_ratio_{}: {:.3f}\n", s.name, s.seamGenerated);
    fmt::print("seam_ratio_real_{}: {:.3f}\n", s.name, s.seamReal);
  }
  // What chance alone gives on real tissue of this size: the grid moved within a tile.
  for (const auto& c : f.seamsRealShifted.channels)
    fmt::print(
        "seam_ratio_real_shifted_{}: mean {:.3f}, min {:.3f}, max {:.3f} over {} grid "
        "shifts\n",
        c.name, c.mean, c.min, c.max, c.shifts);
  fmt::print("seam_ratio: {:.3f}\n", f.seamsGenerated.ratio);
  fmt::print("seam_ratio_real: {:.3f}\n", f.seamsReal.ratio);
  if (!a.image.empty()) {
    writeSideBySide(a.image, f.firstPlane);
    std::string rows;
    for (const auto& s : f.stains) rows += (rows.empty() ? "" : ", ") + s.name;
    fmt::print("image: {} (rows {} of plane 0; real | generated)\n", a.image, rows);
  }
}

}  // namespace

void addFidelityCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "fidelity",
      "Compare a generated OME-Zarr with the real stains of its job's region and planes");
  static FidelityArguments a;
  cmd->add_option("OUTPUT", a.output, "a generated OME-Zarr (with its teramind-job.json)")
      ->required();
  cmd->add_option("--image", a.image, "write real | generated side by side (PNG)");
  cmd->callback([] { runFidelity(a); });
}

}  // namespace teramind::cli
