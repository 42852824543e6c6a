#include "io/MerscopeRegion.h"

#include <algorithm>
#include <regex>

#include <fmt/core.h>

#include "common/FileError.h"
#include "io/SpatialDataset.h"

namespace teramind {
namespace fs = std::filesystem;

std::optional<fs::path> merscopeTranscriptsFile(const fs::path& folder) {
  for (const char* name : {"detected_transcripts.csv", "detected_transcripts.csv.gz"})
    if (fs::is_regular_file(folder / name)) return folder / name;
  return std::nullopt;
}

SpatialDataset loadMerscopeRegion(const fs::path& folder, const ReadProgress& progress,
                                  bool withTranscripts) {
  const auto transcripts = merscopeTranscriptsFile(folder);
  if (!transcripts) throw FileError(folder, "holds no detected_transcripts.csv[.gz]");
  SpatialDataset dataset;
  dataset.format = SpatialFormat::MerscopeRegion;
  dataset.source = folder;
  dataset.name = fs::absolute(folder).lexically_normal().filename().string();
  if (dataset.name.empty()) dataset.name = fs::absolute(folder).parent_path().filename().string();

  const fs::path images = folder / "images";
  if (fs::is_directory(images)) {
    static const std::regex mosaic(R"(mosaic_(.+)_z([0-9]+)\.tiff?)", std::regex::icase);
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(images, error)) {
      const std::string name = entry.path().filename().string();
      std::smatch match;
      if (!entry.is_regular_file() || !std::regex_match(name, match, mosaic)) continue;
      const std::string plane = match[2].str();
      if (plane.size() > 4)
        throw FileError(entry.path(), "names a z-plane beyond what a section holds");
      dataset.stains.push_back({match[1].str(), std::stoi(plane), entry.path()});
    }
    if (error) throw FileError(images, "cannot be listed: " + error.message());
    std::sort(dataset.stains.begin(), dataset.stains.end(), [](const auto& a, const auto& b) {
      return std::tie(a.stain, a.plane) < std::tie(b.stain, b.plane);
    });
    const fs::path transform = images / "micron_to_mosaic_pixel_transform.csv";
    if (fs::is_regular_file(transform))
      dataset.micronToPixelTransform = transform;
    else if (!dataset.stains.empty())
      throw FileError(transform, "is missing: the mosaics cannot be placed on the transcripts");
  }
  if (withTranscripts) dataset.data = readVizgenTranscripts(*transcripts, progress);
  return dataset;
}

}  // namespace teramind
