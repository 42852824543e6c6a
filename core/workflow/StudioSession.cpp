#include "workflow/StudioSession.h"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/DatasetReadOptionsJson.h"
#include "workflow/GenerationSampler.h"

namespace teramind {
namespace {

std::string absoluteText(const std::filesystem::path& p) {
  return p.empty() ? std::string() : std::filesystem::absolute(p).lexically_normal().string();
}

// A whole-number field of `object` (its default when absent) in T's range. nlohmann would
// convert a float such as 1e22 to T with undefined behaviour, so the value is checked first.
template <typename T>
T wholeNumber(const std::filesystem::path& file, const nlohmann::json& object, const char* key,
              T fallback) {
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  const auto& v = *it;
  const auto bad = [&] {
    return FileError(file, std::string("has a bad field: '") + key + "' is " + v.dump() +
                               ", not a whole number in range");
  };
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > std::uint64_t(std::numeric_limits<T>::max())) throw bad();
    return static_cast<T>(u);
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < std::int64_t(std::numeric_limits<T>::min()) ||
        (i > 0 && std::uint64_t(i) > std::uint64_t(std::numeric_limits<T>::max())))
      throw bad();
    return static_cast<T>(i);
  }
  if (v.is_number_float()) {
    // Written by hand as 100.0: accepted when whole and in range.
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || d < double(std::numeric_limits<T>::min()) ||
        d >= double(std::numeric_limits<T>::max()))
      throw bad();
    return static_cast<T>(d);
  }
  throw bad();
}

}  // namespace

void StudioSession::save(const std::filesystem::path& file) const {
  nlohmann::json j = {{"format", kFormat},
                      {"version", kVersion},
                      {"atlas", absoluteText(atlas)},
                      {"atlas_resolution_um", atlasResolutionUm},
                      {"dataset", absoluteText(dataset)},
                      {"model", absoluteText(model)},
                      {"structure", structure},
                      {"panel", panel},
                      {"overlay_gene", overlayGene},
                      {"condition", absoluteText(condition)},
                      {"job",
                       {{"seed", job.seed},
                        {"steps", job.steps},
                        {"tile_patches", job.tilePatches},
                        {"sampler", job.sampler},
                        {"plane", job.plane},
                        {"region", regionKindName(job.region)},
                        {"all_planes", job.allPlanes},
                        {"output", absoluteText(job.output)}}},
                      {"attention", attention}};
  if (hasReadOptions(read)) j["read"] = readOptionsToJson(read);
  if (camera)
    j["camera"] = {{"position", camera->position},
                   {"focal_point", camera->focalPoint},
                   {"view_up", camera->viewUp},
                   {"view_angle", camera->viewAngle}};
  writeTextFileAtomically(file, j.dump(2) + "\n");
}

StudioSession StudioSession::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    throw FileError(file, std::filesystem::exists(file) ? "cannot be read" : "file does not exist");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(file, std::string("is not JSON: ") + e.what());
  }
  const auto* format = j.is_object() && j.contains("format") ? &j["format"] : nullptr;
  if (!format || !format->is_string() || format->get<std::string>() != kFormat)
    throw FileError(file, std::string("is not a studio session (format is not '") + kFormat + "')");
  // A version that is not an integer is an unknown version, not a type error.
  const auto* versionField = j.contains("version") ? &j["version"] : nullptr;
  const int version =
      versionField && versionField->is_number_integer() ? versionField->get<int>() : 0;
  if (version != 1 && version != kVersion)
    throw FileError(file, "has session version " + j.value("version", nlohmann::json()).dump() +
                              "; this studio reads versions 1 and " + std::to_string(kVersion));
  StudioSession s;
  try {
    s.atlas = j.value("atlas", std::string());
    s.atlasResolutionUm = wholeNumber(file, j, "atlas_resolution_um", 0);
    s.dataset = j.value("dataset", std::string());
    s.model = j.value("model", std::string());
    if (j.contains("read")) {
      try {
        s.read = readOptionsFromJson(j["read"], file.parent_path());
      } catch (const std::invalid_argument& e) {
        throw FileError(file, std::string("has a bad field: ") + e.what());
      }
    }
    s.structure = j.value("structure", std::string());
    s.panel = j.value("panel", std::vector<std::string>());
    s.overlayGene = j.value("overlay_gene", std::string());
    s.condition = j.value("condition", std::string());
    if (j.contains("camera")) {
      const auto& c = j.at("camera");
      s.camera =
          Camera{c.at("position").get<std::array<double, 3>>(),
                 c.at("focal_point").get<std::array<double, 3>>(),
                 c.at("view_up").get<std::array<double, 3>>(), c.at("view_angle").get<double>()};
    }
    if (j.contains("job")) {
      const auto& k = j.at("job");
      s.job.seed = wholeNumber(file, k, "seed", std::uint64_t(0));
      s.job.steps = wholeNumber(file, k, "steps", 15);
      s.job.tilePatches = wholeNumber(file, k, "tile_patches", 4);
      s.job.sampler = k.value("sampler", std::string("blend"));
      s.job.plane = wholeNumber(file, k, "plane", 0);
      if (version == 1) {
        // Version 1 kept the job dock's combo-box ordinal.
        constexpr RegionKind kVersion1Regions[] = {RegionKind::Structure, RegionKind::DemoBlock,
                                                   RegionKind::WholeSection};
        const int ordinal = wholeNumber(file, k, "region", 1);
        if (ordinal < 0 || ordinal > 2) throw FileError(file, "has job settings out of range");
        s.job.region = kVersion1Regions[ordinal];
      } else {
        const auto name = k.value("region", std::string("demo-block"));
        const auto kind = regionKindFromName(name);
        if (!kind || *kind == RegionKind::Box || *kind == RegionKind::Polygon)
          throw FileError(file, "has an unknown job region '" + name + "'");
        s.job.region = *kind;
      }
      s.job.allPlanes = k.value("all_planes", false);
      s.job.output = k.value("output", std::string());
    }
    s.attention = j.value("attention", false);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(file, std::string("has a bad field: ") + e.what());
  }
  if (s.job.steps < 1 || s.job.steps > 1000 || s.job.tilePatches < 1 || s.job.tilePatches > 64 ||
      s.job.plane < 0)
    throw FileError(file, "has job settings out of range");
  try {
    samplerFromName(s.job.sampler);
  } catch (const std::invalid_argument& e) {
    throw FileError(file, std::string("has job settings with an ") + e.what());
  }
  return s;
}

}  // namespace teramind
