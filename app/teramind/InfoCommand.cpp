#include <algorithm>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "Commands.h"
#include "DatasetReadFlags.h"
#include "ProgressBar.h"
#include "atlas/Atlas.h"
#include "common/ResourceLocator.h"
#include "io/ConditionFile.h"
#include "io/LandmarkFile.h"
#include "io/SavedPlacement.h"
#include "io/SpatialDataset.h"
#include "io/VolumeFile.h"

namespace teramind::cli {
namespace {

void printVolumeInfo(const std::filesystem::path& file) {
  const VolumeHeader header = readVolumeHeader(file);
  const AnyVolume volume = readVolume(file);
  const auto& f = header.frame;
  fmt::print("file: {}\n", file.string());
  fmt::print("format: {}\n", volumeFormatName(header.format));
  fmt::print("dims: {} x {} x {}\n", header.dims[0], header.dims[1], header.dims[2]);
  fmt::print("spacing_um: {} {} {}\n", f.spacing()[0], f.spacing()[1], f.spacing()[2]);
  fmt::print("origin_um: {} {} {}\n", f.origin()[0], f.origin()[1], f.origin()[2]);
  fmt::print("dtype: {}\n", voxelTypeName(header.voxelType));
  fmt::print("channels: {} ({})\n", header.channelNames.size(),
             fmt::join(header.channelNames, ", "));
  std::visit(
      [&](const auto& image) {
        for (int c = 0; c < image.channelCount(); ++c) {
          const auto [lo, hi] = image.valueRange(c);
          fmt::print("value_range{}: {} .. {}\n",
                     image.channelCount() > 1 ? "[" + image.channelNames()[c] + "]" : "", lo, hi);
        }
        using T = typename std::decay_t<decltype(image)>::value_type;
        // 32-bit integer volumes are label images (atlas annotations).
        if constexpr (std::is_same_v<T, std::uint32_t> || std::is_same_v<T, std::int32_t>) {
          std::set<T> labels(image.voxels().begin(), image.voxels().end());
          labels.erase(T{0});
          fmt::print("structures: {} (distinct non-zero ids)\n", labels.size());
        }
      },
      volume);
}

template <typename Count>
void printTopFeatures(const GeneCatalogue& genes, const std::vector<Count>& totals) {
  std::vector<std::uint32_t> order;
  for (std::uint32_t f = 0; f < genes.size(); ++f)
    if (!genes.isControl(f)) order.push_back(f);
  const std::size_t shown = std::min<std::size_t>(5, order.size());
  std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(shown), order.end(),
                    [&](auto a, auto b) { return totals[a] > totals[b]; });
  std::vector<std::string> top;
  for (std::size_t i = 0; i < shown; ++i)
    top.push_back(fmt::format("{} ({:.6g})", genes.name(order[i]), double(totals[order[i]])));
  fmt::print("top_genes: {}\n", fmt::join(top, ", "));
}

// transcripts/genes/controls count every row of the file; a quality filter's line follows
// (Xenium's qv), and the figures after it are of the molecules it kept.
void printTranscripts(const TranscriptTable& t, const std::optional<QualityFilterReport>& filter) {
  fmt::print("transcripts: {}\n", filter ? filter->rowsBefore : t.size());
  fmt::print("genes: {}\n", t.genes.geneCount());
  fmt::print("controls: {}\n", t.genes.controlCount());
  if (filter)
    fmt::print(
        "qv_filter: {} keeps {} of {} ({:.1f}%)\n", filter->rule, filter->rowsKept,
        filter->rowsBefore,
        filter->rowsBefore ? 100.0 * double(filter->rowsKept) / double(filter->rowsBefore) : 0.0);
  fmt::print("gene_transcripts: {}\n", t.geneTranscriptCount());
  fmt::print("control_transcripts: {}\n", t.controlTranscriptCount());
  fmt::print("planes: {}\n", t.planeCount());
  if (t.size() > 0) {
    const auto [x0, x1] = std::minmax_element(t.x.begin(), t.x.end());
    const auto [y0, y1] = std::minmax_element(t.y.begin(), t.y.end());
    fmt::print("extent_um: x {:.3f} .. {:.3f}, y {:.3f} .. {:.3f}\n", *x0, *x1, *y0, *y1);
  }
  printTopFeatures(t.genes, t.countsPerFeature());
}

void printCells(const CellTable& c) {
  fmt::print("cells: {}\n", c.cellCount());
  fmt::print("genes: {}\n", c.genes.geneCount());
  if (c.genes.controlCount() > 0) fmt::print("controls: {}\n", c.genes.controlCount());
  fmt::print("coordinate_unit: {}\n", c.coordinateUnit);
  const auto totals = c.totalsPerFeature();
  fmt::print("total_expression: {:.6g}\n", std::accumulate(totals.begin(), totals.end(), 0.0));
  fmt::print("nonzero_fraction: {:.4f}\n",
             c.cellCount() * c.genes.size() == 0
                 ? 0.0
                 : double(c.entryValue.size()) / double(c.cellCount() * c.genes.size()));
  printTopFeatures(c.genes, totals);
}

// The landmarks (of --landmarks, or those saved with the dataset), how far each lies from the
// fitted placement, the fit's warnings, and the structure of the bundled atlas where the
// section's centre lands.
void printLandmarkPlacement(const SpatialDataset& d, const std::filesystem::path& file) {
  const auto landmarks = readLandmarks(file);
  const auto extent = sectionExtentOf(d);
  const LandmarkFit fit = fitLandmarks(landmarks, extent);  // the loader refused unfit sets
  fmt::print("landmarks_file: {}\n", file.string());
  for (std::size_t i = 0; i < landmarks.size(); ++i) {
    const Landmark& l = landmarks[i];
    fmt::print(
        "landmark: {} section_um {:.2f} {:.2f} atlas_um {:.2f} {:.2f} {:.2f} residual_um {:.2f}\n",
        l.name, l.sectionXUm, l.sectionYUm, l.atlasUm[0], l.atlasUm[1], l.atlasUm[2],
        fit.residualUm[i]);
  }
  fmt::print("landmark_rms_um: {:.2f}\nlandmark_max_um: {:.2f}\n", fit.rmsUm, fit.maxUm);
  fmt::print("landmark_scale: {:.3g} {:.3g}\n", fit.scaleMax, fit.scaleMin);
  for (const std::string& w : fit.warnings) fmt::print("warning: {}\n", w);
  if (!extent) return;
  const Vec3 centre{(extent->xMin + extent->xMax) / 2, (extent->yMin + extent->yMax) / 2, 0};
  const Vec3 atlasUm = d.placement().sectionToAtlas.apply(centre);
  fmt::print("section_centre_um: {:.1f} {:.1f} -> atlas_um {:.1f} {:.1f} {:.1f}\n", centre[0],
             centre[1], atlasUm[0], atlasUm[1], atlasUm[2]);
  const Atlas atlas = Atlas::load(bundledAtlasDirectory());
  const Structure* s = atlas.structureAt(atlasUm);
  fmt::print("section_centre_structure: {}\n",
             s ? fmt::format("{} ({})", s->acronym, s->name) : std::string("outside the brain"));
}

void printDatasetInfo(const std::filesystem::path& path, const DatasetReadOptions& options) {
  ProgressBar bar("reading");
  const SpatialDataset d = loadSpatialDataset(path, std::ref(bar), DatasetContent::All, options);
  fmt::print("file: {}\n", path.string());
  fmt::print("format: {}\n", spatialFormatName(d.format));
  if (d.format == SpatialFormat::DatasetManifest) fmt::print("name: {}\n", d.name);
  for (const auto& note : d.readNotes) fmt::print("note: {}\n", note);
  if (d.polygons) {
    std::size_t vertices = 0;
    for (const auto& p : *d.polygons) vertices += p.vertices.size();
    fmt::print("cells: {}\nvertices: {}\n", d.polygons->size(), vertices);
    return;
  }
  if (!d.panelName.empty()) fmt::print("panel: {}\n", d.panelName);
  if (const auto* t = d.transcripts()) printTranscripts(*t, d.qualityFilter);
  if (const auto* c = d.cells()) printCells(*c);
  for (const auto& s : d.stains) {
    const auto image = d.openStain(s);
    fmt::print("stain: {} plane {} {} ({} x {} px, {}-bit, {:.4f} um/px)\n", s.stain, s.plane,
               s.file.filename().string(), image.width(), image.height(), image.bitsPerSample(),
               image.pixelUm());
  }
  for (const auto& b : d.cellBoundaries)
    fmt::print("boundaries: {} {}\n", b.compartment, b.file.filename().string());
  if (d.transcripts() && d.transcripts()->size() && !d.stains.empty()) {
    // Where the molecules land on the mosaics, as the transform places them.
    const MosaicCoverage m = measureMosaicCoverage(d);
    fmt::print("transcripts_extent_um: x {:.2f}..{:.2f} y {:.2f}..{:.2f}\n", m.transcripts.xMin,
               m.transcripts.xMax, m.transcripts.yMin, m.transcripts.yMax);
    fmt::print("mosaic_extent_um: x {:.2f}..{:.2f} y {:.2f}..{:.2f} ({})\n", m.mosaic.xMin,
               m.mosaic.xMax, m.mosaic.yMin, m.mosaic.yMax,
               std::filesystem::path(m.mosaicFile).filename().string());
    fmt::print("transcripts_on_mosaic: {} of {} ({:.1f} %)\n", m.insideMosaic, m.molecules,
               100.0 * double(m.insideMosaic) / double(m.molecules));
    if (m.planesWithoutMosaic) fmt::print("planes_without_mosaic: {}\n", m.planesWithoutMosaic);
  }
  if (d.format == SpatialFormat::DatasetManifest) {
    fmt::print("section_to_atlas: {:g}\n",
               fmt::join(cleanRowMajor(d.placement().sectionToAtlas), " "));
    if (!d.placementNote.empty()) fmt::print("placement_note: {}\n", d.placementNote);
  } else if (!d.polygons && d.placement().placed) {
    fmt::print("section_to_atlas: {:g}\n",
               fmt::join(cleanRowMajor(d.placement().sectionToAtlas), " "));
    if (!d.placementNote.empty()) fmt::print("placement_note: {}\n", d.placementNote);
  }
  if (options.landmarks)
    printLandmarkPlacement(d, *options.landmarks);
  else if (d.placement().placed && !d.polygons)
    if (const auto saved = savedLandmarksFile(d)) printLandmarkPlacement(d, *saved);
}

void printConditionInfo(const std::filesystem::path& file) {
  const BinnedCondition c = readCondition(file);
  const BinGrid& g = c.grid();
  fmt::print("file: {}\nformat: binned condition ({})\n", file.string(),
             file.extension() == ".vdb" ? "OpenVDB" : "HDF5");
  fmt::print("bin_um: {}\ngrid_bins: {} x {} x {}\n", g.binUm, g.width, g.height, g.planes);
  fmt::print("origin_um: {} {}\nplane_spacing_um: {}\n", g.originXUm, g.originYUm,
             g.planeSpacingUm);
  double total = 0;
  for (std::size_t i = 0; i < c.geneCount(); ++i) total += c.total(i);
  fmt::print("genes: {}\nnonzero_bins: {}\ntotal_count: {}\n", c.geneCount(), c.nonZeroCount(),
             total);
}

bool isVolumeFile(const std::filesystem::path& file) {
  try {
    volumeFormatOf(file);
    return true;
  } catch (const FileError&) {
    return false;
  }
}

}  // namespace

void addInfoCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "info", "Describe a data file: a volume, a binned condition or a spatial dataset");
  static std::string file;
  cmd->add_option(
         "FILE", file,
         "volume (NRRD, NIfTI, TIFF, OpenVDB, PNG, JPEG), binned condition (.vdb, .h5), or "
         "spatial data (dataset.json or its directory, a MERSCOPE region folder, a Xenium "
         "output folder or its transcripts, a CosMx export folder or its tx_file, Vizgen "
         "transcripts "
         "CSV[.gz], "
         "cell-by-gene CSV, STARmap directory, .loom, .h5ad, a SpatialData store .zarr or one "
         "of its points elements)")
      ->required();
  static DatasetReadOptions readOptions;
  addDatasetReadFlags(*cmd, readOptions);
  cmd->callback([] {
    const std::filesystem::path path(file);
    if (isConditionFile(path))
      printConditionInfo(path);
    else if (!std::filesystem::is_directory(path) && isVolumeFile(path))
      printVolumeInfo(path);
    else
      printDatasetInfo(path, readOptions);
  });
}

}  // namespace teramind::cli
