#include "io/SpatialDataset.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "common/NameList.h"
#include "common/ResourceLocator.h"
#include "common/TextAffixes.h"
#include "io/CosmxOutput.h"
#include "io/FileSignature.h"
#include "io/H5adFile.h"
#include "io/JsonFile.h"
#include "io/LabelOutlines.h"
#include "io/LoomFile.h"
#include "io/MerscopeRegion.h"
#include "io/ParquetFile.h"
#include "io/SavedPlacement.h"
#include "io/SpatialDataStore.h"
#include "io/VolumeFile.h"
#include "io/XeniumOutput.h"
#include "transcriptomics/DelimitedTextReader.h"
#include "transcriptomics/SpotTableReader.h"

namespace teramind {
namespace fs = std::filesystem;

namespace {

std::string lowercaseName(const fs::path& path) {
  return asciiLower(path.filename().string());
}

bool isHdf5(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 8> magic{};
  in.read(magic.data(), magic.size());
  return in && std::string(magic.data(), 8) == "\x89HDF\r\n\x1a\n";
}

bool looksLikeStarmapFile(const fs::path& path, const char* role) {
  const std::string name = lowercaseName(path);
  return name.find(role) != std::string::npos && name.find(".txt") != std::string::npos;
}

// The location file beside a STARmap expression file, or the pair inside a directory. Several
// candidates are an error rather than a guess.
std::optional<std::pair<fs::path, fs::path>> starmapPair(const fs::path& path) {
  const bool isDirectory = fs::is_directory(path);
  const fs::path directory =
      isDirectory ? path : (path.has_parent_path() ? path.parent_path() : ".");
  std::vector<fs::path> locations, expressions;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (looksLikeStarmapFile(entry.path(), "loc")) locations.push_back(entry.path());
    if (looksLikeStarmapFile(entry.path(), "expr")) expressions.push_back(entry.path());
  }
  if (!isDirectory) expressions = {path};
  if (locations.empty() || expressions.empty()) return std::nullopt;
  if (locations.size() > 1 || expressions.size() > 1)
    throw FileError(path,
                    "holds several STARmap location or expression files; name the "
                    "expression file and keep one location file beside it");
  return std::make_pair(locations.front(), expressions.front());
}

fs::path manifestOf(const fs::path& path) {
  return fs::is_directory(path) ? path / "dataset.json" : path;
}

// A spot table's pixel size, refused when unknown: guessing µm would bin at the wrong scale.
double spotTablePixelUm(const fs::path& file, const std::optional<double>& pixelUm,
                        const char* where) {
  if (!pixelUm)
    throw FileError(file, std::string("a spot table needs its pixel size: give ") + where +
                              " (µm per unit of x and y; 1 if the table is in µm)");
  if (!std::isfinite(*pixelUm) || *pixelUm <= 0)
    throw FileError(file, std::string(where) + " must be a positive number of µm");
  return *pixelUm;
}

// A manifest's "transcripts": a Vizgen table's name, or {"file", "columns", "pixel_um"} for a
// spot table (--pixel-um stands in for a missing pixel_um).
TranscriptTable readManifestTranscripts(const fs::path& manifest, const nlohmann::json& entry,
                                        const ReadProgress& progress, DatasetContent content,
                                        const DatasetReadOptions& options) {
  const fs::path base = manifest.parent_path();
  const bool statesPixelSize = entry.is_object() && entry.contains("pixel_um");
  if (options.pixelUm && (!entry.is_object() || statesPixelSize))
    throw FileError(manifest, std::string("--pixel-um is not used: the manifest's transcripts ") +
                                  (statesPixelSize ? "state their pixel size (transcripts.pixel_um)"
                                                   : "are a Vizgen table in µm"));
  if (!entry.is_object()) {
    const fs::path file = base / entry.get<std::string>();
    return content == DatasetContent::All ? readVizgenTranscripts(file, progress)
                                          : TranscriptTable();
  }
  const fs::path file = base / entry.at("file").get<std::string>();
  SpotTableColumns columns;
  try {
    columns = parseSpotTableColumns(entry.at("columns").get<std::string>());
  } catch (const std::invalid_argument& e) {
    throw FileError(manifest, std::string("transcripts.columns: ") + e.what());
  }
  const double pixelUm = spotTablePixelUm(
      manifest,
      entry.contains("pixel_um") ? std::optional(entry["pixel_um"].get<double>()) : options.pixelUm,
      "transcripts.pixel_um (or --pixel-um)");
  return content == DatasetContent::All ? readSpotTable(file, columns, pixelUm, progress)
                                        : TranscriptTable();
}

SpatialDataset loadManifest(const fs::path& manifest, const ReadProgress& progress,
                            DatasetContent content, const DatasetReadOptions& options) {
  nlohmann::json j = readJsonFile(manifest);
  const fs::path base = manifest.parent_path();
  SpatialDataset dataset;
  dataset.format = SpatialFormat::DatasetManifest;
  dataset.source = manifest;
  try {
    if (j.value("format", "") != "teramind-spatial-dataset")
      throw FileError(manifest, "not a teramind-spatial-dataset manifest");
    if (j.value("version", 0) != 1)
      throw FileError(manifest,
                      "unsupported manifest version " + std::to_string(j.value("version", 0)));
    dataset.name = j.value("name", manifest.parent_path().filename().string());
    TranscriptTable table =
        readManifestTranscripts(manifest, j.at("transcripts"), progress, content, options);
    table.placement.planeSpacingUm = j.value("plane_spacing_um", 1.5);
    if (j.contains("section_to_atlas")) {
      const auto m = j["section_to_atlas"].at("matrix_3x4").get<std::vector<double>>();
      if (m.size() != 12) throw FileError(manifest, "section_to_atlas.matrix_3x4 needs 12 numbers");
      std::array<double, 12> values{};
      std::copy(m.begin(), m.end(), values.begin());
      table.placement.sectionToAtlas = AffineTransform::fromRowMajor(values);
      table.placement.placed = true;
      dataset.placementNote = j["section_to_atlas"].value("note", "");
    }
    dataset.data = std::move(table);
    if (j.contains("images")) {
      const auto& images = j["images"];
      if (images.contains("micron_to_pixel_transform"))
        dataset.micronToPixelTransform =
            base / images["micron_to_pixel_transform"].get<std::string>();
      for (const auto& s : images.value("stains", nlohmann::json::array()))
        dataset.stains.push_back({s.at("stain").get<std::string>(), s.value("plane", 0),
                                  base / s.at("file").get<std::string>()});
    }
    for (const auto& b : j.value("cell_boundaries", nlohmann::json::array()))
      dataset.cellBoundaries.push_back({b.value("plane", 0), base / b.at("file").get<std::string>(),
                                        b.value("y_negated", false)});
  } catch (const nlohmann::json::exception& e) {
    throw FileError(manifest, std::string("malformed manifest: ") + e.what());
  }
  for (const auto& s : dataset.stains)
    if (!fs::exists(s.file)) throw FileError(manifest, "lists a missing image " + s.file.string());
  return dataset;
}

}  // namespace

