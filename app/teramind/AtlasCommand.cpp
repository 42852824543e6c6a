#include <fmt/core.h>

#include "Commands.h"
#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/VolumeFile.h"

namespace teramind::cli {
namespace {

struct AtlasOptions {
  std::string directory;  // empty: the bundled atlas
  int resolutionUm = 0;
  std::string text;
  std::string maskFile;  // region: also write the region mask here
};

std::filesystem::path atlasDirectory(const AtlasOptions& o) {
  return o.directory.empty() ? bundledAtlasDirectory() : std::filesystem::path(o.directory);
}

void addAtlasLocation(CLI::App* cmd, AtlasOptions& o) {
  cmd->add_option("--atlas", o.directory, "Atlas directory (default: the bundled 100 µm CCFv3)");
  cmd->add_option("--resolution", o.resolutionUm, "Resolution in µm (default: finest present)")
      ->check(CLI::IsMember({10, 25, 50, 100}));
}

void find(const AtlasOptions& o) {
  const auto dir = atlasDirectory(o);
  const auto ontology =
      AtlasOntology::fromFile(AtlasFiles::inDirectory(dir, o.resolutionUm).ontology);
  const auto matches = ontology.search(o.text);
  for (const Structure* s : matches) fmt::print("{:>10}  {:<12} {}\n", s->id, s->acronym, s->name);
  fmt::print("{} structure{} match '{}'\n", matches.size(), matches.size() == 1 ? "" : "s", o.text);
}

void region(const AtlasOptions& o) {
  const Atlas atlas = Atlas::load(atlasDirectory(o), o.resolutionUm);
  const Structure& s = atlas.ontology().byAcronym(o.text);
  const auto [left, right] = atlas.hemisphereVoxelCounts(s.id);
  fmt::print("id: {}\n", s.id);
  fmt::print("acronym: {}\n", s.acronym);
  fmt::print("name: {}\n", s.name);
  fmt::print("path: {}\n", atlas.ontology().acronymPath(s.id));
  fmt::print("color: #{:02X}{:02X}{:02X}\n", s.color[0], s.color[1], s.color[2]);
  fmt::print("resolution_um: {}\n", atlas.resolutionUm());
  fmt::print("voxels: {}\n", atlas.voxelCount(s.id));
  fmt::print("voxels_left_right: {} {}\n", left, right);
  fmt::print("volume_mm3: {:.4f}\n", atlas.volumeMm3(s.id));
  if (const auto box = atlas.boundingBox(s.id)) {
    const auto end = box->end();
    fmt::print("bbox_voxels: [{}, {}) x [{}, {}) x [{}, {})\n", box->begin[0], end[0],
               box->begin[1], end[1], box->begin[2], end[2]);
    const double r = atlas.resolutionUm();
    fmt::print("bbox_um (voxel centres): AP {}..{}  DV {}..{}  LR {}..{}\n", box->begin[0] * r,
               (end[0] - 1) * r, box->begin[1] * r, (end[1] - 1) * r, box->begin[2] * r,
               (end[2] - 1) * r);
  } else {
    fmt::print("bbox_voxels: none (the structure labels no voxel at this resolution)\n");
  }
  if (!o.maskFile.empty()) {
    writeVolume(o.maskFile, atlas.regionMask(s.id));
    fmt::print("mask: {}\n", o.maskFile);
  }
}

}  // namespace

void addAtlasCommand(CLI::App& app) {
  static AtlasOptions findOptions, regionOptions;
  auto* atlas = app.add_subcommand("atlas", "Query the Allen CCFv3 atlas and its ontology");
  atlas->require_subcommand(1);

  auto* findCmd =
      atlas->add_subcommand("find", "List structures whose acronym or name contains TEXT");
  findCmd->add_option("TEXT", findOptions.text, "Text to search (case-insensitive)")->required();
  addAtlasLocation(findCmd, findOptions);
  findCmd->callback([] { find(findOptions); });

  auto* regionCmd =
      atlas->add_subcommand("region", "Describe a structure: path, voxels, volume, bounds");
  regionCmd->add_option("ACRONYM", regionOptions.text, "Structure acronym, e.g. CA1")->required();
  addAtlasLocation(regionCmd, regionOptions);
  regionCmd->add_option("--mask", regionOptions.maskFile,
                        "Write the region mask (uint8, CCF frame): .nrrd, .nii.gz, .tif or .vdb");
  regionCmd->callback([] { region(regionOptions); });
}

}  // namespace teramind::cli
