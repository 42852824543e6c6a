#include "studio/DatasetReadPrompt.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/core.h>

#include "common/FileError.h"
#include "transcriptomics/DelimitedTextReader.h"
#include "transcriptomics/SpotTableReader.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;

// A table's column names; a header read as one comma field holding tabs is split at the tabs
// (as spotTableLayoutHint does). Empty when the file has no header to read.
std::vector<std::string> tableHeader(const fs::path& path) {
  try {
    DelimitedTextReader in(path);
    std::vector<std::string> header = in.readHeader();
    if (header.size() == 1 && header.front().find('\t') != std::string::npos) {
      std::vector<std::string> fields;
      std::istringstream split(header.front());
      for (std::string field; std::getline(split, field, '\t');) fields.push_back(field);
      header = std::move(fields);
    }
    return header;
  } catch (const FileError&) {
    return {};
  }
}

DatasetReadPrompt spotTablePrompt(const fs::path& path, const DatasetReadOptions& given,
                                  std::string reason) {
  DatasetReadPrompt prompt;
  prompt.format = SpatialFormat::SpotTable;
  prompt.reason = std::move(reason);
  prompt.header = tableHeader(path);
  prompt.proposal = given;
  if (const auto proposal = proposeSpotTableColumns(prompt.header)) {
    prompt.layout = proposal->layout;
    if (!prompt.proposal.columns) prompt.proposal.columns = proposal->columns;
    if (!prompt.proposal.pixelUm) prompt.proposal.pixelUm = proposal->pixelUm;
  }
  prompt.asksColumns = prompt.asksPixelUm = prompt.pixelUmRequired = true;
  return prompt;
}

}  // namespace

std::optional<DatasetReadPrompt> datasetReadPrompt(const fs::path& path,
                                                   const DatasetReadOptions& given) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  if (given.columns) {
    if (given.pixelUm) return std::nullopt;
    return spotTablePrompt(path, given,
                           "a spot table needs its pixel size (µm per unit of x and y; 1 if "
                           "the table is in µm)");
  }
  try {
    detectSpatialFormat(path, given);
    return std::nullopt;
  } catch (const FileError& e) {
    // A table of three columns or more could be a spot table; anything else fails as it is.
    auto prompt = spotTablePrompt(path, given, e.problem());
    if (prompt.header.size() < 3) return std::nullopt;
    return prompt;
  }
}

DatasetReadPrompt datasetReadChoices(const fs::path& path, const DatasetReadOptions& given) {
  if (auto prompt = datasetReadPrompt(path, given)) return *prompt;
  const SpatialFormat format = detectSpatialFormat(path, given);
  if (format == SpatialFormat::SpotTable)
    return spotTablePrompt(path, given, "a spot table read through a column map");
  DatasetReadPrompt prompt;
  prompt.format = format;
  prompt.proposal = given;
  prompt.reason = spatialFormatName(format);
  prompt.asksMinQv = format == SpatialFormat::XeniumOutput;
  prompt.asksPixelUm = format == SpatialFormat::CosmxOutput;
  if (!prompt.asksMinQv && !prompt.asksPixelUm)
    prompt.reason += ": read as its files say, without options";
  return prompt;
}

std::optional<std::string> readOptionsProblem(const DatasetReadPrompt& prompt,
                                              const DatasetReadOptions& options) {
  if (prompt.asksColumns) {
    if (!options.columns) return "choose the gene, x and y columns";
    const auto& c = *options.columns;
    const std::pair<const char*, const std::string*> fields[] = {
        {"gene", &c.gene}, {"x", &c.x}, {"y", &c.y}, {"z", &c.z}};
    std::vector<std::string> used;
    for (const auto& [role, column] : fields) {
      if (column->empty()) {
        if (std::string(role) == "z") continue;  // z is optional: one plane
        return fmt::format("choose the {} column", role);
      }
      if (!prompt.header.empty() &&
          std::find(prompt.header.begin(), prompt.header.end(), *column) == prompt.header.end())
        return fmt::format("the table has no column '{}' (for {})", *column, role);
      if (std::find(used.begin(), used.end(), *column) != used.end())
        return fmt::format("column '{}' is mapped twice", *column);
      used.push_back(*column);
    }
  }
  if (prompt.asksPixelUm) {
    if (!options.pixelUm) {
      if (prompt.pixelUmRequired)
        return std::string("give the pixel size in µm per unit of x and y (1 if they are µm)");
    } else if (!std::isfinite(*options.pixelUm) || *options.pixelUm <= 0) {
      return std::string("the pixel size must be a positive number of µm");
    }
  }
  if (prompt.asksMinQv && options.minQv && (!std::isfinite(*options.minQv) || *options.minQv < 0))
    return std::string("the min qv must be a number ≥ 0");
  return std::nullopt;
}

}  // namespace teramind
