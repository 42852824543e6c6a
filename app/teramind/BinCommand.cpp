#include <filesystem>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "Commands.h"
#include "DatasetReadFlags.h"
#include "ProgressBar.h"
#include "common/FileError.h"
#include "io/ConditionFile.h"
#include "io/SpatialDataset.h"
#include "transcriptomics/ConditionBinner.h"

namespace teramind::cli {
namespace {

struct BinArguments {
  std::string data;
  std::string out;
  double binUm = 16 * 0.108;
  std::string panel;
  bool zAsPlane = false;
  DatasetReadOptions read;
};

void runBin(const BinArguments& a) {
  ProgressBar bar("reading");
  const SpatialDataset dataset =
      loadSpatialDataset(a.data, std::ref(bar), DatasetContent::All, a.read);
  BinningOptions options;
  options.binUm = a.binUm;
  std::optional<GenePanel> panel;
  if (!a.panel.empty()) panel = GenePanel::resolve(a.panel);
  const BinningResult result = binDataset(dataset, options, panel ? &*panel : nullptr, a.zAsPlane);
  if (!result.missingGenes.empty())
    fmt::print(stderr,
               "warning: {} panel gene(s) absent from the data, their channels are zero: {}\n",
               result.missingGenes.size(), fmt::join(result.missingGenes, ", "));
  writeCondition(a.out, result.condition);
  const BinGrid& g = result.condition.grid();
  fmt::print("out: {}\n", a.out);
  fmt::print("bin_um: {}\n", g.binUm);
  fmt::print("grid_bins: {} x {} x {}\n", g.width, g.height, g.planes);
  fmt::print("origin_um: {} {}\n", g.originXUm, g.originYUm);
  fmt::print("genes: {}\n", result.condition.geneCount());
  fmt::print("nonzero_bins: {}\n", result.condition.nonZeroCount());
  fmt::print("binned: {}\n", result.binned);
  fmt::print("not_in_panel: {}\n", result.notInPanel);
  fmt::print(
      "dense_fraction: {:.4f}\n",
      double(result.condition.nonZeroCount()) /
          (double(g.binCount()) * double(std::max<std::size_t>(1, result.condition.geneCount()))));
}

}  // namespace

void addBinCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "bin", "Sum-pool transcripts (or cells) into per-gene count images: the model's condition");
  static BinArguments args;
  cmd->add_option("DATA", args.data, "spatial dataset (see `teramind info`)")->required();
  addDatasetReadFlags(*cmd, args.read);
  cmd->add_option("--out", args.out, "output binned condition (.vdb)")->required();
  cmd->add_option("--bin-um", args.binUm, "bin size in µm (default 16 px of 0.108 µm)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--panel", args.panel,
                  "gene panel: a preset (GLUT, DOPA, BLOD) or a panel JSON; default every gene");
  cmd->add_flag("--z-as-plane", args.zAsPlane, "cell tables: use z as the plane index");
  cmd->callback([] { runBin(args); });
}

}  // namespace teramind::cli
