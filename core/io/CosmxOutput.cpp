#include "io/CosmxOutput.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>

#include <fmt/core.h>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "common/TextAffixes.h"
#include "io/LabelOutlines.h"
#include "io/LabelTiff.h"
#include "io/SpatialDataset.h"
#include "transcriptomics/BinnedCondition.h"
#include "transcriptomics/DelimitedTextReader.h"
#include "transcriptomics/SectionCoordinates.h"

namespace teramind {
namespace fs = std::filesystem;

namespace {

using Reader = DelimitedTextReader;

// The one file in `folder` whose lower-case name ends with one of `suffixes`; several are an
// error rather than a guess.
std::optional<fs::path> oneFileEndingWith(const fs::path& folder,
                                          std::initializer_list<const char*> suffixes) {
  std::vector<fs::path> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = asciiLower(entry.path().filename().string());
    if (std::any_of(suffixes.begin(), suffixes.end(),
                    [&](const char* s) { return endsWith(name, s); }))
      found.push_back(entry.path());
  }
  if (found.empty()) return std::nullopt;
  if (found.size() > 1) {
    std::sort(found.begin(), found.end());
    throw FileError(folder, "holds several " + std::string(*suffixes.begin()) + " files (" +
                                found[0].filename().string() + ", " + found[1].filename().string() +
                                "); name the one to read");
  }
  return found.front();
}

struct LabelFile {
  enum Kind { Cell, Compartment } kind;
  int fov;
  fs::path file;
};

// CellLabels/CellLabels_F###.tif and CompartmentLabels/CompartmentLabels_F###.tif, by FOV.
std::vector<LabelFile> listLabelFiles(const fs::path& folder) {
  static const std::regex name(R"((CellLabels|CompartmentLabels)_F([0-9]+)\.tiff?)",
                               std::regex::icase);
  std::vector<LabelFile> files;
  for (const char* sub : {"CellLabels", "CompartmentLabels"}) {
    const fs::path directory = folder / sub;
    if (!fs::is_directory(directory)) continue;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(directory, error)) {
      std::smatch match;
      const std::string file = entry.path().filename().string();
      if (!entry.is_regular_file() || !std::regex_match(file, match, name)) continue;
      const std::string digits = match[2].str();
      if (digits.size() > 6) throw FileError(entry.path(), "names an FOV id beyond 999999");
      files.push_back(
          {asciiLower(match[1].str()) == "celllabels" ? LabelFile::Cell : LabelFile::Compartment,
           std::stoi(digits), entry.path()});
    }
    if (error) throw FileError(directory, "cannot be listed: " + error.message());
  }
  std::sort(files.begin(), files.end(), [](const LabelFile& a, const LabelFile& b) {
    return std::tie(a.kind, a.fov) < std::tie(b.kind, b.fov);
  });
  return files;
}

double checkedPixelUm(const fs::path& path, const DatasetReadOptions& options) {
  if (!options.pixelUm) return kCosmxDefaultPixelUm;
  const double um = *options.pixelUm;
  if (!std::isfinite(um) || um <= 0 || um > 1000)
    throw FileError(path, "pixel size " + std::to_string(um) +
                              " um is not usable: give --pixel-um as the export's µm per pixel "
                              "(a positive number, e.g. 0.18 or 0.12028)");
  return um;
}

TranscriptTable readCosmxTranscripts(const fs::path& file, double pixelUm,
                                     const ReadProgress& progress) {
  Reader in(file, Reader::Delimiter::Comma, progress);
  in.readHeader();
  if (!in.findColumn("x_global_px") && in.findColumn("x_local_px"))
    throw FileError(file,
                    "holds only FOV-local pixel coordinates (x_local_px, y_local_px), whose "
                    "place on the slide is unknown; export the table with x_global_px and "
                    "y_global_px");
  const std::size_t target = in.column("target");
  const std::size_t x = in.column("x_global_px");
  const std::size_t y = in.column("y_global_px");
  const std::size_t z = in.column("z");
  constexpr int kMaxPlanes = BinnedCondition::kMaxPlanes;
  TranscriptTable table;
  int zMin = std::numeric_limits<int>::max(), zMax = std::numeric_limits<int>::min();
  while (in.next()) {
    in.requireHeaderWidth();
    const double zValue = in.number(z);
    if (zValue != std::floor(zValue) || std::abs(zValue) >= kMaxPlanes)
      in.fail("column 'z': " + std::string(in.field(z)) + " is not a focal-slice index");
    const std::string_view name = in.field(target);
    if (name.empty()) in.fail("column 'target' is empty");
    const auto xUm = sectionUm(in.number(x), pixelUm), yUm = sectionUm(in.number(y), pixelUm);
    if (!xUm || !yUm)
      in.fail(fmt::format("({}, {}) px × {} µm lies beyond ±1 m: not a section position",
                          in.field(x), in.field(y), pixelUm));
    zMin = std::min(zMin, int(zValue));
    zMax = std::max(zMax, int(zValue));
    // Stored shifted by kMaxPlanes (never negative) until the lowest z is known.
    table.push(*xUm, *yUm, std::uint16_t(int(zValue) + kMaxPlanes), table.genes.add(name));
  }
  if (table.size() == 0) throw FileError(file, "holds no transcripts");
  if (zMax - zMin >= kMaxPlanes)
    throw FileError(file, "its z spans " + std::to_string(zMin) + " .. " + std::to_string(zMax) +
                              ", more focal slices than a section holds");
  // Plane 0 is the lowest slice of the table (sample exports start at z = -1 as well as 0).
  const PlaneCut cut(zMin, 1);
  for (auto& plane : table.plane) plane = *cut.plane(double(plane) - kMaxPlanes);
  return table;
}

}  // namespace

