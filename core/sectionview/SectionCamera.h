#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sectionview/PyramidSource.h"

namespace teramind {

// A rectangle in section µm: [x0, x1) × [y0, y1).
struct RectUm {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
  bool empty() const { return !(x1 > x0 && y1 > y0); }
  bool intersects(const RectUm& o) const {
    return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
  }
};

// How the section view looks at a section: the section µm at the viewport's centre, the µm one
// screen pixel covers, and the viewport's size in pixels. Screen y runs down, as section y does
// (images are shown as stored, like napari and QuPath).
struct SectionCamera {
  double centreXUm = 0, centreYUm = 0;
  double umPerPixel = 1;
  int width = 1, height = 1;

  std::array<double, 2> screenToSection(double x, double y) const;
  std::array<double, 2> sectionToScreen(double xUm, double yUm) const;
  RectUm visibleUm() const;

  // Zooms by `factor` (> 1 in) keeping the section point under screen (x, y) where it is, as
  // napari and Neuroglancer do on the wheel; the scale is held within [minUm, maxUm] per pixel.
  void zoomAt(double x, double y, double factor, double minUmPerPixel, double maxUmPerPixel);
  // Moves the view with a drag of (dx, dy) screen pixels: the section follows the mouse.
  void pan(double dx, double dy);
  // The whole of `extent` in the viewport with a margin of `margin` of its size (Home).
  void fit(const RectUm& extent, double margin = 0.05);
};

// The level to draw at this scale: the coarsest whose pixels are no larger than a screen
// pixel (so it is never magnified unless level 0 is), 0 when zoomed in past level 0.
int levelForScale(const PyramidInfo& info, double umPerPixel);

// The tiles of a level that a rectangle overlaps, nearest the rectangle's centre first (the
// order they are read in).
std::vector<TileKey> tilesCovering(const PyramidInfo& info, int source, int level, int channel,
                                   int plane, const RectUm& rect);

// A level's tile (row, col) in section µm.
RectUm tileRectUm(const PyramidInfo& info, int level, std::int64_t row, std::int64_t col);

// The level-0 extent of a source in section µm.
RectUm extentUm(const PyramidInfo& info);

}  // namespace teramind
