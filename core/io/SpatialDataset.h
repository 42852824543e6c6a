#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "io/DatasetReadOptions.h"
#include "io/LabelImagePlacement.h"
#include "io/MorphologyImageFile.h"
#include "io/StainImageSource.h"
#include "transcriptomics/ConditionBinner.h"
#include "transcriptomics/ReadProgress.h"
#include "transcriptomics/SpatialTranscriptome.h"
#include "transcriptomics/TextFormatReaders.h"

namespace teramind {

enum class SpatialFormat {
  DatasetManifest,    // our dataset.json (transcripts + stains + outlines + placement)
  MerscopeRegion,     // a MERSCOPE region folder as it comes (transcripts, mosaics, transform)
  VizgenTranscripts,  // detected_transcripts.csv[.gz]
  CellPolygons,       // x, y, poly_ID vertex CSV
  CellByGeneCsv,      // Zhuang-lab MERFISH and similar
  StarmapPair,        // location file + expression matrix
  Loom,               // HDF5
  H5ad,               // HDF5 (AnnData)
  XeniumOutput,       // a 10x Xenium output folder (transcripts, experiment.xenium, boundaries)
  CosmxOutput,        // a NanoString CosMx flat-file export (tx_file.csv, FOV positions, labels)
  SpotTable,          // a generic spot table read through a column map (--columns)
  SpatialDataStore,   // a SpatialData Zarr store (points, images, shapes)
};
std::string spatialFormatName(SpatialFormat format);

// What a path holds, judged by name, magic bytes and header: a dataset.json or a directory
// with one, a MERSCOPE region folder, a directory or expression file of a STARmap pair, a
// loom/h5ad, or a CSV by its columns. Throws FileError when it is none of these.
SpatialFormat detectSpatialFormat(const std::filesystem::path& path,
                                  const DatasetReadOptions& options = {});

struct StainImage {
  std::string stain;  // "DAPI", "PolyT"
  int plane = 0;
  std::filesystem::path file;
  // Set when `file` is an OME-Zarr image (a SpatialData image): the channel and where it lies.
  std::optional<ZarrImageChannel> zarrChannel{};
};

struct CellBoundaryFile {
  int plane = 0;
  std::filesystem::path file;
  bool yNegated = false;
  std::string compartment = "cell";  // "cell" or "nucleus" (Xenium gives both)
  // Set when the file is a label image (CosMx CellLabels), outlined where it is placed.
  std::optional<LabelImagePlacement> labelImage{};
  // Set when `file` is a SpatialData shapes element: the coordinate system to read it in.
  std::optional<std::string> spatialDataSystem{};
};
// The outlines of a boundary file: a vertex CSV (x, y, poly_ID) or 10x Xenium's
// cell_boundaries / nucleus_boundaries (cell_id, vertex_x, vertex_y; CSV, gzip or Parquet).
std::vector<CellPolygon> readCellBoundaryFile(const CellBoundaryFile& boundaries,
                                              const ReadProgress& progress = {});

// What a reader's quality filter (Xenium's qv) kept: `rule` says it ("qv >= 20").
struct QualityFilterReport {
  std::string rule;
  std::uint64_t rowsBefore = 0, rowsKept = 0;
};

// One section's data as the studio and the engine use it. Images stay on disk until asked for.
struct SpatialDataset {
  std::string name;
  SpatialFormat format = SpatialFormat::VizgenTranscripts;
  std::filesystem::path source;
  std::variant<TranscriptTable, CellTable> data;
  std::vector<StainImage> stains;
  std::optional<std::filesystem::path> micronToPixelTransform;
  // Stains placed by a pixel size alone (µm = pixel × size; Xenium) instead of a transform.
  std::optional<double> stainPixelUm;
  std::vector<CellBoundaryFile> cellBoundaries;
  std::optional<std::vector<CellPolygon>> polygons;  // when the file itself is an outline CSV
  std::string placementNote;
  std::string panelName;                             // the vendor's gene panel, when named
  std::optional<QualityFilterReport> qualityFilter;  // rows before and after, when filtered
  // What a reader chose or assumed where the files leave it open (SpatialData: the coordinate
  // system, a unit that is not a length), one sentence each; `info` prints them.
  std::vector<std::string> readNotes;

  const TranscriptTable* transcripts() const { return std::get_if<TranscriptTable>(&data); }
  const CellTable* cells() const { return std::get_if<CellTable>(&data); }
  const SectionPlacement& placement() const;
  // A stain image placed in section µm, box-averaged so its longer side is at most `maxSide`
  // pixels (whole when smaller); read by window, never whole (throws FileError without a µm
  // transform).
  Image3D<std::uint8_t> readStain(const StainImage& stain, int maxSide = 8192) const;
  // The stain for reading by window.
  StainImageSource openStain(const StainImage& stain) const;
};

// Where the molecules land on the stain images: how many lie inside the first mosaic of
// their plane, and the extents (µm) of the transcripts and of that mosaic.
struct MosaicCoverage {
  std::uint64_t molecules = 0, insideMosaic = 0, planesWithoutMosaic = 0;
  ImageExtentUm transcripts, mosaic;
  std::string mosaicFile;
};
// Throws FileError when the dataset holds no transcripts or no stain images.
MosaicCoverage measureMosaicCoverage(const SpatialDataset& dataset);

// What to read of a dataset: everything, or only where its stain images are (no transcripts
// or cells: a whole section's 10⁸ molecules are not read to find a mosaic).
enum class DatasetContent { All, StainImagesOnly };

// Loads any format above. Throws FileError naming the file and the problem. With
// StainImagesOnly, manifests and MERSCOPE folders give their stains, µm transform and
// placement with an empty transcript table; the other formats, which hold no stain images,
// give none.
SpatialDataset loadSpatialDataset(const std::filesystem::path& path,
                                  const ReadProgress& progress = {},
                                  DatasetContent content = DatasetContent::All,
                                  const DatasetReadOptions& options = {});

// Bins whatever the dataset holds (transcripts, or cells at their centroids) with the plane
// spacing of its placement. Throws FileError when it holds neither (an outline file).
BinningResult binDataset(const SpatialDataset& dataset, BinningOptions options,
                         const GenePanel* panel = nullptr, bool zAsPlane = false);

// The bundled demo dataset (resources/demo/vizgen_mini/dataset.json).
std::filesystem::path bundledDemoDataset();

}  // namespace teramind