std::optional<fs::path> cosmxTranscriptsFile(const fs::path& folder) {
  return oneFileEndingWith(folder, {"tx_file.csv", "tx_file.csv.gz"});
}

bool isCosmxTranscriptHeader(const std::vector<std::string>& header) {
  auto has = [&](const char* column) {
    return std::find(header.begin(), header.end(), column) != header.end();
  };
  return has("target") && (has("x_global_px") || has("x_local_px"));
}

std::map<int, std::pair<double, double>> readCosmxFovPositions(const fs::path& file) {
  Reader in(file, Reader::Delimiter::Comma);
  in.readHeader();
  const std::size_t fov = in.findColumn("fov") ? in.column("fov") : in.column("FOV");
  const std::size_t x = in.column("x_global_px");
  const std::size_t y = in.column("y_global_px");
  std::map<int, std::pair<double, double>> positions;
  while (in.next()) {
    in.requireHeaderWidth();
    const double id = in.number(fov);
    if (id < 0 || id != std::floor(id) || id > 999999)
      in.fail("column 'fov': " + std::string(in.field(fov)) + " is not an FOV id");
    if (!positions.emplace(int(id), std::make_pair(in.number(x), in.number(y))).second)
      in.fail("FOV " + std::to_string(int(id)) + " is listed twice");
  }
  if (positions.empty()) throw FileError(file, "lists no FOVs");
  return positions;
}

SpatialDataset loadCosmxOutput(const fs::path& path, const ReadProgress& progress,
                               const DatasetReadOptions& options, bool withTranscripts) {
  const bool isFolder = fs::is_directory(path);
  const fs::path folder = isFolder ? path : (path.has_parent_path() ? path.parent_path() : ".");
  std::optional<fs::path> transcripts = isFolder ? cosmxTranscriptsFile(folder) : path;
  if (!transcripts) throw FileError(path, "holds no CosMx *tx_file.csv[.gz]");
  const double pixelUm = checkedPixelUm(*transcripts, options);

  // Placement first: a label image that cannot be placed fails before the molecules are read.
  const std::vector<LabelFile> labels = listLabelFiles(folder);
  const auto positionsFile = oneFileEndingWith(folder, {"fov_positions_file.csv"});
  std::map<int, std::pair<double, double>> positions;
  if (!labels.empty()) {
    if (!positionsFile)
      throw FileError(folder, "has no *fov_positions_file.csv, so its " +
                                  labels.front().file.parent_path().filename().string() +
                                  " images (" + labels.front().file.filename().string() +
                                  ", ...) cannot be placed on the slide");
    positions = readCosmxFovPositions(*positionsFile);
    for (const auto& label : labels)
      if (!positions.count(label.fov))
        throw FileError(label.file, "is FOV " + std::to_string(label.fov) + ", which " +
                                        positionsFile->filename().string() + " does not list");
  }

  SpatialDataset dataset;
  dataset.format = SpatialFormat::CosmxOutput;
  dataset.source = path;
  dataset.name = fs::absolute(folder).lexically_normal().filename().string();
  if (dataset.name.empty()) dataset.name = fs::absolute(folder).parent_path().filename().string();
  if (!options.pixelUm)
    dataset.readNotes.push_back(
        "pixel size 0.18 um/px assumed (NanoString's public NSCLC release; the export does not "
        "say): give --pixel-um for other runs");
  if (withTranscripts) dataset.data = readCosmxTranscripts(*transcripts, pixelUm, progress);

  // Each FOV's cell labels, checked from their headers now, outlined when asked for
  // (readCellBoundaryFile), like other formats' boundary files.
  for (const auto& label : labels) {
    if (label.kind != LabelFile::Cell) continue;  // compartments are not outlined (see docs)
    checkLabelTiff(label.file);
    CellBoundaryFile boundaries;
    boundaries.file = label.file;
    const auto [originX, originY] = positions.at(label.fov);
    boundaries.labelImage =
        LabelImagePlacement{originX, originY, pixelUm, true, std::to_string(label.fov) + "_"};
    dataset.cellBoundaries.push_back(std::move(boundaries));
  }
  return dataset;
}

}  // namespace teramind
