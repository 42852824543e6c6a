#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "conditions/Selection.h"
#include "workflow/GenerationRegion.h"
#include "workflow/RegionGeneration.h"

namespace teramind {

class Atlas;

// What a front end asks a generation job to cover, in its own words: the studio's job dock and
// `teramind generate` both fill one and resolve it here, so the same request names the same
// region and makes the same job.
enum class RegionKind { WholeSection, DemoBlock, Box, Structure, Polygon };
// "whole-section", "demo-block", "box", "structure", "polygon" (as session files store them).
const char* regionKindName(RegionKind kind);
std::optional<RegionKind> regionKindFromName(std::string_view name);

// The demo's 3 × 3 tiles of 4 patches (bins x, y, w, h): its last tile row is the bundled
// model's held-out rows (bins y 24–32), the two above were trained on.
inline constexpr std::array<int, 4> kDemoBlock = {0, 8, 24, 24};
// Seconds between resume checkpoints, for the studio and the CLI (--checkpoint-seconds).
inline constexpr double kCheckpointSeconds = 30;

struct RegionRequest {
  RegionKind kind = RegionKind::WholeSection;
  std::array<int, 4> box{};                 // Box: bins x, y, width, height
  std::string structure;                    // Structure: an acronym (any case)
  std::optional<PolygonSelection> polygon;  // Polygon: section µm
  int plane = 0;                            // first output plane
  bool allPlanes = false;                   // every plane pair, one after another
};

// The request as a RegionChoice with the description messages use ("CA1 (Field CA1) as placed
// on the section", "the demo's 3 x 3 tiles", "the whole section", "a polygon of 5 vertices";
// a box is described by resolveGenerationRegion). `atlas` is needed for a structure only.
// Throws std::invalid_argument naming the problem (unknown acronym, no atlas, empty box …).
RegionChoice regionChoiceFor(const RegionRequest& request, const Atlas* atlas);

// Tiles on every core (one LibTorch thread each), checkpoints every kCheckpointSeconds, the
// sharded v3 layout, batch 0 (the device's choice), the blend sampler; steps, seed and tile
// size at their defaults.
RegionGenerationSettings defaultGenerationSettings();

// Where a job that must not reuse `wanted` writes instead: `wanted` when it is absent or an
// empty folder, else the first free of wanted-2.zarr, wanted-3.zarr … (the extension kept).
// Throws FileError naming `wanted` after 9999 tries.
std::filesystem::path nextFreeOutput(const std::filesystem::path& wanted);

}  // namespace teramind
