#include <cmath>
#include <filesystem>

#include <fmt/core.h>

#include "Commands.h"
#include "ProgressBar.h"
#include "analysis/ImageSimilarity.h"
#include "analysis/NucleusCounter.h"
#include "analysis/SideBySideImage.h"
#include "io/SpatialDataset.h"
#include "model/ComputeRuntime.h"
#include "model/DenoisingError.h"
#include "model/DiffusionSchedule.h"
#include "model/MorphologyModel.h"
#include "model/MorphologySampler.h"
#include "model/PairedSection.h"
#include "model/PairedSectionFile.h"
#include "workflow/GenerationSampler.h"
#include "workflow/HeldOutSplit.h"

namespace teramind::cli {
namespace {

struct EvaluateArguments {
  std::string weights;
  std::string data;
  std::string image;
  std::uint64_t seed = 0;
  int steps = 15;
  double eta = 0;
  std::string sampler = "blend";
  int threads = 0;
  bool noiseLevels = false;
};

GreyImage plane(const GeneratedMorphology& m, int stain, int section) {
  GreyImage g{m.widthPx, m.heightPx, {}};
  for (int y = 0; y < m.heightPx; ++y)
    for (int x = 0; x < m.widthPx; ++x)
      g.pixels.push_back((m.at(stain, section, y, x) + 1.f) * 127.5f);
  return g;
}

GreyImage realPlane(const PairedSection& s, int stain, int z, int y0, int w, int h) {
  GreyImage g{w, h, {}};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) g.pixels.push_back((s.stain(stain, z, y0 + y, x) + 1.f) * 127.5f);
  return g;
}

void runEvaluate(const EvaluateArguments& a) {
  const auto runtime = configureComputeRuntime(a.threads);
  const auto model = MorphologyModel::load(a.weights.empty() ? bundledDemoModel()
                                                             : std::filesystem::path(a.weights));
  const auto& c = model.config();
  std::filesystem::path data = a.data;
  if (data.empty()) data = bundledDemoDataset();
  ProgressBar reading("reading");
  const auto section = openPairedSection(data, c, model.genes(), std::ref(reading));
  const auto split = heldOutSplit(model, section.grid);
  const int trainRows = split.trainingRows, widthBins = split.widthBins,
            heightBins = split.heightBins;
  fmt::print("device: {} ({} threads)\n", runtime.device, runtime.threads);
  fmt::print("held_out_region: bins x [0, {}) y [{}, {}) = {} x {} px at {} um/px\n", widthBins,
             trainRows, trainRows + heightBins, widthBins * c.binPixels(),
             heightBins * c.binPixels(), c.pixelUm);
  if (a.noiseLevels) {
    // The DDIM timesteps: where sampling asks the network, what it must get right.
    const DiffusionSchedule schedule(c);
    const auto errors = measureDenoisingError(model, section, trainRows, section.grid.height,
                                              schedule.ddimTimesteps(a.steps), a.seed);
    fmt::print("noise_levels: t, eps_mse, identity_eps_mse, x0_mean_error per stain\n");
    for (const auto& e : errors) {
      fmt::print("  t {:4d}  eps_mse {:.5f}  identity {:.5f} ", e.timestep, e.epsMse,
                 e.identityEpsMse);
      for (std::size_t s = 0; s < e.x0MeanError.size(); ++s)
        fmt::print(" {} {:+.3f}", section.stainNames[s], e.x0MeanError[s]);
      fmt::print("\n");
    }
  }
  SamplingOptions options;
  options.seed = a.seed;
  options.steps = a.steps;
  options.eta = a.eta;
  options.decoders = samplerFromName(a.sampler).decoders;
  fmt::print("sampler: {}\n", a.sampler);
  ProgressBar bar("sampling");
  const auto start = std::chrono::steady_clock::now();
  const auto generated =
      sampleRegion(model, section, 0, trainRows, widthBins, heightBins, 0, options,
                   [&](int done, int total) { bar(double(done) / total); });
  fmt::print("sampling_seconds: {:.1f}\n",
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  const int minArea = nucleusMinAreaPx(c.pixelUm);
  std::vector<std::pair<GreyImage, GreyImage>> rows;
  for (int s = 0; s < generated.stains; ++s) {
    double psnrSum = 0, ssimSum = 0;
    int nucleiReal = 0, nucleiGenerated = 0;
    for (int z = 0; z < generated.sections; ++z) {
      const auto real = realPlane(section, s, z, trainRows * c.binPixels(), generated.widthPx,
                                  generated.heightPx);
      const auto fake = plane(generated, s, z);
      psnrSum += psnr(real, fake, 255.0);
      ssimSum += ssim(real, fake, 255.0);
      if (s == 0) {
        nucleiReal += countNuclei(real, minArea).nuclei;
        nucleiGenerated += countNuclei(fake, minArea).nuclei;
      }
      if (z == 0) rows.emplace_back(real, fake);
    }
    const auto& name = section.stainNames[std::size_t(s)];
    fmt::print("psnr_{}: {:.2f}\n", name, psnrSum / generated.sections);
    fmt::print("ssim_{}: {:.4f}\n", name, ssimSum / generated.sections);
    if (s == 0) {
      fmt::print("nuclei_real: {}\n", nucleiReal);
      fmt::print("nuclei_generated: {}\n", nucleiGenerated);
    }
  }
  fmt::print("nucleus_min_area_px: {}\n", minArea);
  if (!a.image.empty()) {
    writeSideBySide(a.image, rows);
    fmt::print("image: {} (rows DAPI, PolyT of plane 0; real | generated)\n", a.image);
  }
}

}  // namespace

void addEvaluateCommand(CLI::App& app) {
  auto* model = app.get_subcommand("model");
  auto* cmd = model->add_subcommand(
      "evaluate",
      "Generate the held-out rows of the training data and compare with the real stains");
  static EvaluateArguments args;
  cmd->add_option("--weights", args.weights, "model checkpoint (default: the bundled demo model)");
  cmd->add_option(
      "--data", args.data,
      "spatial dataset with stains, or a paired section from `teramind prepare` (default: the "
      "bundled demo)");
  cmd->add_option("--image", args.image, "write real | generated side by side (PNG)");
  cmd->add_option("--seed", args.seed, "noise seed")->capture_default_str();
  cmd->add_option("--steps", args.steps, "DDIM steps")->capture_default_str();
  cmd->add_option("--eta", args.eta, "DDIM eta")->capture_default_str();
  cmd->add_option("--sampler", args.sampler,
                  "blend: both patch decoders blended; halo: the official collage decoder (the "
                  "held-out rows are one region, so there are no tiles to make naive)")
      ->check(CLI::IsMember({"blend", "halo"}))
      ->capture_default_str();
  cmd->add_option("--threads", args.threads, "CPU threads (default: all cores)");
  cmd->add_flag("--noise-levels", args.noiseLevels,
                "also print the noise-prediction error of the held-out windows at each DDIM "
                "timestep");
  cmd->callback([] { runEvaluate(args); });
}

}  // namespace teramind::cli
