#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sectionview/SectionCamera.h"
#include "sectionview/SectionScene.h"
#include "sectionview/TileCache.h"

namespace teramind {

// An 8-bit RGBA raster, row-major, four bytes a pixel (what the section view shows and exports).
struct RgbaImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // [y][x][r, g, b, a]
  RgbaImage() = default;
  RgbaImage(int w, int h) : width(w), height(h), pixels(std::size_t(w) * std::size_t(h) * 4, 0) {}
  std::uint8_t* at(int x, int y) {
    return &pixels[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
  }
  const std::uint8_t* at(int x, int y) const {
    return &pixels[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
  }
};

// Text for overlays, drawn by the front end's font engine (Qt in the studio): the text as
// coverage in [0, 255], `pixelHeight` tall. Without one, overlays have no labels.
struct TextMask {
  int width = 0, height = 0;
  std::vector<std::uint8_t> coverage;
};
using TextRasteriser = std::function<TextMask(const std::string& text, int pixelHeight)>;

// How real and generated are compared: all layers over each other; two panes side by side with
// one camera (left shows Both + Left layers, right Both + Right); or one pane swiped at a
// fraction of its width (Left layers left of the line, Right layers right of it).
enum class CompareMode { Overlay, SideBySide, Swipe };
struct CompareSettings {
  CompareMode mode = CompareMode::Overlay;
  double swipe = 0.5;  // [0, 1] of the width
};

struct CompositeStats {
  std::vector<TileKey> missing;  // wanted at the level drawn and not cached, most wanted first
  int tilesDrawn = 0;            // at the level wanted
  int tilesStandIn = 0;          // a coarser cached tile drawn in place of one not yet read
  std::uint64_t pointsDrawn = 0, outlinesDrawn = 0;
  // Image layers left out: no level of theirs is coarse enough for this scale without reading
  // over a thousand tiles (an image without a pyramid, zoomed out); they show when zoomed in.
  int layersWithoutLevel = 0;
  bool complete() const { return missing.empty() && tilesStandIn == 0; }
};

// Draws the scene's visible layers as `camera` sees them on `plane`, from the cache only (it
// never reads a file): tiles not yet cached are listed in `stats.missing` for the loader, and a
// coarser cached tile, magnified, stands in meanwhile, as Neuroglancer does. Black background,
// alpha 255.
RgbaImage composeSection(const SectionScene& scene, const SectionCamera& camera, int plane,
                         const CompareSettings& compare, TileCache& cache,
                         CompositeStats* stats = nullptr);

// Columns [x0, x0 + width) of what composeSection draws for `camera` (panes, swipe and dividers
// placed as in the whole picture), so that a wide export strip is drawn in pieces whose tiles fit
// in memory at once.
RgbaImage composeSectionColumns(const SectionScene& scene, const SectionCamera& camera, int x0,
                                int width, int plane, const CompareSettings& compare,
                                TileCache& cache, CompositeStats* stats = nullptr);

// The scale bar's length: 1, 2 or 5 × 10^k µm, the longest no longer than `maxPixels` at this
// scale, and its label ("100 µm", "2 mm").
struct ScaleBar {
  double lengthUm = 0;
  double pixels = 0;
  std::string label;
};
ScaleBar chooseScaleBar(double umPerPixel, double maxPixels);
// The bar drawScaleBar draws on a picture `fullWidth` px wide: at most a fifth of the width.
ScaleBar scaleBarFor(int fullWidth, double umPerPixel);

// Overlays for an image that may be drawn in strips: `image` is rows [y0, y0 + image.height)
// of a full picture `fullWidth` × `fullHeight`. The scale bar sits bottom left, a colour bar for
// each visible layer with style.colourBar top right (its colormap, contrast limits and unit;
// a long title ends at the bar's right end, cut short with "…" if the picture is narrower),
// the plane label bottom right.
void drawScaleBar(RgbaImage& image, int y0, int fullWidth, int fullHeight, double umPerPixel,
                  const TextRasteriser& text);
void drawColourBars(RgbaImage& image, int y0, int fullWidth, int fullHeight,
                    const SectionScene& scene, const TextRasteriser& text);
// Which plane is shown, "plane 2 of 0–2 · z 3.0 µm" (planes numbered from 0 as the data numbers
// them, of the range there is; z = plane × the spacing), when the visible layers have more than
// one plane; else empty.
std::string planeLabel(const SectionScene& scene, int plane);
// `scaleBarUmPerPixel`: what drawScaleBar is given when the scale bar is drawn too (0 when not):
// the label is cut with "…" to the room right of the bar and its label, so the two never overlap.
void drawPlaneLabel(RgbaImage& image, int y0, int fullWidth, int fullHeight,
                    const SectionScene& scene, int plane, const TextRasteriser& text,
                    double scaleBarUmPerPixel = 0);

}  // namespace teramind
