#include <cstdint>
#include <string>

#include <fmt/core.h>

#include "Commands.h"
#include "ProgressBar.h"
#include "synthetic/SyntheticSection.h"

namespace teramind::cli {
namespace {

struct SynthSectionArguments {
  std::string size = "S";
  std::uint64_t seed = 1;
  std::string out;
  int planes = 2;
};

void runSynthSection(const SynthSectionArguments& a) {
  SyntheticSectionSpec spec = syntheticSectionSpec(a.size);
  spec.seed = a.seed;
  spec.planes = a.planes;
  SyntheticSectionSummary summary;
  {
    ProgressBar bar("synth-section");
    summary = writeSyntheticSection(
        spec, a.out, [&](double fraction, const std::string& stage) { bar(fraction, stage); });
  }
  fmt::print("out: {}\n", a.out);
  fmt::print("size: {} ({} x {} um, origin {} {} um)\n", spec.size, spec.widthUm, spec.heightUm,
             spec.originXUm, spec.originYUm);
  fmt::print("seed: {}\n", spec.seed);
  fmt::print("cells: {}\n", summary.cells);
  fmt::print("transcripts: {}\n", summary.transcripts);
  fmt::print("background_transcripts: {}\n", summary.backgroundTranscripts);
  fmt::print("blank_transcripts: {}\n", summary.blankTranscripts);
  fmt::print("genes: {} (+{} blank barcodes)\n", summary.genes, summary.blankBarcodes);
  fmt::print("pixels: {} x {} px at {} um, {} plane(s), DAPI and PolyT\n", summary.widthPx,
             summary.heightPx, spec.pixelUm, summary.planes);
  fmt::print("files: {}\n", summary.files.size());
  fmt::print("bytes: {}\n", summary.bytes);
  fmt::print("seconds: {:.1f} (transcripts {:.1f}, images {:.1f})\n", summary.seconds,
             summary.transcriptSeconds, summary.imageSeconds);
}

}  // namespace

void addSynthSectionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "synth-section",
      "Write a synthetic MERSCOPE region folder at real size (transcripts, tiled BigTIFF "
      "DAPI/PolyT mosaics, transform), deterministic for a seed");
  static SynthSectionArguments args;
  cmd->add_option("--size", args.size,
                  "S (1 x 1 mm), M (3 x 3 mm), L (10 x 8 mm) or WIDTHxHEIGHT in um (e.g. 300x200)")
      ->capture_default_str();
  cmd->add_option("--seed", args.seed, "random seed")->capture_default_str();
  cmd->add_option("--out", args.out, "output folder (new or empty)")->required();
  cmd->add_option("--planes", args.planes, "z-planes per stain")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->callback([] { runSynthSection(args); });
}

}  // namespace teramind::cli
