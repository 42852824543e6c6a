#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "sectionview/SectionCompositor.h"

namespace teramind {

class TileLoader;

// A picture of the section view at any pixel size, independent of the window: the region at
// `pixelUm` per output pixel, rendered off screen strip by strip (each strip's tiles read, then
// drawn, then written), so the output may be far larger than memory would hold as one image.
struct SectionExportRequest {
  RectUm region;
  double pixelUm = 1;
  int plane = 0;
  CompareSettings compare;
  bool scaleBar = true, colourBars = true;
  bool planeLabel = true;      // drawn only when the visible layers have more than one plane
  std::filesystem::path file;  // .png
  int stripRows = 512;
};
struct SectionExportResult {
  int width = 0, height = 0;
  int strips = 0;
  std::uint64_t tilesRead = 0;  // from sources (not the cache)
  ScaleBar scaleBar;
  bool cancelled = false;  // `progress` returned false: no file was written
};
// Largest export side; beyond it the request is refused (a typo in --pixel-um).
inline constexpr int kMaxExportSide = 100000;
inline constexpr int kExportPieceColumns = 2048;

// The picture's side for `um` of the region at `pixelUm` a pixel, as the export makes it: the
// nearest whole number of pixels (0 for NaN). Below 1 or above kMaxExportSide the export
// refuses it; a dialog showing the size uses this so that it shows the size written.
std::int64_t exportPictureSide(double um, double pixelUm);

// Writes the PNG atomically (a temporary renamed into place). Throws FileError naming the file
// for a region or pixel size that gives no pixels or more than kMaxExportSide a side, and what
// a source throws. `progress` gets strips done and strips in all; returning false cancels (the
// temporary is removed, the result says `cancelled`). Strips are drawn in pieces of at most
// kExportPieceColumns columns whose tiles are held for the piece only, so memory stays bounded
// whatever the cache's cap; stripRows is lowered for very wide pictures.
SectionExportResult exportSectionView(const SectionScene& scene, TileLoader& loader,
                                      TileCache& cache, const SectionExportRequest& request,
                                      const TextRasteriser& text = {},
                                      const std::function<bool(int, int)>& progress = {});

}  // namespace teramind
