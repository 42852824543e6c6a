#include "sectionview/SectionExport.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "common/FileError.h"
#include "sectionview/PngRowWriter.h"
#include "sectionview/TileLoader.h"

namespace teramind {

namespace {

// Pixels of one strip at most (64 MiB of RGBA): very wide pictures get fewer rows a strip.
constexpr std::int64_t kMaxStripPixels = std::int64_t(16) << 20;
// Draws and reads a piece until every tile it wants is drawn at its level: one pass to learn
// the tiles, one to draw them; more only if a source hands back a tile of the wrong size.
constexpr int kMaxPasses = 3;

int pictureSide(const std::filesystem::path& file, double um, double pixelUm, const char* what) {
  const std::int64_t side = exportPictureSide(um, pixelUm);
  if (side < 1)
    throw FileError(file, fmt::format("the export region's {} gives no pixels at {:g} \u00b5m "
                                      "per pixel",
                                      what, pixelUm));
  if (side > kMaxExportSide)
    throw FileError(file, std::string("the export's ") + what + " would be " +
                              std::to_string(side) + " px, more than " +
                              std::to_string(kMaxExportSide) + " (is the pixel size right?)");
  return int(side);
}

// Columns [x0, x0 + width) of the strip `camera` sees, every tile at its level: the tiles are
// taken from the cache or read now, and held only while the piece is drawn.
RgbaImage composePiece(const SectionScene& scene, TileLoader& loader, TileCache& cache,
                       const SectionExportRequest& request, const SectionCamera& camera, int x0,
                       int width) {
  TileCache held(std::numeric_limits<std::size_t>::max());
  for (int pass = 0;; ++pass) {
    CompositeStats stats;
    RgbaImage piece = composeSectionColumns(scene, camera, x0, width, request.plane,
                                            request.compare, held, &stats);
    if (stats.complete()) return piece;
    if (pass + 1 == kMaxPasses)
      throw FileError(request.file, "tiles of the section stayed unreadable for the export");
    for (const TileKey& key : stats.missing) {
      auto tile = cache.find(key);
      if (!tile) tile = loader.readNow(key);
      if (!tile) {
        const auto source = scene.source(key.source);
        throw FileError(request.file, "the image '" + (source ? source->info().name : "?") +
                                          "' is not open for reading tiles");
      }
      held.insert(key, std::move(tile));
    }
  }
}

}  // namespace

std::int64_t exportPictureSide(double um, double pixelUm) {
  const double side = um / pixelUm;
  if (std::isnan(side) || side < 0) return 0;
  return std::llround(std::min(side, 1e15));  // capped: llround of a huge double is undefined
}

SectionExportResult exportSectionView(const SectionScene& scene, TileLoader& loader,
                                      TileCache& cache, const SectionExportRequest& request,
                                      const TextRasteriser& text,
                                      const std::function<bool(int, int)>& progress) {
  const auto& file = request.file;
  const RectUm& region = request.region;
  if (!(request.pixelUm > 0) || !std::isfinite(request.pixelUm))
    throw FileError(file, "the export's pixel size must be a positive number of \u00b5m");
  if (region.empty() || !std::isfinite(region.width()) || !std::isfinite(region.height()))
    throw FileError(file, "the export region is empty");
  SectionExportResult result;
  result.width = pictureSide(file, region.width(), request.pixelUm, "width");
  result.height = pictureSide(file, region.height(), request.pixelUm, "height");
  result.scaleBar = scaleBarFor(result.width, request.pixelUm);
  const int stripRows = int(std::clamp<std::int64_t>(
      std::min<std::int64_t>(request.stripRows, kMaxStripPixels / result.width), 1, result.height));
  const int strips = (result.height + stripRows - 1) / stripRows;
  const std::uint64_t readBefore = loader.tilesRead();

  PngRowWriter png(file, result.width, result.height, false, request.pixelUm);
  for (int strip = 0; strip < strips; ++strip) {
    const int row0 = strip * stripRows, rows = std::min(stripRows, result.height - row0);
    // The strip's camera: the picture's left edge at region.x0, its row 0 at region.y0.
    SectionCamera camera;
    camera.umPerPixel = request.pixelUm;
    camera.width = result.width;
    camera.height = rows;
    camera.centreXUm = region.x0 + result.width * request.pixelUm / 2;
    camera.centreYUm = region.y0 + (row0 + rows / 2.0) * request.pixelUm;
    RgbaImage image(result.width, rows);
    for (int x0 = 0; x0 < result.width; x0 += kExportPieceColumns) {
      const int width = std::min(kExportPieceColumns, result.width - x0);
      const RgbaImage piece = composePiece(scene, loader, cache, request, camera, x0, width);
      for (int y = 0; y < rows; ++y)
        std::memcpy(image.at(x0, y), piece.at(0, y), std::size_t(width) * 4);
    }
    if (request.scaleBar)
      drawScaleBar(image, row0, result.width, result.height, request.pixelUm, text);
    if (request.colourBars) drawColourBars(image, row0, result.width, result.height, scene, text);
    if (request.planeLabel)
      drawPlaneLabel(image, row0, result.width, result.height, scene, request.plane, text,
                     request.scaleBar ? request.pixelUm : 0);
    for (int y = 0; y < rows; ++y) png.writeRow(image.at(0, y));
    ++result.strips;
    if (progress && !progress(result.strips, strips)) {
      result.cancelled = true;  // the writer removes its temporary
      result.tilesRead = loader.tilesRead() - readBefore;
      return result;
    }
  }
  png.commit();
  result.tilesRead = loader.tilesRead() - readBefore;
  return result;
}

}  // namespace teramind
