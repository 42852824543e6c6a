#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace teramind {

// What a synthetic MERSCOPE region is made of. The sizes S, M and L come from
// syntheticSectionSpec(); tests shrink the extent. Every byte written follows from the spec
// and its seed.
struct SyntheticSectionSpec {
  std::string size = "custom";  // "S", "M", "L" or "custom": a label written to the summary
  double widthUm = 1000, heightUm = 1000;
  // The section's top-left corner in MERSCOPE's global µm frame (never 0 on an instrument):
  // the transform carries the offset to mosaic pixels.
  double originXUm = 1873.25, originYUm = 2417.5;
  double pixelUm = 0.108;
  int planes = 2;
  std::uint64_t seed = 1;
  int genes = 500;
  int blankBarcodes = 10;
  int cellTypes = 8;
  double cellSpacingUm = 10;         // lattice pitch before jitter and dropout
  double transcriptsPerCell = 250;   // mean over cell types
  double backgroundFraction = 0.03;  // share of molecules outside cells
  double blankFraction = 0.003;      // share of in-cell molecules decoded as a Blank barcode
  double fovUm = 2048 * 0.108;       // MERSCOPE field of view: 2048 camera px
  int tile = 512;                    // mosaic TIFF tile, px
  int threads = 2;                   // image rendering threads (bytes do not depend on it)
};

// The preset for "S" (1 × 1 mm), "M" (3 × 3 mm) or "L" (10 × 8 mm), or "WIDTHxHEIGHT" in µm
// (e.g. "300x200", for tests); throws std::invalid_argument for anything else.
SyntheticSectionSpec syntheticSectionSpec(const std::string& size);

struct SyntheticSectionSummary {
  std::int64_t cells = 0;
  std::int64_t transcripts = 0;            // every row of detected_transcripts.csv.gz
  std::int64_t backgroundTranscripts = 0;  // cell_id -1, outside cells
  std::int64_t blankTranscripts = 0;
  int genes = 0, blankBarcodes = 0, planes = 0;
  std::int64_t widthPx = 0, heightPx = 0;
  std::vector<std::filesystem::path> files;  // relative to the output folder
  std::uintmax_t bytes = 0;
  double seconds = 0;
  double transcriptSeconds = 0, imageSeconds = 0;  // the two main stages
};

// The gene symbols, most abundant first (real mouse symbols for the head of the list,
// then Gene0NNN), followed by the Blank-N control barcodes.
std::vector<std::string> syntheticGeneNames(const SyntheticSectionSpec& spec);

// The exact header line of detected_transcripts.csv (MERSCOPE's column order).
const std::string& merscopeTranscriptHeader();

// Writes the region folder into `outDir` (created if absent; refused with FileError when it
// exists and is not empty):
//   detected_transcripts.csv.gz, images/mosaic_{DAPI,PolyT}_z{k}.tif (tiled BigTIFF, uint16),
//   images/micron_to_mosaic_pixel_transform.csv, synth_section.json.
// Memory stays bounded by the cell list: transcripts are generated per cell and streamed,
// images are rendered tile by tile. `progress` gets a fraction in [0, 1] and a stage name.
SyntheticSectionSummary writeSyntheticSection(
    const SyntheticSectionSpec& spec, const std::filesystem::path& outDir,
    std::function<void(double, const std::string&)> progress = {});

}  // namespace teramind
