#include "workflow/ConditionSource.h"

#include <cmath>
#include <optional>
#include <stdexcept>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "io/DatasetReadOptionsJson.h"
#include "model/MorphologyModel.h"
#include "model/PairedSection.h"
#include "transcriptomics/GenePanel.h"

namespace teramind {
namespace {

using Json = nlohmann::json;

// Reads the keys of one form of the source description, naming the form and the key in its
// errors.
class SourceReader {
 public:
  SourceReader(const std::filesystem::path& document, const Json& json, const char* form)
      : document_(document), json_(json), form_(form) {}

  const Json& at(const char* key) const {
    const auto it = json_.find(key);
    if (it == json_.end()) fail(key, "is missing");
    return *it;
  }
  std::filesystem::path path(const char* key, bool mayBeEmpty = false) const {
    const auto& v = at(key);
    if (!v.is_string()) fail(key, "must be a path (a string)");
    std::filesystem::path p = v.get<std::string>();
    if (p.empty()) {
      if (!mayBeEmpty) fail(key, "is empty");
      return p;
    }
    // A document moved with its data keeps working when its paths are relative.
    return p.is_absolute() ? p : (document_.parent_path() / p).lexically_normal();
  }
  double positive(const char* key) const {
    const auto& v = at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0)
      fail(key, "must be a positive number");
    return v.get<double>();
  }
  int resolution(const char* key) const {
    const auto& v = at(key);
    const double r = v.is_number() ? v.get<double>() : -1;
    if (r != std::floor(r) || r < 0 || r > 1000)
      fail(key, "must be 0 or an atlas resolution in whole µm");
    return int(r);
  }
  std::vector<std::string> genes(const char* key) const {
    const auto& v = at(key);
    if (!v.is_array()) fail(key, "must be a list of gene names");
    std::vector<std::string> genes;
    for (const auto& g : v) {
      if (!g.is_string() || g.get<std::string>().empty())
        fail(key, fmt::format("entry {} is not a gene name", genes.size()));
      genes.push_back(g.get<std::string>());
    }
    return genes;
  }
  [[noreturn]] void fail(const char* key, const std::string& problem) const {
    throw FileError(document_, fmt::format("source ({}): key '{}' {}", form_, key, problem));
  }

 private:
  const std::filesystem::path& document_;
  const Json& json_;
  const char* form_;
};

BinnedSource binOnPanel(const ConditionSource& source, const SpatialDataset& dataset) {
  BinningOptions options;
  options.binUm = source.binUm;
  std::optional<GenePanel> panel;
  if (!source.panel.empty()) panel = GenePanel{"document", "", source.panel};
  BinningResult r = binDataset(dataset, options, panel ? &*panel : nullptr);
  return {std::move(r.condition), dataset.placement()};
}

BinnedSource binForModel(const SpatialDataset& dataset, const MorphologyModel& model) {
  // Workspace::prepare's call: the condition is the binned counts before they become the
  // section's sparse rows.
  BinnedSource binned{BinnedCondition{}, dataset.placement()};
  preparePairedSection(
      dataset, model.config(), model.genes(), [&](BinnedCondition& c) { binned.condition = c; },
      StainImages::Skip);
  return binned;
}

}  // namespace

std::string ConditionSource::toJson() const {
  try {
    Json j{{"schema", kSchema},       {"version", kVersion},
           {"data", data.string()},   {"model", model.string()},
           {"bin_um", binUm},         {"panel", panel},
           {"atlas", atlas.string()}, {"atlas_resolution_um", atlasResolutionUm}};
    if (hasReadOptions(read)) j["read"] = readOptionsToJson(read);
    return j.dump();
  } catch (const nlohmann::json::exception& e) {
    throw FileError(data, std::string("path cannot be recorded in a document: ") + e.what());
  }
}

ConditionSource ConditionSource::fromJson(const std::filesystem::path& document,
                                          const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(document, std::string("source is not JSON: ") + e.what());
  }
  if (!j.is_object()) throw FileError(document, "source is not a JSON object");
  ConditionSource s;
  if (j.contains("schema")) {
    const SourceReader r(document, j, "v2");
    if (!j["schema"].is_string() || j["schema"].get<std::string>() != kSchema)
      r.fail("schema", fmt::format("is {}, not \"{}\"", j["schema"].dump(), kSchema));
    if (!j.contains("version") || !j["version"].is_number_integer())
      r.fail("version", "must be a whole number");
    if (j["version"].get<int>() != kVersion)
      r.fail("version", fmt::format("is {}: this build reads version {} (and the unversioned "
                                    "forms before it)",
                                    j["version"].get<int>(), kVersion));
    s.data = r.path("data");
    s.model = r.path("model", true);
    s.binUm = r.positive("bin_um");
    s.panel = r.genes("panel");
    s.atlas = r.path("atlas");
    s.atlasResolutionUm = r.resolution("atlas_resolution_um");
    if (j.contains("read")) {
      try {
        s.read = readOptionsFromJson(j["read"], document.parent_path());
      } catch (const std::invalid_argument& e) {
        r.fail("read", e.what());
      }
    }
  } else if (j.contains("dataset")) {
    // The studio before version 2: binned for its model, in the bundled atlas.
    const SourceReader r(document, j, "studio, unversioned");
    s.data = r.path("dataset");
    s.model = r.path("model");
    s.binUm = r.positive("bin_um");
    s.atlas = bundledAtlasDirectory();
  } else {
    const SourceReader r(document, j, "teramind paint, unversioned");
    s.data = r.path("data");
    s.binUm = r.positive("bin_um");
    s.panel = r.genes("panel");
    s.atlas = r.path("atlas");
    s.atlasResolutionUm = r.resolution("atlas_resolution_um");
  }
  return s;
}

BinnedSource binConditionSource(const ConditionSource& source, ReadProgress progress) {
  const auto dataset = loadSpatialDataset(source.data, progress, DatasetContent::All, source.read);
  if (source.model.empty()) return binOnPanel(source, dataset);
  const auto model = MorphologyModel::load(source.model);
  return binForModel(dataset, model);
}

BinnedSource binConditionSource(const ConditionSource& source, const MorphologyModel& model,
                                ReadProgress progress) {
  const auto dataset = loadSpatialDataset(source.data, progress, DatasetContent::All, source.read);
  return source.model.empty() ? binOnPanel(source, dataset) : binForModel(dataset, model);
}

}  // namespace teramind
