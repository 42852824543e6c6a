#include "workflow/JobFingerprint.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "conditions/ConditionEditJson.h"
#include "io/DatasetReadOptionsJson.h"

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
  job.update(readOptionsToJson(read));  // the options given, under the CLI flags' names
  return job.dump();
}

DatasetReadOptions jobReadOptions(const std::string& description) {
  const auto job = nlohmann::json::parse(description);
  nlohmann::json read = nlohmann::json::object();
  for (const char* key : {"columns", "pixel_um", "min_qv", "landmarks"})
    if (job.contains(key)) read[key] = job[key];
  return readOptionsFromJson(read);
}

std::string readJobFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot open");
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace teramind
