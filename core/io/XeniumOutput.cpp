#include "io/XeniumOutput.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "io/FileSignature.h"
#include "io/JsonFile.h"
#include "io/ParquetFile.h"
#include "io/SpatialDataset.h"
#include "transcriptomics/BinnedCondition.h"
#include "transcriptomics/CellPolygonRing.h"
#include "transcriptomics/DelimitedTextReader.h"
#include "transcriptomics/SectionCoordinates.h"

namespace teramind {
namespace fs = std::filesystem;

namespace {

constexpr double kDefaultMinQv = 20;  // 10x's recommended threshold

// The first of name.parquet, name.csv.gz, name.csv in a folder.
std::optional<fs::path> tableOf(const fs::path& folder, const std::string& name) {
  for (const char* ext : {".parquet", ".csv.gz", ".csv"})
    if (fs::is_regular_file(folder / (name + ext))) return folder / (name + ext);
  return std::nullopt;
}

// Molecules as they are read, filtered by qv; z stays in µm until the lowest is known.
class TranscriptCollector {
 public:
  explicit TranscriptCollector(double minQv) : minQv_(minQv) {}

  // x, y, z already checked as section µm (sectionUm).
  void add(std::string_view feature, float x, float y, float z, double qv) {
    ++rowsBefore_;
    const std::uint32_t gene = table_.genes.add(feature);  // every feature, kept or not
    if (!(qv >= minQv_)) return;
    table_.push(x, y, 0, gene);
    z_.push_back(z);  // as x and y: the table's precision, 4 bytes a molecule
    zMin_ = std::min(zMin_, double(z_.back()));
  }

  TranscriptTable finish(const fs::path& file, double zStepUm, QualityFilterReport& report) {
    report = {fmt::format("qv >= {:g}", minQv_), rowsBefore_, table_.size()};
    if (rowsBefore_ == 0) throw FileError(file, "holds no transcripts");
    if (table_.size() == 0)
      throw FileError(file, fmt::format("no molecule of {} has qv >= {:g}: lower --min-qv",
                                        rowsBefore_, minQv_));
    const PlaneCut cut(zMin_, zStepUm);
    for (std::size_t i = 0; i < z_.size(); ++i) {
      const auto plane = cut.plane(z_[i]);
      if (!plane)
        throw FileError(file, fmt::format("z_location spans {:g} .. {:g} µm: more than {} planes "
                                          "of {:g} µm",
                                          zMin_, z_[i], BinnedCondition::kMaxPlanes, zStepUm));
      table_.plane[i] = *plane;
    }
    table_.placement.planeSpacingUm = zStepUm;
    std::vector<float>().swap(z_);
    return std::move(table_);
  }

