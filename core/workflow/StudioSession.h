#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/DatasetReadOptions.h"
#include "workflow/GenerationRequest.h"

namespace teramind {

// A studio session on disk (JSON): which data, model and atlas were open, the camera, the
// selected structure, the gene panel, the painted condition (a ConditionDocument beside it)
// and the last job's settings and output, and whether the attention was computed (it is
// computed again on restore: it is deterministic and cheaper to redo than to store). Paths are
// stored absolute. Version 1 files (the job's region as a UI ordinal) are still read. The
// dataset's read options (a spot table's column map …) are kept under "read" when given, so a
// session reopens its data without asking; sessions without them read as before.
struct StudioSession {
  static constexpr const char* kFormat = "teramind-studio-session";
  static constexpr int kVersion = 2;

  std::filesystem::path atlas;
  int atlasResolutionUm = 0;
  std::filesystem::path dataset, model;
  DatasetReadOptions read;  // how `dataset` was read (io/DatasetReadOptionsJson.h)
  std::string structure;    // acronym; empty: none
  std::vector<std::string> panel;
  std::string overlayGene;
  struct Camera {
    std::array<double, 3> position{}, focalPoint{}, viewUp{0, -1, 0};
    double viewAngle = 30;
  };
  std::optional<Camera> camera;
  std::filesystem::path condition;  // a ConditionDocument's JSON file; empty: the measured one
  struct Job {
    std::uint64_t seed = 0;
    int steps = 15, tilePatches = 4, plane = 0;
    std::string sampler = "blend";  // a samplerNames() entry; sessions without it: blend
    RegionKind region = RegionKind::DemoBlock;
    bool allPlanes = false;
    std::filesystem::path output;
  } job;
  bool attention = false;  // the attention was computed (on job.plane, tracking the panel)

  // Atomic write; throws FileError.
  void save(const std::filesystem::path& file) const;
  // Throws FileError naming the file and the problem (not JSON, another format, a bad field).
  static StudioSession load(const std::filesystem::path& file);
};

}  // namespace teramind
