#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "Commands.h"
#include "DatasetReadFlags.h"
#include "ProgressBar.h"
#include "analysis/AttentionComparison.h"
#include "analysis/AttentionTables.h"
#include "analysis/HeatmapImage.h"
#include "analysis/LineFit.h"
#include "analysis/PathwayMap.h"
#include "analysis/PathwayMapImage.h"
#include "analysis/PathwayRegression.h"
#include "analysis/RgbImage.h"
#include "atlas/Atlas.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "conditions/PolygonSelection.h"
#include "io/SpatialDataset.h"
#include "io/VolumeFile.h"
#include "model/ComputeRuntime.h"
#include "model/MorphologyModel.h"
#include "model/PairedSection.h"
#include "transcriptomics/GenePanel.h"
#include "workflow/SectionAttention.h"

namespace teramind::cli {
namespace {

struct AttentionArguments {
  bool demo = false;
  std::string data, model, panel = "GLUT", out, atlas, pair, roi;
  std::vector<std::string> genesOf;  // datasets whose unmeasured genes are zeroed
  int plane = 0;
  double sigma = 2.0;
  std::uint64_t seed = 0;
  int top = 10;
  DatasetReadOptions read;
};

// An analysis raster as an 8-bit RGB PNG.
void writeRgbPng(const std::filesystem::path& file, const RgbImage& rgb) {
  Image3D<std::uint8_t> image({rgb.width, rgb.height, 1}, {}, {"red", "green", "blue"});
  for (int y = 0; y < rgb.height; ++y)
    for (int x = 0; x < rgb.width; ++x) {
      const auto c = rgb.at(x, y);
      for (int k = 0; k < 3; ++k) image(x, y, 0, k) = c[std::size_t(k)];
    }
  writeVolume(file, AnyVolume(std::move(image)));
}

// The model's genes that the dataset does not measure at all (their channels stay zero).
std::vector<std::string> genesMissingFrom(const SpatialDataset& dataset,
                                          const std::vector<std::string>& genes) {
  const GeneCatalogue* catalogue = dataset.transcripts() ? &dataset.transcripts()->genes
                                   : dataset.cells()     ? &dataset.cells()->genes
                                                         : nullptr;
  std::vector<std::string> missing;
  for (const auto& name : genes)
    if (!catalogue || !catalogue->find(name)) missing.push_back(name);
  return missing;
}

// The gene × gene attention of the gene-gene block over a section, per atlas structure (the
// structure under each patch centre and all its ancestors) and for the whole section.
void runAttention(const AttentionArguments& a) {
  if (a.out.empty()) throw std::invalid_argument("--out DIR is required");
  configureComputeRuntime(0);
  const auto model =
      MorphologyModel::load(a.model.empty() ? bundledDemoModel() : std::filesystem::path(a.model));
  const auto& c = model.config();
  const auto& genes = model.genes();
  ProgressBar reading("reading");
  const auto dataset =
      loadSpatialDataset(a.data.empty() ? bundledDemoDataset() : std::filesystem::path(a.data),
                         std::ref(reading), DatasetContent::All, a.read);
  // Genes another dataset does not measure are zeroed here too, so two sections are compared
  // on the same gene tokens (a zero token still takes a share of every softmax).
  std::vector<std::string> zeroed;
  for (const auto& other : a.genesOf)
    for (const auto& name : genesMissingFrom(loadSpatialDataset(other), genes))
      if (std::find(zeroed.begin(), zeroed.end(), name) == zeroed.end()) zeroed.push_back(name);
  const auto zeroGenes = [&](BinnedCondition& condition) {
    for (const auto& name : zeroed)
      if (const auto g = condition.geneIndex(name)) condition.fillChannel(*g, {});
  };
  const auto section = preparePairedSection(
      dataset, c, genes, zeroed.empty() ? std::function<void(BinnedCondition&)>() : zeroGenes,
      StainImages::Skip);
  const Atlas atlas =
      Atlas::load(a.atlas.empty() ? bundledAtlasDirectory() : std::filesystem::path(a.atlas));
  if (a.plane < 0 || a.plane + c.outputSections > section.planes())
    throw std::invalid_argument(
        fmt::format("--plane {}: the data has planes 0…{}", a.plane, section.planes() - 1));
  std::vector<std::size_t> panel;
  const auto wanted = GenePanel::resolve(a.panel);
  for (const auto& name : wanted.genes) {
    auto it = std::find(genes.begin(), genes.end(), name);
    if (it == genes.end())
      fmt::print(stderr, "warning: {} is not in the model's panel; it is left out\n", name);
    else
      panel.push_back(std::size_t(it - genes.begin()));
  }
  if (panel.empty())
    throw std::invalid_argument(fmt::format("no gene of panel {} is in the model", a.panel));

  const int g = c.genes;
  const auto& grid = section.grid;
  // The pathway pair: --pair A,B or the panel's first two genes.
  std::vector<std::size_t> pair = panel;
  if (!a.pair.empty()) {
    pair.clear();
    std::stringstream list(a.pair);
    std::string name;
    while (std::getline(list, name, ',')) {
      auto it = std::find(genes.begin(), genes.end(), name);
      if (it == genes.end())
        throw std::invalid_argument(fmt::format("--pair: {} is not in the model's panel", name));
      pair.push_back(std::size_t(it - genes.begin()));
    }
  }
  const bool mapPair = pair.size() >= 2;
  SectionAttentionRequest request;
  request.plane = a.plane;
  if (mapPair) request.trackedGenes = {pair[0], pair[1]};
  if (!a.roi.empty()) {
    try {
      request.roi = PolygonSelection::fromText(a.roi);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--roi: ") + e.what());
    }
  }
  const bool hasRoi = request.roi.has_value();
  // Formats without a section_to_atlas leave the identity: section µm read as atlas µm would
  // put patches in arbitrary structures, so such a section has no atlas regions.
  const bool placed = dataset.placement().placed;
  ProgressBar bar("attention");
  const auto attention =
      SectionAttention::compute(model, section, placed ? &atlas : nullptr,
                                dataset.placement().sectionToAtlas, request, std::ref(bar));
  const auto& aggregate = attention.aggregate();

  std::filesystem::create_directories(a.out);
  const std::filesystem::path out = a.out;
  std::vector<std::size_t> all(static_cast<std::size_t>(g));
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  const auto sectionMean = aggregate.mean("section");
  writeTextFileAtomically(out / "matrix.csv", attentionMatrixCsv(genes, sectionMean, all));
  writeTextFileAtomically(out / "panel_matrix.csv", attentionMatrixCsv(genes, sectionMean, panel));
  // Clustered view: genes ordered by average linkage on their attention profiles.
  const auto order = attention.clusteredOrder();
  writeTextFileAtomically(out / "matrix_clustered.csv",
                          attentionMatrixCsv(genes, sectionMean, order));
  const auto range = heatmapRange(sectionMean, std::size_t(g), order);
  writeRgbPng(out / "heatmap.png", heatmapImage(sectionMean, std::size_t(g), order, range));
  writeTextFileAtomically(out / "regions.csv", attentionRegionsCsv(aggregate, genes, panel));
  // Every region's full matrix and gene totals: what `attention compare` correlates.
  writeTextFileAtomically(out / "region_matrices.csv", attentionRegionsCsv(aggregate, genes, all));
  writeTextFileAtomically(out / "genes_expressed.csv",
                          attentionGeneTotalsCsv(genes, attention.geneTotals()));
  writeTextFileAtomically(out / "top_pairs.csv",
                          attentionTopPairsCsv(aggregate, genes, std::size_t(a.top)));
  writeTextFileAtomically(
      out / "attention.json",
      fmt::format("{{\"model\": \"{}\", \"plane\": {}, \"seed\": {}, \"panel\": \"{}\", "
                  "\"zeroed_genes\": {}}}\n",
                  a.model.empty() ? bundledDemoModel().string() : a.model, a.plane, a.seed, a.panel,
                  zeroed.size()));

  if (mapPair) {
    const auto mapInput = attention.pathwayInput(pair[0], pair[1]);
    const auto map = computePathwayMap(mapInput, a.sigma);
    const std::string name = fmt::format("pathway_{}_{}", genes[pair[0]], genes[pair[1]]);
    const PhysicalFrame frame({grid.originXUm + grid.binUm / 2, grid.originYUm + grid.binUm / 2,
                               a.plane * grid.planeSpacingUm},
                              {grid.binUm, grid.binUm, grid.planeSpacingUm});
    Image3D<float> volume({grid.width, grid.height, 1}, frame,
                          {"level", "weighted_" + genes[pair[0]], "weighted_" + genes[pair[1]]});
    double peak = 0;
    for (int y = 0; y < grid.height; ++y)
      for (int x = 0; x < grid.width; ++x) {
        const std::size_t i = std::size_t(y) * grid.width + x;
        volume(x, y, 0, 0) = map.level[i];
        volume(x, y, 0, 1) = map.weightedA[i];
        volume(x, y, 0, 2) = map.weightedB[i];
        peak = std::max(peak, double(map.level[i]));
      }
    const auto regression = pathwayRegression(map, mapInput);
    writeVolume(out / (name + ".nrrd"), AnyVolume(std::move(volume)));
    writeRgbPng(out / (name + ".png"), pathwayMapImage(map.level, grid.width, grid.height, peak));
    writeTextFileAtomically(out / (name + "_regression.csv"),
                            pathwayRegressionCsv(regression, genes[pair[0]], genes[pair[1]]));
    fmt::print(
        "pathway: {} -> {}: {} bins with both genes, smoothed level max {:.4f} ({}.nrrd, "
        "{}.png, {}_regression.csv)\n",
        genes[pair[0]], genes[pair[1]], regression.level.size(), peak, name, name, name);
    for (int k = 0; k < 2; ++k) {
      const auto fit = fitLine(k ? regression.log2B : regression.log2A, regression.level);
      fmt::print(
          "regression level (unsmoothed) ~ log2({} + 1): slope {:.4f}, intercept {:.4f}, "
          "r {:.3f}, n {}\n",
          genes[pair[std::size_t(k)]], fit.slope, fit.intercept, fit.r, fit.n);
    }
  }
  fmt::print("model: {} ({} genes)\n", c.name, g);
  const auto missing = genesMissingFrom(dataset, genes);
  if (missing.empty())
    fmt::print("missing genes: none (the data measures all {} of the model's genes)\n", g);
  else
    fmt::print("missing genes ({} of {}, zero in the condition): {}\n", missing.size(), g,
               fmt::join(missing, ", "));
  const auto& sectionTotals = attention.geneTotals().at("section");
  const auto expressed =
      std::count_if(sectionTotals.begin(), sectionTotals.end(), [](double v) { return v > 0; });
  fmt::print("expressed genes: {} of {} (count > 0 on planes {}..{}; genes_expressed.csv)\n",
             expressed, g, a.plane, a.plane + c.outputSections - 1);
  for (const auto& name : wanted.genes) {
    const auto it = std::find(genes.begin(), genes.end(), name);
    if (it != genes.end() && !(sectionTotals[std::size_t(it - genes.begin())] > 0))
      fmt::print(
          "warning: panel gene {} has no molecules here: its attention is that of a zero "
          "token\n",
          name);
  }
  if (!zeroed.empty())
    fmt::print("zeroed genes ({} of {}, not measured by --genes-of {}): {}\n", zeroed.size(), g,
               fmt::join(a.genesOf, ", "), fmt::join(zeroed, ", "));
  if (!placed)
    fmt::print(
        "atlas placement: none (the data has no section_to_atlas): the only region is "
        "the section\n");
  fmt::print("patches: {}\n", aggregate.count("section"));
  const auto structures = aggregate.regions().size() - 1 - (aggregate.count("roi") ? 1 : 0);
  fmt::print("regions: {} (the section, {} atlas structures{})\n", aggregate.regions().size(),
             structures,
             hasRoi ? fmt::format(", the ROI: {} patches", aggregate.count("roi")) : std::string());
  fmt::print("seed: {} (the gene-gene block sees only the condition: no seed changes it)\n",
             a.seed);
  for (auto q : panel)
    for (auto k : panel)
      fmt::print("attention {} -> {}: {:.6f} (uniform {:.6f})\n", genes[q], genes[k],
                 sectionMean[q * std::size_t(g) + k], 1.0 / g);
  fmt::print(
      "heatmap: {} genes clustered, colour bar {:.6f} (bottom) … {:.6f} (top); order in "
      "matrix_clustered.csv\n",
      g, range.low, range.high);
  fmt::print(
      "out: {} (matrix.csv, matrix_clustered.csv, heatmap.png, panel_matrix.csv, "
      "regions.csv, region_matrices.csv, genes_expressed.csv, top_pairs.csv)\n",
      a.out);
}

std::string figure(double v) {
  return std::isnan(v) ? "n/a" : fmt::format("{:.4f}", v);
}
std::string csvFigure(double v) {
  return std::isnan(v) ? "" : fmt::format("{:.8g}", v);
}

// Pearson and Spearman per region and overall ("section") over the genes expressed in every
// input, the panel's pairs side by side, and the regions only some inputs have.
void runCompare(const std::vector<std::string>& dirs, const std::string& csv) {
  if (dirs.size() < 2) throw std::invalid_argument("compare needs at least two result directories");
  std::vector<AttentionResult> inputs;
  for (const auto& d : dirs) {
    inputs.push_back(readAttentionResult(d));
    if (inputs.back().genes != inputs.front().genes)
      throw FileError(std::filesystem::path(d) / "matrix.csv",
                      "has another gene panel than " + dirs.front());
  }
  const auto comparison = compareAttentionResults(inputs);
  const auto& genes = inputs.front().genes;
  const std::size_t g = genes.size();
  const auto& overall = comparison.rows.front();
  fmt::print("genes used: {} of {} (expressed in every input)\n", overall.genes.size(), g);
  std::vector<std::string> unused;
  for (std::size_t k = 0; k < g; ++k)
    if (std::find(overall.genes.begin(), overall.genes.end(), k) == overall.genes.end())
      unused.push_back(genes[k]);
  if (!unused.empty()) fmt::print("genes left out: {}\n", fmt::join(unused, ", "));

  std::string table = "region,a,b,genes_used,pearson,spearman,note\n";
  fmt::print("{:<16} {:<32} {:<32} {:>5} {:>8} {:>8}\n", "region", "a", "b", "genes", "pearson",
             "spearman");
  // Over the overall rows with figures (NaN where fewer than 2 genes are usable).
  double minR = std::numeric_limits<double>::quiet_NaN(), minRho = minR;
  for (const auto& row : comparison.rows) {
    const auto& a = dirs[row.a];
    const auto& b = dirs[row.b];
    std::string note;
    if (!row.inA || !row.inB)
      note = fmt::format("region not in {}", !row.inA && !row.inB ? "either" : !row.inA ? a : b);
    else if (row.genes.size() < 2)
      note = "fewer than 2 genes expressed in every input";
    table += fmt::format("{},{},{},{},{},{},{}\n", row.region, a, b, row.genes.size(),
                         csvFigure(row.pearson), csvFigure(row.spearman), note);
    if (!row.inA || !row.inB) continue;  // listed below with the inputs that have it
    if (row.region == "section" && !std::isnan(row.pearson)) {
      minR = std::isnan(minR) ? row.pearson : std::min(minR, row.pearson);
      minRho = std::isnan(minRho) ? row.spearman : std::min(minRho, row.spearman);
    }
    fmt::print("{:<16} {:<32} {:<32} {:>5} {:>8} {:>8}\n", row.region, a, b, row.genes.size(),
               figure(row.pearson), figure(row.spearman));
  }
  if (std::isnan(minR))
    fmt::print(
        "pearson_min: n/a\nspearman_min: n/a (fewer than 2 genes expressed in every "
        "input)\n");
  else
    fmt::print("pearson_min: {:.6f}\nspearman_min: {:.6f}\n", minR, minRho);
  fmt::print("regions in only some inputs: {}\n", comparison.partialRegions.size());
  for (const auto& [region, present] : comparison.partialRegions) {
    std::vector<std::string> in, out;
    for (std::size_t i = 0; i < present.size(); ++i) (present[i] ? in : out).push_back(dirs[i]);
    fmt::print("  {}: in {}; not in {}\n", region, fmt::join(in, ", "), fmt::join(out, ", "));
  }
  // The panel's pairs over the whole section, input by input; * where a gene of the pair has
  // no molecules in that input.
  const auto& panel = inputs.front().panel;
  for (const auto& q : panel)
    for (const auto& k : panel) {
      const auto iq = std::size_t(std::find(genes.begin(), genes.end(), q) - genes.begin());
      const auto ik = std::size_t(std::find(genes.begin(), genes.end(), k) - genes.begin());
      if (iq >= g || ik >= g) continue;
      std::vector<std::string> values;
      for (const auto& input : inputs) {
        const auto& section = input.regions.at("section");
        const bool both = section.geneTotals[iq] > 0 && section.geneTotals[ik] > 0;
        values.push_back(fmt::format("{:.6f}{}", section.matrix[iq * g + ik], both ? "" : "*"));
      }
      fmt::print("panel {} -> {}: {} (uniform {:.6f}; * a gene without molecules)\n", q, k,
                 fmt::join(values, " | "), 1.0 / double(g));
    }
  writeTextFileAtomically(csv, table);
  fmt::print("csv: {}\n", csv);
}

}  // namespace

void addAttentionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "attention", "Gene x gene attention of the gene-gene block: matrices per atlas structure");
  static AttentionArguments a;
  cmd->add_flag("--demo", a.demo, "the bundled demo data and model (the defaults)");
  cmd->add_option("--data", a.data, "spatial dataset (default: the bundled demo)");
  addDatasetReadFlags(*cmd, a.read);
  cmd->add_option("--model", a.model, "model checkpoint (default: the bundled demo model)");
  cmd->add_option("--atlas", a.atlas, "atlas directory (default: the bundled 100 um atlas)");
  cmd->add_option("--panel", a.panel, "gene panel preset (GLUT, DOPA, BLOD) or JSON file")
      ->capture_default_str();
  cmd->add_option("--plane", a.plane, "first output plane")->capture_default_str();
  cmd->add_option("--seed", a.seed, "recorded with the results (the block does not use it)");
  cmd->add_option("--top", a.top, "pairs per region in top_pairs.csv")->capture_default_str();
  cmd->add_option("--roi", a.roi,
                  "\"x,y x,y ...\": a polygon (section um) aggregated as region roi");
  cmd->add_option("--pair", a.pair, "pathway map pair A,B (default: the panel's first two genes)");
  cmd->add_option("--sigma", a.sigma, "pathway map smoothing, bins")->capture_default_str();
  cmd->add_option("--out", a.out, "output directory");
  cmd->add_option("--genes-of", a.genesOf,
                  "dataset(s) whose unmeasured genes are zeroed here too (compare sections on the "
                  "same genes)");
  auto* compare =
      cmd->add_subcommand("compare",
                          "Pearson and Spearman between attention results, per region and "
                          "overall, over the genes expressed in every input");
  static std::vector<std::string> dirs;
  static std::string csv = "attention_compare.csv";
  compare->add_option("DIRS", dirs, "result directories of `teramind attention`")->required();
  compare->add_option("--csv", csv, "where the table is saved")->capture_default_str();
  compare->callback([] { runCompare(dirs, csv); });
  cmd->callback([compare] {
    if (!compare->parsed()) runAttention(a);
  });
}

}  // namespace teramind::cli
