#include "io/BoundedJson.h"

#include <fmt/core.h>

#include "common/FileError.h"

namespace teramind {

namespace {
struct TooDeep {};
}  // namespace

nlohmann::json parseBoundedJson(std::istream& in, const std::filesystem::path& file, int maxDepth) {
  try {
    return nlohmann::json::parse(
        in, [maxDepth](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
          if (depth > maxDepth) throw TooDeep{};
          return true;
        });
  } catch (const TooDeep&) {
    throw FileError(file, fmt::format("JSON nested deeper than {} levels", maxDepth));
  } catch (const nlohmann::json::exception& e) {
    throw FileError(file, std::string("not JSON: ") + e.what());
  }
}

std::string shownJson(const nlohmann::json& value) {
  auto text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

}  // namespace teramind