std::string spatialFormatName(SpatialFormat format) {
  switch (format) {
    case SpatialFormat::DatasetManifest:
      return "dataset manifest";
    case SpatialFormat::MerscopeRegion:
      return "MERSCOPE region folder";
    case SpatialFormat::VizgenTranscripts:
      return "Vizgen detected transcripts";
    case SpatialFormat::CellPolygons:
      return "cell boundary polygons";
    case SpatialFormat::CellByGeneCsv:
      return "cell-by-gene CSV";
    case SpatialFormat::StarmapPair:
      return "STARmap locations + expression";
    case SpatialFormat::Loom:
      return "loom (HDF5)";
    case SpatialFormat::H5ad:
      return "AnnData h5ad (HDF5)";
    case SpatialFormat::XeniumOutput:
      return "10x Xenium output";
    case SpatialFormat::CosmxOutput:
      return "NanoString CosMx export";
    case SpatialFormat::SpotTable:
      return "spot table (column map)";
    case SpatialFormat::SpatialDataStore:
      return "SpatialData Zarr store";
  }
  return "unknown";
}

// A vendor's file that is part of an output folder, not a dataset by itself: which folder to
// open instead.
static std::optional<std::string> companionFileHint(const std::vector<std::string>& header) {
  const auto has = [&](const char* column) {
    return std::find(header.begin(), header.end(), column) != header.end();
  };
  if (has("cell_id") && has("vertex_x") && has("vertex_y"))
    return "is a 10x Xenium cell or nucleus boundary file: open the Xenium output folder, which "
           "reads its boundaries with its transcripts";
  if (has("fov") && has("x_global_px") && has("y_global_px") && !has("target"))
    return "is a NanoString CosMx FOV positions file: open the export folder (the one holding "
           "*tx_file.csv)";
  return std::nullopt;
}