 private:
  double minQv_;
  TranscriptTable table_;
  std::vector<float> z_;  // µm, until the lowest is known
  double zMin_ = HUGE_VAL;
  std::uint64_t rowsBefore_ = 0;
};

void readCsvTranscripts(const fs::path& file, const ReadProgress& progress,
                        TranscriptCollector& out) {
  DelimitedTextReader in(file, DelimitedTextReader::Delimiter::Comma, progress);
  in.readHeader();
  const std::size_t feature = in.column("feature_name");
  const std::size_t x = in.column("x_location");
  const std::size_t y = in.column("y_location");
  const std::size_t z = in.column("z_location");
  const std::size_t qv = in.column("qv");
  while (in.next()) {
    in.requireHeaderWidth();
    const std::string_view name = in.field(feature);
    if (name.empty()) in.fail("column 'feature_name' is empty");
    const auto um = [&](std::size_t column) {
      const auto value = sectionUm(in.number(column));
      if (!value)
        in.fail(fmt::format("column '{}': {} µm lies beyond ±1 m: not a section coordinate",
                            in.header()[column], in.field(column)));
      return *value;
    };
    out.add(name, um(x), um(y), um(z), in.number(qv));
  }
}

// A number column's value: finite.
double checkedNumber(const ParquetFile& parquet, std::size_t group, std::uint64_t row,
                     const char* column, double value) {
  if (!std::isfinite(value))
    throw FileError(parquet.file(),
                    fmt::format("row group {}, row {}: column '{}' is {}", group, row, column,
                                std::isnan(value) ? "null or NaN" : "not finite"));
  return value;
}

// A coordinate column's value: finite and a section's (sectionUm).
float checkedUm(const ParquetFile& parquet, std::size_t group, std::uint64_t row,
                const char* column, double value) {
  const auto um = sectionUm(checkedNumber(parquet, group, row, column, value));
  if (!um)
    throw FileError(parquet.file(), fmt::format("row group {}, row {}: column '{}': {} µm lies "
                                                "beyond ±1 m: not a section coordinate",
                                                group, row, column, value));
  return *um;
}

void readParquetTranscripts(const fs::path& file, const ReadProgress& progress,
                            TranscriptCollector& out) {
  const ParquetFile parquet(file);
  const std::size_t feature = parquet.column("feature_name");
  const std::size_t x = parquet.column("x_location");
  const std::size_t y = parquet.column("y_location");
  const std::size_t z = parquet.column("z_location");
  const std::size_t qv = parquet.column("qv");
  std::uint64_t row = 0;
  // One row group's five columns at a time: memory is one row group, not the file.
  for (std::size_t g = 0; g < parquet.rowGroupCount(); ++g) {
    std::vector<bool> nulls;
    const auto names = parquet.readStrings(g, feature, &nulls);
    const auto xs = parquet.readNumbers(g, x), ys = parquet.readNumbers(g, y);
    const auto zs = parquet.readNumbers(g, z), qvs = parquet.readNumbers(g, qv);
    const std::size_t n = names.size();
    if (xs.size() != n || ys.size() != n || zs.size() != n || qvs.size() != n)
      throw FileError(file, fmt::format("row group {}: columns of different lengths", g));
    for (std::size_t i = 0; i < n; ++i, ++row) {
      if (names[i].empty() || (i < nulls.size() && nulls[i]))
        throw FileError(
            file, fmt::format("row group {}, row {}: column 'feature_name' is empty", g, row));
      out.add(names[i], checkedUm(parquet, g, row, "x_location", xs[i]),
              checkedUm(parquet, g, row, "y_location", ys[i]),
              checkedUm(parquet, g, row, "z_location", zs[i]),
              checkedNumber(parquet, g, row, "qv", qvs[i]));
    }
    if (progress) progress(double(g + 1) / double(parquet.rowGroupCount()));
  }
}

// Groups vertices by cell in first-seen order; a cell's rows need not be adjacent.
class PolygonCollector {
 public:
  void add(const std::string& cell, double x, double y) {
    auto [it, added] = index_.emplace(cell, cells_.size());
    if (added) cells_.push_back({cell, {}});
    cells_[it->second].vertices.emplace_back(x, y);
  }
  std::vector<CellPolygon> finish(const fs::path& file) {
    if (cells_.empty()) throw FileError(file, "holds no cell outlines");
    for (auto& cell : cells_) {
      openRing(cell.vertices);  // Xenium repeats each ring's first vertex at its end
      if (cell.vertices.size() < 3)
        throw FileError(file, "cell '" + cell.id + "' has fewer than 3 vertices");
    }
    return std::move(cells_);
  }

