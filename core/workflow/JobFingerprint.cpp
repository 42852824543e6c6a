#include "workflow/JobFingerprint.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "conditions/ConditionEditJson.h"

namespace teramind {

std::string stableHash(std::string_view bytes) {
  // http://www.isthe.com/chongo/tech/comp/fnv/ : offset basis and prime of the 64-bit variant.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("fnv1a64:{:016x}", hash);
}

std::string editsDigest(const std::vector<ConditionEdit>& edits) {
  if (edits.empty()) return {};
  std::string canonical;
  for (const auto& edit : edits)
    // nlohmann's object is a std::map: dump() writes keys sorted, numbers as written by
    // editToJson (shortest round-trip text), so the line depends on the edit only.
    canonical += nlohmann::json::parse(editToJson(edit)).dump() + "\n";
  return stableHash(canonical);
}

std::string generationJobDescription(const std::filesystem::path& model,
                                     const std::filesystem::path& data,
                                     const std::vector<ConditionEdit>& edits,
                                     const DatasetReadOptions& read) {
  // One spelling per file: "./a/../b/" and "b" name the same job.
  const auto absolute = [](const std::filesystem::path& p) {
    if (p.empty()) return std::string();
    auto normal = std::filesystem::absolute(p).lexically_normal();
    if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path())
      normal = normal.parent_path();
    return normal.string();
  };
  nlohmann::json job{
      {"model", absolute(model)}, {"data", absolute(data)}, {"edits", editsDigest(edits)}};
  if (read.columns) job["columns"] = formatSpotTableColumns(*read.columns);
  if (read.pixelUm) job["pixel_um"] = *read.pixelUm;
  if (read.minQv) job["min_qv"] = *read.minQv;
  if (read.landmarks) job["landmarks"] = absolute(*read.landmarks);
  return job.dump();
}

DatasetReadOptions jobReadOptions(const std::string& description) {
  DatasetReadOptions read;
  const auto job = nlohmann::json::parse(description);
  const auto number = [&](const char* key) -> std::optional<double> {
    if (!job.contains(key)) return std::nullopt;
    if (!job[key].is_number()) throw std::invalid_argument(std::string(key) + " is not a number");
    return job[key].get<double>();
  };
  const auto text = [&](const char* key) -> std::optional<std::string> {
    if (!job.contains(key)) return std::nullopt;
    if (!job[key].is_string()) throw std::invalid_argument(std::string(key) + " is not a string");
    return job[key].get<std::string>();
  };
  if (const auto columns = text("columns")) {
    try {
      read.columns = parseSpotTableColumns(*columns);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("columns: ") + e.what());
    }
  }
  read.pixelUm = number("pixel_um");
  read.minQv = number("min_qv");
  if (const auto landmarks = text("landmarks")) read.landmarks = *landmarks;
  return read;
}

std::string readJobFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot open");
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace teramind