SpatialFormat detectSpatialFormat(const fs::path& path, const DatasetReadOptions& options) {
  if (!fs::exists(path)) throw FileError(path, "file does not exist");
  if (fs::is_directory(path)) {
    if (fs::exists(path / "dataset.json")) return SpatialFormat::DatasetManifest;
    if (SpatialDataStore::isStore(path)) return SpatialFormat::SpatialDataStore;
    if (merscopeTranscriptsFile(path)) return SpatialFormat::MerscopeRegion;
    if (isXeniumOutputFolder(path)) return SpatialFormat::XeniumOutput;
    if (cosmxTranscriptsFile(path)) return SpatialFormat::CosmxOutput;
    if (starmapPair(path)) return SpatialFormat::StarmapPair;
    throw FileError(path,
                    "directory holds neither a dataset.json, a SpatialData store, a MERSCOPE "
                    "region (detected_transcripts.csv[.gz]), a Xenium output (experiment.xenium), "
                    "a CosMx export (*tx_file.csv[.gz]) nor a STARmap pair");
  }
  const std::string name = lowercaseName(path);
  if (name == "dataset.json") return SpatialFormat::DatasetManifest;
  if (name == "experiment.xenium") return SpatialFormat::XeniumOutput;
  // Parquet holds Xenium transcripts here; spot tables (--columns) are read from text.
  if (hasParquetSignature(path)) {
    if (options.columns)
      throw FileError(path,
                      "is Parquet: a column map (--columns) reads CSV/TSV spot tables (plain or "
                      "gzip); a Xenium transcripts.parquet is read without one");
    if (isXeniumTranscriptsFile(path)) return SpatialFormat::XeniumOutput;
    const ParquetFile parquet(path);
    std::vector<std::string> names;
    for (const auto& column : parquet.columns()) names.push_back(column.name);
    throw FileError(path,
                    "Parquet without Xenium's transcript columns (feature_name, "
                    "x_location, y_location); its columns: " +
                        nameList(names));
  }
  // A column map says what the table is: no guessing from its header.
  if (options.columns) return SpatialFormat::SpotTable;
  if (isHdf5(path)) {
    if (endsWith(name, ".h5ad")) return SpatialFormat::H5ad;
    return SpatialFormat::Loom;  // the loom reader says so when /matrix is missing
  }
  if (looksLikeStarmapFile(path, "expr") && starmapPair(path)) return SpatialFormat::StarmapPair;
  if (isXeniumTranscriptsFile(path)) return SpatialFormat::XeniumOutput;  // CSV or Parquet
  DelimitedTextReader in(path);
  const auto& header = in.readHeader();
  auto has = [&](const char* column) {
    return std::find(header.begin(), header.end(), column) != header.end();
  };
  if (has("gene") && has("global_x") && has("global_y")) return SpatialFormat::VizgenTranscripts;
  if (isCosmxTranscriptHeader(header)) return SpatialFormat::CosmxOutput;
  if (has("poly_ID") && has("x") && has("y")) return SpatialFormat::CellPolygons;
  if ((has("pos_x") && has("pos_y")) || (has("center_x") && has("center_y")))
    return SpatialFormat::CellByGeneCsv;
  if (const auto hint = spotTableLayoutHint(header)) throw FileError(path, *hint);
  if (const auto hint = companionFileHint(header)) throw FileError(path, *hint);
  std::vector<std::string> named;  // a pandas index column has no name: say so, not ""
  for (const auto& column : header) named.push_back(column.empty() ? "(unnamed)" : column);
  throw FileError(
      path, "not a recognised spatial transcriptomics table (columns: " + nameList(named) + ")");
}

const SectionPlacement& SpatialDataset::placement() const {
  if (const auto* t = transcripts()) return t->placement;
  return cells()->placement;
}

StainImageSource SpatialDataset::openStain(const StainImage& stain) const {
  if (stain.zarrChannel) return StainImageSource(stain.file, *stain.zarrChannel);
  if (stainPixelUm) return StainImageSource(stain.file, *stainPixelUm);
  return StainImageSource(stain.file, micronToPixelTransform);
}

