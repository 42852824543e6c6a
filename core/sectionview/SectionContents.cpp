#include "sectionview/SectionContents.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>

#include "atlas/Atlas.h"
#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "io/SpatialDataset.h"
#include "sectionview/AtlasLabelSource.h"
#include "sectionview/CellOutlineIndex.h"
#include "sectionview/NgffPyramidSource.h"
#include "sectionview/RasterSource.h"
#include "sectionview/TranscriptIndex.h"

namespace teramind {
namespace {

// Pixels of the molecule density (the points layer at low zoom) and of a gene's count image
// (coarser: one gene is sparse, and a 2 µm count image of it is mostly zeros and ones).
constexpr double kDensityPixelUm = 2;
constexpr double kGeneCountPixelUm = 4;
// Stains that are not TIFFs are read whole into memory: at most this many bytes of float
// pixels for all planes of one stain (its side reduced to fit), and never more than 4096 px.
constexpr double kRasterBytes = double(512) * 1024 * 1024;
constexpr int kRasterMaxSide = 4096;

LayerColormap stainColormap(const std::string& stain) {
  const auto name = asciiLower(stain);
  if (name.find("dapi") != std::string::npos) return LayerColormap::Blue;
  if (name.find("polyt") != std::string::npos) return LayerColormap::Green;
  return LayerColormap::Gray;
}

std::string valueUnit(const PyramidInfo& info) {
  if (info.valueMax == 255) return "8-bit";
  if (info.valueMax == 65535) return "16-bit";
  return "";
}

CompareSide sideOf(ImageRole role) {
  switch (role) {
    case ImageRole::Real:
      return CompareSide::Left;
    case ImageRole::Generated:
      return CompareSide::Right;
    case ImageRole::Data:
      break;
  }
  return CompareSide::Both;
}

std::string roleName(ImageRole role) {
  switch (role) {
    case ImageRole::Real:
      return "real";
    case ImageRole::Generated:
      return "generated";
    case ImageRole::Data:
      break;
  }
  return "data";
}

SectionLayer imageLayer(const std::string& name, int source, int channel, const PyramidInfo& info,
                        const std::string& channelName, ImageRole role) {
  SectionLayer layer;
  layer.name = name;
  layer.kind = SectionLayerKind::Image;
  layer.source = source;
  layer.channel = channel;
  layer.unit = valueUnit(info);
  layer.style.colormap = stainColormap(channelName);
  layer.style.blending = LayerBlending::Additive;
  layer.style.contrastMin = info.contrastMin;
  layer.style.contrastMax = info.contrastMax;
  layer.style.side = sideOf(role);
  layer.style.colourBar = false;
  return layer;
}

RectUm unite(const RectUm& a, const RectUm& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

RectUm levelZeroExtent(const PyramidInfo& info) {
  return {info.originXUm, info.originYUm, info.originXUm + info.widthUm(),
          info.originYUm + info.heightUm()};
}

// A stain that is not a TIFF (the demo's JPEG/PNG, a SpatialData image's channel), read whole
// (reduced to fit kRasterBytes) into memory, its planes by plane number (NaN where missing).
std::shared_ptr<RasterSource> readStainRaster(const SpatialDataset& dataset,
                                              const std::vector<StainImage>& planes,
                                              const std::string& name,
                                              std::vector<std::string>& notes) {
  const int planeCount = planes.back().plane + 1;
  const int side =
      int(std::clamp(std::sqrt(kRasterBytes / 4 / planeCount), 256.0, double(kRasterMaxSide)));
  std::vector<std::vector<float>> values(static_cast<std::size_t>(planeCount));
  std::int64_t width = 0, height = 0;
  double pixelUm = 1, x0 = 0, y0 = 0;
  for (const auto& stain : planes) {
    const auto image = dataset.readStain(stain, side);
    const auto& dims = image.dims();
    const double px = image.frame().spacing()[0];
    const double ox = image.frame().origin()[0] - px / 2, oy = image.frame().origin()[1] - px / 2;
    if (width == 0) {
      width = dims[0];
      height = dims[1];
      pixelUm = px;
      x0 = ox;
      y0 = oy;
    } else if (dims[0] != width || dims[1] != height || std::abs(px - pixelUm) > 1e-9 * px ||
               std::abs(ox - x0) > px / 2 || std::abs(oy - y0) > px / 2) {
      notes.push_back(name + ": plane " + std::to_string(stain.plane) + " (" + stain.file.string() +
                      ") left out: it lies elsewhere than plane " +
                      std::to_string(planes.front().plane) + "'s image");
      continue;
    }
    auto& plane = values[std::size_t(stain.plane)];
    plane.assign(image.voxels().begin(), image.voxels().begin() + width * height);
  }
  for (auto& plane : values)
    if (plane.empty())
      plane.assign(std::size_t(width * height), std::numeric_limits<float>::quiet_NaN());
  // Contrast as napari's auto-contrast would start it: the 99.9th percentile of the pixels that
  // hold tissue (a dim 8-bit stain otherwise shows nearly black).
  std::vector<float> lit;
  for (const auto& plane : values)
    for (std::size_t i = 0; i < plane.size(); i += 7)
      if (plane[i] > 0) lit.push_back(plane[i]);
  float top = 255;
  if (!lit.empty()) {
    const auto at = lit.begin() + std::ptrdiff_t(double(lit.size() - 1) * 0.999);
    std::nth_element(lit.begin(), at, lit.end());
    top = std::max(1.0f, *at);
  }
  auto source = std::make_shared<RasterSource>(name, planes.front().stain, width, height, pixelUm,
                                               x0, y0, std::move(values));
  source->setValueRange(255, 0, top);
  source->setPlaneUm(dataset.placement().planeSpacingUm);
  return source;
}

}  // namespace

std::vector<std::string> addDatasetLayers(SectionScene& scene, const SpatialDataset& dataset,
                                          std::shared_ptr<const Atlas> atlas,
                                          const TiffPyramidOptions& pyramids,
                                          const std::function<void(const std::string&)>& progress) {
  std::vector<std::string> notes;
  const auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  RectUm extent;
  int planes = 1;

  // Stains: one layer per stain name, its planes stacked in plane order. Planes outside
  // [0, kMaxPlanes) are left out: a manifest's plane number is no reason to allocate.
  constexpr int kMaxPlanes = 256;
  std::vector<std::string> stainOrder;
  std::map<std::string, std::vector<StainImage>> stainPlanes;
  for (const auto& stain : dataset.stains) {
    if (stain.plane < 0 || stain.plane >= kMaxPlanes) {
      notes.push_back(stain.stain + ": plane " + std::to_string(stain.plane) + " (" +
                      stain.file.string() + ") left out: not a plane number the view shows");
      continue;
    }
    auto& list = stainPlanes[stain.stain];
    if (list.empty()) stainOrder.push_back(stain.stain);
    list.push_back(stain);
  }
  for (const auto& stain : stainOrder) {
    auto& list = stainPlanes[stain];
    std::stable_sort(list.begin(), list.end(),
                     [](const StainImage& a, const StainImage& b) { return a.plane < b.plane; });
    list.erase(
        std::unique(list.begin(), list.end(),
                    [](const StainImage& a, const StainImage& b) { return a.plane == b.plane; }),
        list.end());
    const std::string name = stain + " (real)";
    try {
      std::shared_ptr<const PyramidSource> source;
      const bool tiff = std::all_of(list.begin(), list.end(), [](const StainImage& s) {
        return !s.zarrChannel && isTiffFile(s.file);
      });
      if (tiff) {
        say("Opening the " + stain + " stain");
        const auto first = dataset.openStain(list.front());
        std::vector<std::filesystem::path> files;
        for (const auto& s : list) files.push_back(s.file);
        if (list.back().plane + 1 != int(list.size()))
          notes.push_back(name + ": planes " + std::to_string(list.front().plane) + "–" +
                          std::to_string(list.back().plane) + " are not all there; shown as " +
                          std::to_string(list.size()) + " planes in order");
        int lastPercent = -1;
        auto tiffSource = TiffPyramidSource::open(
            files, first.extent().xMin, first.extent().yMin, first.pixelUm(), name, pyramids,
            [&](double fraction) {
              const int percent = int(fraction * 100);
              if (percent == lastPercent) return;
              lastPercent = percent;
              say("Building the " + stain + " pyramid: " + std::to_string(percent) + "%");
            });
        notes.push_back(name + ": " + tiffSource->report().text());
        source = tiffSource;
      } else {
        say("Reading the " + stain + " stain");
        source = readStainRaster(dataset, list, name, notes);
      }
      const int id = scene.addSource(source);
      scene.addLayer(imageLayer(name, id, 0, source->info(), stain, ImageRole::Real));
      extent = unite(extent, levelZeroExtent(source->info()));
      planes = std::max(planes, source->info().planes);
    } catch (const FileError& e) {
      notes.push_back(name + " left out: " + e.what());
    }
  }

  // Molecules: the density of all of them as points at low zoom.
  if (const auto* table = dataset.transcripts(); table && table->size() > 0) {
    say("Indexing " + std::to_string(table->size()) + " molecules");
    auto index = std::make_shared<const TranscriptIndex>(*table);
    auto density = std::make_shared<const TranscriptCountSource>(
        index, std::vector<std::uint32_t>{}, "molecules", kDensityPixelUm);
    SectionLayer layer;
    layer.name = "molecules";
    layer.kind = SectionLayerKind::Points;
    layer.source = scene.addSource(density);
    layer.transcripts = index;
    layer.unit = "molecules per " + std::to_string(int(kDensityPixelUm)) + " µm px";
    layer.style.colormap = LayerColormap::Fire;
    layer.style.blending = LayerBlending::Additive;
    layer.style.contrastMin = density->info().contrastMin;
    layer.style.contrastMax = density->info().contrastMax;
    layer.style.side = CompareSide::Both;
    // Over stains the molecules would hide them: shown only where they are all there is.
    layer.style.visible = dataset.stains.empty();
    scene.addLayer(std::move(layer));
    extent = unite(extent, index->extent());
    planes = std::max(planes, index->planes());
  } else if (const auto* cells = dataset.cells(); cells && cells->cellCount() > 0) {
    notes.push_back("no molecules to show: the dataset holds cells, not molecules");
  }

  // Outlines: one layer per compartment. The planes of a MERSCOPE region outline the same
  // cells, so only the lowest plane's files are read.
  const auto addOutlines = [&](const std::string& compartment,
                               const std::vector<CellPolygon>& polygons) {
    auto outlines = std::make_shared<const CellOutlineIndex>(polygons);
    if (outlines->size() == 0) return;
    SectionLayer layer;
    layer.name = compartment + " outlines";
    layer.kind = SectionLayerKind::Shapes;
    layer.outlines = outlines;
    layer.style.colormap = LayerColormap::Yellow;
    layer.style.blending = LayerBlending::Translucent;
    layer.style.opacity = 0.6;
    layer.style.side = CompareSide::Both;
    scene.addLayer(std::move(layer));
    extent = unite(extent, outlines->extent());
  };
  if (dataset.polygons) addOutlines("cell", *dataset.polygons);
  std::vector<std::string> compartments;
  for (const auto& b : dataset.cellBoundaries)
    if (std::find(compartments.begin(), compartments.end(), b.compartment) == compartments.end())
      compartments.push_back(b.compartment);
  for (const auto& compartment : compartments) {
    int lowest = std::numeric_limits<int>::max();
    for (const auto& b : dataset.cellBoundaries)
      if (b.compartment == compartment) lowest = std::min(lowest, b.plane);
    std::vector<CellPolygon> polygons;
    int skipped = 0;
    for (const auto& b : dataset.cellBoundaries) {
      if (b.compartment != compartment) continue;
      if (b.plane != lowest) {
        ++skipped;
        continue;
      }
      say("Reading " + compartment + " outlines");
      try {
        auto read = readCellBoundaryFile(b);
        polygons.insert(polygons.end(), std::make_move_iterator(read.begin()),
                        std::make_move_iterator(read.end()));
      } catch (const FileError& e) {
        notes.push_back(compartment + " outlines of " + b.file.string() + " left out: " + e.what());
      }
    }
    if (skipped > 0)
      notes.push_back(compartment + " outlines: plane " + std::to_string(lowest) +
                      "'s shown for every plane (" + std::to_string(skipped) +
                      " files of other planes not read)");
    addOutlines(compartment, polygons);
  }

  // The atlas annotation where the section lies.
  if (!atlas) {
    notes.push_back("no atlas outline: no atlas loaded");
  } else if (!dataset.placement().placed) {
    notes.push_back("no atlas outline: the section is not placed in the atlas");
  } else if (extent.empty()) {
    notes.push_back("no atlas outline: the dataset holds nothing to place");
  } else {
    auto labels =
        std::make_shared<const AtlasLabelSource>(atlas, dataset.placement(), extent, planes);
    SectionLayer layer;
    layer.name = "atlas outline";
    layer.kind = SectionLayerKind::AtlasOutline;
    layer.source = scene.addSource(labels);
    layer.unit = "structure";
    layer.style.colormap = LayerColormap::Gray;
    layer.style.opacity = 0.6;
    layer.style.blending = LayerBlending::Translucent;
    layer.style.contrastMin = labels->info().contrastMin;
    layer.style.contrastMax = labels->info().contrastMax;
    layer.style.side = CompareSide::Both;
    scene.addLayer(std::move(layer));
  }
  return notes;
}

std::vector<int> addImageLayers(SectionScene& scene, std::shared_ptr<const PyramidSource> source,
                                ImageRole role) {
  std::vector<int> ids;
  if (!source) return ids;
  const PyramidInfo& info = source->info();
  const int id = scene.addSource(source);
  for (std::size_t c = 0; c < info.channels.size(); ++c) {
    const auto& channel = info.channels[c];
    ids.push_back(scene.addLayer(
        imageLayer(channel + " (" + roleName(role) + ")", id, int(c), info, channel, role)));
  }
  return ids;
}

int addGeneCountLayer(SectionScene& scene, const SectionLayer& pointsLayer,
                      const std::string& gene) {
  const auto& index = pointsLayer.transcripts;
  if (!index) return -1;
  const auto& names = index->geneNames();
  auto found = std::find(names.begin(), names.end(), gene);
  if (found == names.end())  // "slc17a7" finds Slc17a7
    found = std::find_if(names.begin(), names.end(),
                         [&](const std::string& n) { return asciiLower(n) == asciiLower(gene); });
  if (found == names.end()) return -1;
  const auto geneIndex = std::uint32_t(found - names.begin());
  const std::string name = *found + " counts";
  auto counts = std::make_shared<const TranscriptCountSource>(
      index, std::vector<std::uint32_t>{geneIndex}, name, kGeneCountPixelUm);
  SectionLayer layer;
  layer.name = name;
  layer.kind = SectionLayerKind::Image;
  layer.source = scene.addSource(counts);
  layer.unit = "molecules per " + std::to_string(int(kGeneCountPixelUm)) + " µm px";
  layer.style.colormap = LayerColormap::Fire;
  layer.style.blending = LayerBlending::Additive;
  layer.style.contrastMin = counts->info().contrastMin;
  layer.style.contrastMax = counts->info().contrastMax;
  layer.style.side = CompareSide::Both;
  layer.style.colourBar = true;
  return scene.addLayer(std::move(layer));
}

SectionPathKind sectionPathKind(const std::filesystem::path& path) {
  if (NgffPyramidSource::isNgffImage(path)) return SectionPathKind::NgffImage;
  const auto extension = asciiLower(path.extension().string());
  if (extension == ".tif" || extension == ".tiff") return SectionPathKind::Tiff;
  return SectionPathKind::Dataset;
}

}  // namespace teramind
