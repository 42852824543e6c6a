#include "io/DatasetReadOptionsJson.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace teramind {

bool hasReadOptions(const DatasetReadOptions& options) {
  return options.columns || options.pixelUm || options.minQv || options.landmarks;
}

nlohmann::json readOptionsToJson(const DatasetReadOptions& options) {
  nlohmann::json j = nlohmann::json::object();
  if (options.columns) j["columns"] = formatSpotTableColumns(*options.columns);
  if (options.pixelUm) j["pixel_um"] = *options.pixelUm;
  if (options.minQv) j["min_qv"] = *options.minQv;
  if (options.landmarks)
    j["landmarks"] = std::filesystem::absolute(*options.landmarks).lexically_normal().string();
  return j;
}

bool sameReadOptions(const DatasetReadOptions& a, const DatasetReadOptions& b) {
  return readOptionsToJson(a) == readOptionsToJson(b);
}

DatasetReadOptions readOptionsFromJson(const nlohmann::json& object,
                                       const std::filesystem::path& base) {
  if (!object.is_object()) throw std::invalid_argument("read options are not a JSON object");
  DatasetReadOptions options;
  const auto text = [&](const char* key) -> std::optional<std::string> {
    const auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    if (!it->is_string() || it->get<std::string>().empty())
      throw std::invalid_argument(std::string("read option '") + key +
                                  "' must be a non-empty string");
    return it->get<std::string>();
  };
  // µm and qv: finite and positive (qv may be 0: keep everything).
  const auto number = [&](const char* key, bool zeroAllowed) -> std::optional<double> {
    const auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    const double v = it->is_number() ? it->get<double>() : NAN;
    if (!std::isfinite(v) || v < 0 || (v == 0 && !zeroAllowed))
      throw std::invalid_argument(std::string("read option '") + key + "' is " + it->dump() +
                                  (zeroAllowed ? ", not a number ≥ 0" : ", not a positive number"));
    return v;
  };
  if (const auto columns = text("columns")) {
    try {
      options.columns = parseSpotTableColumns(*columns);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("read option 'columns': ") + e.what());
    }
  }
  options.pixelUm = number("pixel_um", false);
  options.minQv = number("min_qv", true);
  if (const auto landmarks = text("landmarks")) {
    const std::filesystem::path p = *landmarks;
    options.landmarks = p.is_absolute() || base.empty() ? p : (base / p).lexically_normal();
  }
  return options;
}

}  // namespace teramind