std::vector<CellPolygon> readCellBoundaryFile(const CellBoundaryFile& boundaries,
                                              const ReadProgress& progress) {
  if (boundaries.labelImage) return readLabelImageOutlines(boundaries.file, *boundaries.labelImage);
  if (boundaries.spatialDataSystem) {
    const SpatialDataStore store(boundaries.file);
    const auto* shapes = store.namedElement();
    if (!shapes || shapes->kind != SpatialDataStore::Kind::Shapes)
      throw FileError(boundaries.file,
                      "is not a SpatialData shapes element (name one as STORE/shapes/NAME)");
    return store.readShapes(*shapes, *boundaries.spatialDataSystem, progress);
  }
  const bool xenium = [&] {
    const std::string name = lowercaseName(boundaries.file);
    if (endsWith(name, ".parquet")) return true;
    DelimitedTextReader in(boundaries.file);
    return in.readHeader(), in.findColumn("vertex_x").has_value();
  }();
  if (!xenium) return readCellPolygons(boundaries.file, boundaries.yNegated, progress);
  auto cells = readXeniumBoundaries(boundaries.file, progress);
  if (boundaries.yNegated)
    for (auto& cell : cells)
      for (auto& vertex : cell.vertices) vertex.second = -vertex.second;
  return cells;
}

Image3D<std::uint8_t> SpatialDataset::readStain(const StainImage& stain, int maxSide) const {
  return openStain(stain).overview(maxSide);
}

MosaicCoverage measureMosaicCoverage(const SpatialDataset& dataset) {
  const auto* t = dataset.transcripts();
  if (!t || t->size() == 0) throw FileError(dataset.source, "holds no transcripts to place");
  if (dataset.stains.empty()) throw FileError(dataset.source, "holds no stain images");
  std::vector<std::optional<ImageExtentUm>> extentOfPlane;
  MosaicCoverage coverage;
  for (const auto& s : dataset.stains) {
    if (s.plane < 0 || s.plane >= BinnedCondition::kMaxPlanes) continue;
    if (static_cast<std::size_t>(s.plane) >= extentOfPlane.size())
      extentOfPlane.resize(std::size_t(s.plane) + 1);
    if (extentOfPlane[std::size_t(s.plane)]) continue;
    extentOfPlane[std::size_t(s.plane)] = dataset.openStain(s).extent();
    if (coverage.mosaicFile.empty()) {
      coverage.mosaicFile = s.file.string();
      coverage.mosaic = *extentOfPlane[std::size_t(s.plane)];
    }
  }
  auto& e = coverage.transcripts;
  e = {t->x[0], t->y[0], t->x[0], t->y[0]};
  std::vector<bool> planeSeen(std::size_t(t->planeCount()), false);
  for (std::size_t i = 0; i < t->size(); ++i) {
    const double x = t->x[i], y = t->y[i];
    e.xMin = std::min(e.xMin, x), e.xMax = std::max(e.xMax, x);
    e.yMin = std::min(e.yMin, y), e.yMax = std::max(e.yMax, y);
    const std::size_t z = t->plane[i];
    const auto* m = z < extentOfPlane.size() && extentOfPlane[z] ? &*extentOfPlane[z] : nullptr;
    if (m && x >= m->xMin && x < m->xMax && y >= m->yMin && y < m->yMax) ++coverage.insideMosaic;
    if (!m && !planeSeen[z]) {
      planeSeen[z] = true;
      ++coverage.planesWithoutMosaic;
    }
  }
  coverage.molecules = t->size();
  return coverage;
}

