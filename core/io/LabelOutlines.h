#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/LabelOutlines.h is private to teramind_io (use io/SpatialDataset.h)"
#endif

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/LabelImagePlacement.h"
#include "io/LabelTiff.h"
#include "transcriptomics/TextFormatReaders.h"

namespace teramind {

// The outline of one 4-connected piece of a label in the image's pixel lattice: (column, row)
// of pixel corners, pixel (c, r) covering [c, c + 1] × [r, r + 1]; one closed ring, its first
// vertex not repeated. `piece` counts the label's pieces from 0 in raster order of their first
// pixels; `pieces` is how many the label has.
struct LabelOutline {
  std::uint32_t label = 0;
  std::uint32_t piece = 0, pieces = 1;
  std::vector<std::pair<double, double>> vertices;
};

// The outer boundary of every 4-connected piece of every non-zero label (pixels touching only
// at a corner are apart), traced along pixel edges, in raster order of each piece's first
// pixel. A label in several pieces gets one outline per piece (as a SpatialData multipolygon
// does); holes are not outlined. The staircase is simplified (Ramer–Douglas–Peucker) within
// `tolerancePx` of the traced edges; 0 keeps every corner. Work is linear in the pixels plus
// the boundary length; memory is the outlines plus one byte per pixel (which pieces are done).
std::vector<LabelOutline> traceLabelOutlines(const LabelImage& image, double tolerancePx = 0.5);

// Reads a label TIFF (readLabelTiff) and gives its outlines in section µm. Throws FileError.
std::vector<CellPolygon> readLabelImageOutlines(const std::filesystem::path& file,
                                                const LabelImagePlacement& placement);

}  // namespace teramind
