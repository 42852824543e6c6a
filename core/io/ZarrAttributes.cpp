#include "io/ZarrAttributes.h"

#include <fstream>

#include <fmt/core.h>

#include "common/FileError.h"
#include "io/BoundedJson.h"

namespace teramind {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {
constexpr std::uintmax_t kMaxAttributesBytes = 16u << 20;
constexpr int kMaxJsonDepth = 64;  // spatialdata's attributes nest about 8 deep
}  // namespace

fs::path zarrAttributesFile(const fs::path& group) {
  std::error_code ec;
  if (fs::is_regular_file(group / "zarr.json", ec)) return group / "zarr.json";
  if (fs::is_regular_file(group / ".zattrs", ec)) return group / ".zattrs";
  return {};
}

json readZarrAttributes(const fs::path& file) {
  if (file.empty()) return json::object();
  std::error_code ec;
  const auto bytes = fs::file_size(file, ec);
  if (ec) throw FileError(file, "cannot be read: " + ec.message());
  if (bytes > kMaxAttributesBytes)
    throw FileError(file, fmt::format("{} bytes, more than Zarr attributes may take", bytes));
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot be opened");
  json j = parseBoundedJson(in, file, kMaxJsonDepth);
  if (!j.is_object()) throw FileError(file, "is not a JSON object");
  if (file.filename() == "zarr.json") {
    json attributes = j.value("attributes", json::object());
    if (!attributes.is_object()) throw FileError(file, "attributes: not an object");
    return attributes;
  }
  return j;
}

const json& ngffAttribute(const json& attributes, const char* key) {
  static const json none;
  const auto ome = attributes.find("ome");
  if (ome != attributes.end() && ome->is_object() && ome->contains(key)) return (*ome)[key];
  const auto it = attributes.find(key);
  return it == attributes.end() ? none : *it;
}

}  // namespace teramind