namespace {

// The dataset as its files give it, before a saved placement or --landmarks.
// A flag the format does not read is refused, not ignored: the user meant something by it.
// (A manifest refuses an unused --pixel-um itself: only it knows whether it states one.)
void refuseUnusedReadOptions(const fs::path& path, SpatialFormat format,
                             const DatasetReadOptions& options) {
  const std::string what = spatialFormatName(format);
  if (options.columns && format != SpatialFormat::SpotTable)
    throw FileError(path, "--columns reads spot tables (CSV/TSV files); this is a " + what +
                              ", whose columns are known");
  if (options.minQv && format != SpatialFormat::XeniumOutput)
    throw FileError(path, "--min-qv filters 10x Xenium molecules by quality; a " + what +
                              " has no qv to filter by");
  if (options.pixelUm && format != SpatialFormat::SpotTable &&
      format != SpatialFormat::CosmxOutput && format != SpatialFormat::DatasetManifest)
    throw FileError(path, "--pixel-um sets the pixel size of a spot table or a CosMx export; a " +
                              what + " states its own scale");
}

SpatialDataset loadAsStored(const fs::path& path, const ReadProgress& progress,
                            DatasetContent content, const DatasetReadOptions& options) {
  const SpatialFormat format = detectSpatialFormat(path, options);
  refuseUnusedReadOptions(path, format, options);
  if (format == SpatialFormat::DatasetManifest)
    return loadManifest(manifestOf(path), progress, content, options);
  if (format == SpatialFormat::MerscopeRegion)
    return loadMerscopeRegion(path, progress, content == DatasetContent::All);
  if (format == SpatialFormat::XeniumOutput)
    return loadXeniumOutput(path, progress, content == DatasetContent::All, options);
  if (format == SpatialFormat::SpatialDataStore)
    return loadSpatialDataStore(path, progress, content);
  if (format == SpatialFormat::CosmxOutput)
    return loadCosmxOutput(path, progress, options, content == DatasetContent::All);
  SpatialDataset dataset;
  dataset.format = format;
  dataset.source = path;
  dataset.name = path.filename().string();
  if (content == DatasetContent::StainImagesOnly) return dataset;
  switch (format) {
    case SpatialFormat::VizgenTranscripts:
      dataset.data = readVizgenTranscripts(path, progress);
      break;
    case SpatialFormat::CellPolygons:
      dataset.polygons = readCellPolygons(path, false, progress);
      dataset.data = TranscriptTable{};
      break;
    case SpatialFormat::CellByGeneCsv:
      dataset.data = readCellByGeneCsv(path, progress);
      break;
    case SpatialFormat::StarmapPair: {
      const auto pair = starmapPair(path);
      if (!pair) throw FileError(path, "no STARmap location file beside it");
      dataset.data = readStarmap(pair->first, pair->second, progress);
      break;
    }
#ifdef TERAMIND_HAVE_HDF5
    case SpatialFormat::Loom:
      dataset.data = readLoom(path, 0, progress);
      break;
    case SpatialFormat::H5ad:
      dataset.data = readH5ad(path, {}, progress);
      break;
#else
    // The engine-only build may lack HDF5: say so instead of failing to link.
    case SpatialFormat::Loom:
    case SpatialFormat::H5ad:
      throw FileError(path, "this build of Tera-MIND has no HDF5 support (loom, h5ad)");
#endif
    case SpatialFormat::SpotTable:
      dataset.data = readSpotTable(path, *options.columns,
                                   spotTablePixelUm(path, options.pixelUm, "--pixel-um"), progress);
      break;
    case SpatialFormat::DatasetManifest:
    case SpatialFormat::MerscopeRegion:
    case SpatialFormat::XeniumOutput:
    case SpatialFormat::CosmxOutput:
    case SpatialFormat::SpatialDataStore:
      break;
  }
  return dataset;
}

}  // namespace

SpatialDataset loadSpatialDataset(const fs::path& path, const ReadProgress& progress,
                                  DatasetContent content, const DatasetReadOptions& options) {
  SpatialDataset dataset = loadAsStored(path, progress, content, options);
  applySavedPlacement(dataset, options);  // a sidecar, then --landmarks (io/SavedPlacement.h)
  return dataset;
}

BinningResult binDataset(const SpatialDataset& dataset, BinningOptions options,
                         const GenePanel* panel, bool zAsPlane) {
  try {
    if (const auto* t = dataset.transcripts(); t && t->size() > 0) {
      options.planeSpacingUm = t->placement.planeSpacingUm;
      return binTranscripts(*t, options, panel);
    }
    if (const auto* c = dataset.cells()) {
      options.planeSpacingUm = c->placement.planeSpacingUm;
      return binCells(*c, options, panel, zAsPlane);
    }
  } catch (const std::invalid_argument& e) {
    throw FileError(dataset.source, e.what());
  }
  throw FileError(dataset.source, "holds no transcripts or cells to bin");
}

fs::path bundledDemoDataset() {
  return resourceDirectory() / "demo" / "vizgen_mini" / "dataset.json";
}

}  // namespace teramind
