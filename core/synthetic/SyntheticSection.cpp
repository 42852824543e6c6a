#include "synthetic/SyntheticSection.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "synthetic/SyntheticStains.h"
#include "synthetic/SyntheticTissue.h"
#include "synthetic/SyntheticTranscripts.h"

namespace teramind {
namespace {

// Real mouse brain genes (MERFISH-panel markers), roughly from abundant to rare: the head of
// the Zipf ranking gets names a reader recognises; the rest are Gene0NNN.
const char* const kMouseGenes[] = {
    "Snap25", "Mbp",     "Plp1",   "Slc17a7", "Gad1",   "Gad2",    "Mobp",    "Aqp4",    "Gfap",
    "Apoe",   "Clu",     "Sparc",  "Nrgn",    "Syt1",   "Camk2a",  "Rbfox3",  "Olig2",   "Pdgfra",
    "Cx3cr1", "P2ry12",  "Cldn5",  "Flt1",    "Satb2",  "Cux2",    "Rorb",    "Fezf2",   "Bcl11b",
    "Tle4",   "Foxp2",   "Sst",    "Pvalb",   "Vip",    "Lamp5",   "Sncg",    "Npy",     "Cck",
    "Calb1",  "Calb2",   "Reln",   "Slc32a1", "Slc1a2", "Slc1a3",  "Sox9",    "Aldh1l1", "Mog",
    "Mag",    "Cnp",     "Enpp2",  "Ttr",     "Vtn",    "Pdgfrb",  "Acta2",   "Myh11",   "Kcnj8",
    "Tagln",  "Dcn",     "Col1a2", "Slc6a3",  "Th",     "Ddc",     "Slc6a4",  "Tph2",    "Chat",
    "Slc5a7", "Drd1",    "Drd2",   "Penk",    "Tac1",   "Ppp1r1b", "Adora2a", "Gpr88",   "Rgs9",
    "Pde10a", "Nr4a1",   "Fos",    "Egr1",    "Arc",    "Npas4",   "Bdnf",    "Grin1",   "Grin2b",
    "Gria1",  "Gria2",   "Gabra1", "Gabrb2",  "Htr1a",  "Htr2a",   "Oxtr",    "Avp",     "Oxt",
    "Pomc",   "Agrp",    "Hcrt",   "Pmch",    "Trh",    "Crh",     "Gal",     "Nts",     "Tac2",
    "Cartpt", "Slc17a6", "Prox1",  "Dock10",  "Zbtb20", "Nr2f2",   "Meis2",   "Lhx6",    "Adarb2",
    "Nxph1",  "Crym",    "Nnat",   "Necab1",  "Pcp4",   "Cplx3",   "Ctgf",    "Nxph4",   "Syt6",
    "Foxp1",  "Otof",    "Car3",   "Igfbp4",  "Spp1",   "Hbb-bs",  "Mgp",     "Ptgds",   "Dlk1",
    "Lypd1",  "Chrm2"};

}  // namespace

SyntheticSectionSpec syntheticSectionSpec(const std::string& size) {
  SyntheticSectionSpec spec;
  spec.size = size;
  if (size == "S") {
    spec.widthUm = spec.heightUm = 1000;
  } else if (size == "M") {
    spec.widthUm = spec.heightUm = 3000;
  } else if (size == "L") {
    spec.widthUm = 10000;
    spec.heightUm = 8000;
  } else {
    // WIDTHxHEIGHT in µm: a small section for tests and demos.
    double w = 0, h = 0;
    char x = 0, rest = 0;
    std::istringstream text(size);
    if (!(text >> w >> x >> h) || (x != 'x' && x != 'X') || (text >> rest) || !(w >= 10) ||
        !(h >= 10) || w > 20000 || h > 20000)
      throw std::invalid_argument("synthetic section size '" + size +
                                  "': expected S, M, L or WIDTHxHEIGHT in µm (10…20000)");
    spec.size = "custom";
    spec.widthUm = w;
    spec.heightUm = h;
  }
  return spec;
}

std::vector<std::string> syntheticGeneNames(const SyntheticSectionSpec& spec) {
  std::vector<std::string> names;
  const int known = int(sizeof(kMouseGenes) / sizeof(kMouseGenes[0]));
  for (int g = 0; g < spec.genes; ++g)
    names.push_back(g < known ? std::string(kMouseGenes[g]) : fmt::format("Gene{:04d}", g + 1));
  for (int b = 0; b < spec.blankBarcodes; ++b) names.push_back(fmt::format("Blank-{}", b + 1));
  return names;
}

const std::string& merscopeTranscriptHeader() {
  // MERSCOPE's order; cell_id is what the instrument's newer outputs append.
  static const std::string header =
      ",barcode_id,global_x,global_y,global_z,x,y,fov,gene,transcript_id,cell_id";
  return header;
}

SyntheticSectionSummary writeSyntheticSection(
    const SyntheticSectionSpec& spec, const std::filesystem::path& outDir,
    std::function<void(double, const std::string&)> progress) {
  const auto start = std::chrono::steady_clock::now();
  if (spec.tile < 16 || spec.tile % 16 != 0)
    throw std::invalid_argument("synthetic section: the tile must be a multiple of 16 px");
  if (spec.planes < 1 || spec.planes > 64)
    throw std::invalid_argument("synthetic section: planes must be 1 to 64");
  if (spec.backgroundFraction < 0 || spec.backgroundFraction >= 1 || spec.blankFraction < 0 ||
      spec.blankFraction > 0.1)
    throw std::invalid_argument("synthetic section: background or blank share out of range");

  std::error_code error;
  if (std::filesystem::exists(outDir, error)) {
    if (!std::filesystem::is_directory(outDir, error))
      throw FileError(outDir, "exists and is not a directory");
    if (!std::filesystem::is_empty(outDir, error))
      throw FileError(outDir, "is not empty: a synthetic section is written into a new folder");
  }
  std::filesystem::create_directories(outDir / "images", error);
  if (error) throw FileError(outDir, "cannot be created: " + error.message());

  auto report = [&](double fraction, const std::string& stage) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0), stage);
  };
  report(0, "cells");
  const synthetic::SyntheticTissue tissue = synthetic::buildSyntheticTissue(spec);
  const std::vector<std::string> genes = syntheticGeneNames(spec);

  SyntheticSectionSummary summary;
  summary.cells = std::int64_t(tissue.cells.size());
  summary.genes = spec.genes;
  summary.blankBarcodes = spec.blankBarcodes;
  summary.planes = spec.planes;
  summary.widthPx = std::int64_t(std::ceil(spec.widthUm / spec.pixelUm - 1e-9));
  summary.heightPx = std::int64_t(std::ceil(spec.heightUm / spec.pixelUm - 1e-9));

  // Progress weights: a row costs about as much as 25 pixels (mostly deflate for both).
  const double rowWork = 25.0 * double(tissue.cellTranscripts + tissue.backgroundTranscripts);
  const double imageWork = double(summary.widthPx) * double(summary.heightPx);
  const double totalWork = rowWork + imageWork * 2 * spec.planes;

  auto secondsSince = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  const auto transcriptsStart = std::chrono::steady_clock::now();
  const auto transcriptsFile = outDir / "detected_transcripts.csv.gz";
  const synthetic::TranscriptCounts counts = synthetic::writeSyntheticTranscripts(
      spec, tissue, genes, transcriptsFile,
      [&](std::int64_t rows) { report(25.0 * double(rows) / totalWork, "transcripts"); });
  summary.transcriptSeconds = secondsSince(transcriptsStart);
  summary.transcripts = counts.rows;
  summary.backgroundTranscripts = counts.background;
  summary.blankTranscripts = counts.blanks;
  summary.files.push_back("detected_transcripts.csv.gz");

  // µm → mosaic px, as MERSCOPE writes it: numpy's savetxt layout, %.18e, space-separated.
  const double scale = 1.0 / spec.pixelUm;
  const double m[3][3] = {
      {scale, 0, -spec.originXUm * scale}, {0, scale, -spec.originYUm * scale}, {0, 0, 1}};
  std::string transform;
  for (const auto& row : m)
    transform += fmt::format("{:.18e} {:.18e} {:.18e}\n", row[0], row[1], row[2]);
  writeTextFileAtomically(outDir / "images" / "micron_to_mosaic_pixel_transform.csv", transform);
  summary.files.push_back("images/micron_to_mosaic_pixel_transform.csv");

  const synthetic::CellGrid grid(tissue.cells, 32.0, spec.widthUm, spec.heightUm);
  const double tilePixels = double(spec.tile) * double(spec.tile);
  double imagesDone = 0;
  const auto imagesStart = std::chrono::steady_clock::now();
  for (int plane = 0; plane < spec.planes; ++plane)
    for (const auto stain : {synthetic::SyntheticStain::Dapi, synthetic::SyntheticStain::PolyT}) {
      const std::string name = fmt::format(
          "mosaic_{}_z{}.tif", stain == synthetic::SyntheticStain::Dapi ? "DAPI" : "PolyT", plane);
      synthetic::writeSyntheticStain(
          spec, tissue, grid, stain, plane, summary.widthPx, summary.heightPx,
          outDir / "images" / name, [&](std::int64_t tiles) {
            report((rowWork + imagesDone + std::min(imageWork, double(tiles) * tilePixels)) /
                       totalWork,
                   name);
          });
      imagesDone += imageWork;
      summary.files.push_back("images/" + name);
    }

  summary.imageSeconds = secondsSince(imagesStart);

  // Last, so its presence says the folder is complete.
  nlohmann::ordered_json json;
  json["format"] = "teramind-synthetic-merscope-section";
  json["version"] = 1;
  json["size"] = spec.size;
  json["seed"] = spec.seed;
  json["width_um"] = spec.widthUm;
  json["height_um"] = spec.heightUm;
  json["origin_um"] = {spec.originXUm, spec.originYUm};
  json["pixel_um"] = spec.pixelUm;
  json["width_px"] = summary.widthPx;
  json["height_px"] = summary.heightPx;
  json["tile_px"] = spec.tile;
  json["planes"] = spec.planes;
  json["stains"] = {"DAPI", "PolyT"};
  json["fov_um"] = spec.fovUm;
  json["fovs"] = tissue.fovColumns * tissue.fovRows;
  json["cell_types"] = spec.cellTypes;
  json["cells"] = summary.cells;
  json["transcripts"] = summary.transcripts;
  json["background_transcripts"] = summary.backgroundTranscripts;
  json["blank_transcripts"] = summary.blankTranscripts;
  json["genes"] = spec.genes;
  json["blank_barcodes"] = spec.blankBarcodes;
  nlohmann::ordered_json geneCounts = nlohmann::ordered_json::object();
  for (std::size_t g = 0; g < genes.size(); ++g) geneCounts[genes[g]] = counts.perGene[g];
  json["gene_counts"] = geneCounts;
  json["files"] = nlohmann::ordered_json::array();
  for (const auto& file : summary.files) json["files"].push_back(file.generic_string());
  writeTextFileAtomically(outDir / "synth_section.json", json.dump(2) + "\n");
  summary.files.push_back("synth_section.json");

  for (const auto& file : summary.files) summary.bytes += std::filesystem::file_size(outDir / file);
  summary.seconds = secondsSince(start);
  report(1, "done");
  return summary;
}

}  // namespace teramind
