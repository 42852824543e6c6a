// A SpatialData store as the SpatialDataset the engine and the studio use (declared in
// io/SpatialDataStore.h): which elements become transcripts, stains and outlines, and the notes
// `info` prints about what was chosen and left out.

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common/FileError.h"
#include "common/NameList.h"
#include "io/SpatialDataStore.h"
#include "io/SpatialDataset.h"

namespace teramind {
namespace fs = std::filesystem;

SpatialDataset loadSpatialDataStore(const fs::path& path, const ReadProgress& progress,
                                    DatasetContent content) {
  const SpatialDataStore store(path);
  const std::string system = store.defaultCoordinateSystem();
  SpatialDataset dataset;
  dataset.format = SpatialFormat::SpatialDataStore;
  dataset.source = path;
  dataset.name = store.root().stem().string();
  if (content == DatasetContent::All) {
    const auto* points = store.pointsToRead();
    if (!points) {
      std::vector<std::string> names;
      for (const auto& e : store.elements())
        names.push_back(std::string(SpatialDataStore::kindName(e.kind)) + "/" + e.name);
      throw FileError(path, "holds no points element (transcripts) to read; it holds: " +
                                (names.empty() ? std::string("nothing") : nameList(names)));
    }
    dataset.name += "/" + points->name;
    dataset.readNotes.push_back(
        fmt::format("points element '{}' ({})", points->name, points->path.string()));
    dataset.data = store.readPoints(*points, system, progress);
  } else {
    dataset.data = TranscriptTable{};
  }
  std::vector<std::string> leftOut;  // elements placed only in other coordinate systems
  for (const auto* image : store.elementsOf(SpatialDataStore::Kind::Images)) {
    if (std::find(image->systems.begin(), image->systems.end(), system) == image->systems.end()) {
      leftOut.push_back("images/" + image->name);
      continue;
    }
    for (const auto& c : store.imageChannels(*image, system))
      dataset.stains.push_back({c.name, c.plane, image->path,
                                ZarrImageChannel{c.level0, c.axes, c.channel, c.extent, c.z}});
  }
  for (const auto* shapes : store.elementsOf(SpatialDataStore::Kind::Shapes)) {
    if (std::find(shapes->systems.begin(), shapes->systems.end(), system) ==
        shapes->systems.end()) {
      leftOut.push_back("shapes/" + shapes->name);
      continue;
    }
    CellBoundaryFile boundaries;
    boundaries.file = shapes->path;
    boundaries.compartment = shapes->name;
    boundaries.spatialDataSystem = system;
    dataset.cellBoundaries.push_back(std::move(boundaries));
  }
  std::vector<std::string> systems = store.coordinateSystems();
  dataset.readNotes.push_back(
      fmt::format("coordinate system '{}' (the store has: {})", system, nameList(systems)));
  if (const auto note = store.unitNote(system); !note.empty()) dataset.readNotes.push_back(note);
  if (!leftOut.empty())
    dataset.readNotes.push_back(
        fmt::format("not placed in '{}', left out: {}", system, nameList(leftOut)));
  return dataset;
}

}  // namespace teramind
