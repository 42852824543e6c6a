#include "studio/StudioFileKind.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "conditions/ConditionDocument.h"
#include "workflow/StudioSession.h"

namespace teramind {

StudioFileKind studioFileKind(const std::filesystem::path& path) {
  if (path.extension() == ".safetensors") return StudioFileKind::Model;
  if (path.extension() != ".json" || !std::filesystem::is_regular_file(path))
    return StudioFileKind::Dataset;
  // Only the top-level "format" is needed; a JSON file of a few MB at most is read whole.
  std::ifstream in(path);
  const auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    const auto format = json.value("format", std::string());
    if (format == StudioSession::kFormat) return StudioFileKind::Session;
    if (format == ConditionDocument::kFormat) return StudioFileKind::ConditionDocument;
  }
  return StudioFileKind::Dataset;
}

}  // namespace teramind
