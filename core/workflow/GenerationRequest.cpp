#include "workflow/GenerationRequest.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <fmt/core.h>

#include "atlas/Atlas.h"
#include "common/FileError.h"
#include "workflow/GenerationSampler.h"

namespace teramind {
namespace {

constexpr std::array<std::pair<RegionKind, const char*>, 5> kKindNames = {{
    {RegionKind::WholeSection, "whole-section"},
    {RegionKind::DemoBlock, "demo-block"},
    {RegionKind::Box, "box"},
    {RegionKind::Structure, "structure"},
    {RegionKind::Polygon, "polygon"},
}};

}  // namespace

const char* regionKindName(RegionKind kind) {
  for (const auto& [k, name] : kKindNames)
    if (k == kind) return name;
  return "whole-section";  // unreachable: every kind is listed
}

std::optional<RegionKind> regionKindFromName(std::string_view name) {
  for (const auto& [k, n] : kKindNames)
    if (name == n) return k;
  return std::nullopt;
}

RegionChoice regionChoiceFor(const RegionRequest& request, const Atlas* atlas) {
  RegionChoice choice;
  choice.plane = request.plane;
  choice.allPlanes = request.allPlanes;
  switch (request.kind) {
    case RegionKind::WholeSection:
      choice.description = "the whole section";
      break;
    case RegionKind::DemoBlock:
      choice.box = kDemoBlock;
      choice.description = "the demo's 3 x 3 tiles";
      break;
    case RegionKind::Box: {
      const auto& b = request.box;
      if (b[2] <= 0 || b[3] <= 0)
        throw std::invalid_argument(fmt::format("a box of {} x {} bins is empty", b[2], b[3]));
      choice.box = b;  // described by resolveGenerationRegion: "bins x [..) y [..)"
      break;
    }
    case RegionKind::Structure: {
      if (request.structure.empty()) throw std::invalid_argument("no structure was chosen");
      if (!atlas)
        throw std::invalid_argument(fmt::format(
            "structure '{}' needs an atlas to place it on the section", request.structure));
      const Structure* s = atlas->ontology().findAcronym(request.structure);
      if (!s) throw std::invalid_argument(fmt::format("unknown acronym '{}'", request.structure));
      choice.selection = AtlasRegionSelection{s->id, std::nullopt};
      choice.description = fmt::format("{} ({}) as placed on the section", s->acronym, s->name);
      break;
    }
    case RegionKind::Polygon: {
      if (!request.polygon) throw std::invalid_argument("no polygon was drawn");
      request.polygon->validate();
      choice.description =
          fmt::format("a polygon of {} vertices", request.polygon->verticesUm.size());
      choice.selection = *request.polygon;
      break;
    }
  }
  return choice;
}

RegionGenerationSettings defaultGenerationSettings() {
  RegionGenerationSettings settings;
  settings.workers = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  settings.checkpointSeconds = kCheckpointSeconds;
  settings.format = OmeZarrFormat::V3Sharded;
  settings.batch = 0;
  settings.sampling.decoders = samplerFromName("blend").decoders;
  return settings;
}

std::filesystem::path nextFreeOutput(const std::filesystem::path& wanted) {
  const auto isFree = [](const std::filesystem::path& p) {
    std::error_code error;
    if (!std::filesystem::exists(p, error)) return !error;
    return std::filesystem::is_directory(p, error) && std::filesystem::is_empty(p, error);
  };
  if (isFree(wanted)) return wanted;
  // "out.zarr/" names the folder "out.zarr".
  const auto folder = wanted.has_filename() ? wanted : wanted.parent_path();
  const auto stem = folder.stem().string(), extension = folder.extension().string();
  for (int n = 2; n < 10000; ++n) {
    auto candidate = folder.parent_path() / fmt::format("{}-{}{}", stem, n, extension);
    if (isFree(candidate)) return candidate;
  }
  throw FileError(wanted, "no free output name beside it (tried -2 … -9999)");
}

}  // namespace teramind
