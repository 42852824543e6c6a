#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/LabelTiff.h"
#include "transcriptomics/TextFormatReaders.h"

namespace teramind {

// One label's outline in the image's pixel lattice: (column, row) of pixel corners, pixel
// (c, r) covering [c, c + 1] × [r, r + 1]; one closed ring, its first vertex not repeated.
struct LabelOutline {
  std::uint32_t label = 0;
  std::vector<std::pair<double, double>> vertices;
};

// The outer boundary of every non-zero label, traced along pixel edges (4-connected: pixels
// touching only at a corner are apart), in order of each label's first pixel in raster order.
// A label in several pieces is outlined by its first piece (the one holding that pixel); holes
// are not outlined. The staircase is simplified (Ramer–Douglas–Peucker) within
// `tolerancePx` of the traced edges; 0 keeps every corner. Work is linear in the pixels plus
// the boundary length; memory is the outlines and the set of labels seen.
std::vector<LabelOutline> traceLabelOutlines(const LabelImage& image, double tolerancePx = 0.5);

// Where a label image lies in section µm: pixel corner (column, row) at
// ((originXPx + column) × pixelUm, (originYPx + height − row) × pixelUm) when rows run against
// y (CosMx), else ((originXPx + column) × pixelUm, (originYPx + row) × pixelUm).
struct LabelImagePlacement {
  double originXPx = 0, originYPx = 0;
  double pixelUm = 1;
  bool rowsAgainstY = true;
  std::string idPrefix;  // outline ids are idPrefix + label ("12_" + "345" for FOV 12)
};

// Reads a label TIFF (readLabelTiff) and gives its outlines in section µm. Throws FileError.
std::vector<CellPolygon> readLabelImageOutlines(const std::filesystem::path& file,
                                                const LabelImagePlacement& placement);

}  // namespace teramind