 private:
  std::vector<CellPolygon> cells_;
  std::unordered_map<std::string, std::size_t> index_;
};

std::string jsonString(const nlohmann::json& j, const char* key, const fs::path& file) {
  if (!j.contains(key)) return {};
  if (!j[key].is_string()) throw FileError(file, fmt::format("field '{}' is not a string", key));
  return j[key].get<std::string>();
}

double positiveNumber(const nlohmann::json& j, const char* key, double fallback,
                      const fs::path& file) {
  if (!j.contains(key)) return fallback;
  const auto& v = j[key];
  if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
    throw FileError(
        file, fmt::format("field '{}' is not a positive number: {}", key, v.dump().substr(0, 40)));
  return v.get<double>();
}

}  // namespace

XeniumExperiment readXeniumExperiment(const fs::path& file) {
  nlohmann::json j = readJsonFile(file);
  if (!j.is_object()) throw FileError(file, "is not a JSON object");
  XeniumExperiment experiment;
  experiment.pixelUm = positiveNumber(j, "pixel_size", experiment.pixelUm, file);
  experiment.zStepUm = positiveNumber(j, "z_step_size", experiment.zStepUm, file);
  experiment.panel = jsonString(j, "panel_name", file);
  int targets = 0;
  for (const char* key : {"panel_num_targets_predesigned", "panel_num_targets_custom"})
    if (j.contains(key) && j[key].is_number_integer()) targets += j[key].get<int>();
  if (!experiment.panel.empty() && targets > 0)
    experiment.panel += fmt::format(" ({} targets)", targets);
  if (j.contains("images")) {
    if (!j["images"].is_object()) throw FileError(file, "field 'images' is not an object");
    // The focus image is the sharpest 2D DAPI; the MIP next; the z-stack's first page last.
    for (const char* key :
         {"morphology_focus_filepath", "morphology_mip_filepath", "morphology_filepath"}) {
      const std::string name = jsonString(j["images"], key, file);
      if (!name.empty()) experiment.images.push_back(file.parent_path() / name);
    }
  }
  return experiment;
}

std::optional<fs::path> xeniumTranscriptsFile(const fs::path& folder) {
  return tableOf(folder, "transcripts");
}

bool isXeniumTranscriptsFile(const fs::path& file) {
  if (!fs::is_regular_file(file)) return false;
  if (hasParquetSignature(file)) {
    const ParquetFile parquet(file);
    return parquet.findColumn("feature_name") && parquet.findColumn("x_location") &&
           parquet.findColumn("y_location");
  }
  DelimitedTextReader in(file);
  in.readHeader();
  return in.findColumn("feature_name") && in.findColumn("x_location") &&
         in.findColumn("y_location");
}

bool isXeniumOutputFolder(const fs::path& folder) {
  if (fs::is_regular_file(folder / "experiment.xenium")) return true;
  const auto transcripts = xeniumTranscriptsFile(folder);
  return transcripts && isXeniumTranscriptsFile(*transcripts);
}

SpatialDataset loadXeniumOutput(const fs::path& path, const ReadProgress& progress,
                                bool withTranscripts, const DatasetReadOptions& options) {
  const bool isFolder = fs::is_directory(path);
  const fs::path folder =
      isFolder ? path : (path.has_parent_path() ? path.parent_path() : fs::path("."));
  const bool isManifest = !isFolder && path.filename() == "experiment.xenium";
  const auto transcripts =
      isFolder || isManifest ? xeniumTranscriptsFile(folder) : std::optional<fs::path>(path);

  SpatialDataset dataset;
  dataset.format = SpatialFormat::XeniumOutput;
  dataset.source = path;
  dataset.name = fs::absolute(folder).lexically_normal().filename().string();
  if (dataset.name.empty()) dataset.name = fs::absolute(folder).parent_path().filename().string();

  XeniumExperiment experiment;
  if (fs::is_regular_file(folder / "experiment.xenium")) {
    experiment = readXeniumExperiment(folder / "experiment.xenium");
  } else {
    for (const char* name :
         {"morphology_focus.ome.tif", "morphology_mip.ome.tif", "morphology.ome.tif"})
      experiment.images.push_back(folder / name);
  }
  dataset.panelName = experiment.panel;
  for (const auto& image : experiment.images)
    if (fs::is_regular_file(image)) {
      dataset.stains.push_back({"DAPI", 0, image});
      dataset.stainPixelUm = experiment.pixelUm;
      break;
    }
  for (const char* compartment : {"cell", "nucleus"})
    if (const auto file = tableOf(folder, std::string(compartment) + "_boundaries"))
      dataset.cellBoundaries.push_back({0, *file, false, compartment});

  if (!withTranscripts) return dataset;
  if (!transcripts)
    throw FileError(folder, "holds no transcripts.parquet, transcripts.csv.gz or transcripts.csv");
  TranscriptCollector collector(options.minQv.value_or(kDefaultMinQv));
  if (hasParquetSignature(*transcripts))
    readParquetTranscripts(*transcripts, progress, collector);
  else
    readCsvTranscripts(*transcripts, progress, collector);
  QualityFilterReport report;
  dataset.data = collector.finish(*transcripts, experiment.zStepUm, report);
  dataset.qualityFilter = report;
  return dataset;
}

std::vector<CellPolygon> readXeniumBoundaries(const fs::path& file, const ReadProgress& progress) {
  PolygonCollector cells;
  if (hasParquetSignature(file)) {
    const ParquetFile parquet(file);
    const std::size_t id = parquet.column("cell_id");
    const std::size_t x = parquet.column("vertex_x");
    const std::size_t y = parquet.column("vertex_y");
    std::uint64_t row = 0;
    for (std::size_t g = 0; g < parquet.rowGroupCount(); ++g) {
      // cell_id is a string since Xenium Onboard Analysis 1.3, an integer before: readStrings
      // gives integers exactly (through double, ids above 2^53 would merge).
      const std::vector<std::string> ids = parquet.readStrings(g, id);
      const auto xs = parquet.readNumbers(g, x), ys = parquet.readNumbers(g, y);
      if (xs.size() != ids.size() || ys.size() != ids.size())
        throw FileError(file, fmt::format("row group {}: columns of different lengths", g));
      for (std::size_t i = 0; i < ids.size(); ++i, ++row) {
        if (ids[i].empty())
          throw FileError(file, fmt::format("row group {}, row {}: column 'cell_id' is empty or "
                                            "null",
                                            g, row));
        cells.add(ids[i], checkedNumber(parquet, g, row, "vertex_x", xs[i]),
                  checkedNumber(parquet, g, row, "vertex_y", ys[i]));
      }
      if (progress) progress(double(g + 1) / double(parquet.rowGroupCount()));
    }
    return cells.finish(file);
  }
  DelimitedTextReader in(file, DelimitedTextReader::Delimiter::Comma, progress);
  in.readHeader();
  const std::size_t id = in.column("cell_id");
  const std::size_t x = in.column("vertex_x");
  const std::size_t y = in.column("vertex_y");
  while (in.next()) {
    in.requireHeaderWidth();
    if (in.field(id).empty()) in.fail("column 'cell_id' is empty");
    cells.add(std::string(in.field(id)), in.number(x), in.number(y));
  }
  return cells.finish(file);
}

}  // namespace teramind
