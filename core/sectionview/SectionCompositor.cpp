#include "sectionview/SectionCompositor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "sectionview/CellOutlineIndex.h"
#include "sectionview/TranscriptIndex.h"

namespace teramind {

namespace {

// How far up the pyramid a missing tile looks for a cached stand-in.
constexpr int kStandInLevels = 4;
// An image without a level near the screen's scale (another tool's image with no pyramid, seen
// whole) would need every one of its tiles for one frame: past this many, at more than 4 of its
// pixels per screen pixel, the layer is left out until the view zooms in.
constexpr std::int64_t kMaxTilesPerLayer = 1024;
// Colours a layer's contrast range is quantised to (finer than 8-bit output).
constexpr int kLutSize = 1024;

// One colour and how it combines with what is under it: additive adds `rgb` (already scaled by
// the opacity), translucent moves towards it by alpha / 256.
struct Paint {
  std::array<std::uint8_t, 3> rgb{};
  int alpha = 256;
  bool additive = true;
};

Paint paintOf(const std::array<std::uint8_t, 3>& rgb, const LayerStyle& style) {
  const double opacity = std::clamp(std::isfinite(style.opacity) ? style.opacity : 1.0, 0.0, 1.0);
  Paint paint;
  paint.additive = style.blending == LayerBlending::Additive;
  paint.alpha = int(std::lround(opacity * 256));
  for (int c = 0; c < 3; ++c)
    paint.rgb[c] = paint.additive ? std::uint8_t(std::lround(rgb[c] * opacity)) : rgb[c];
  return paint;
}

inline void blend(std::uint8_t* dst, const std::uint8_t* rgb, bool additive, int alpha) {
  if (additive) {
    for (int c = 0; c < 3; ++c) dst[c] = std::uint8_t(std::min(255, dst[c] + rgb[c]));
  } else {
    for (int c = 0; c < 3; ++c) dst[c] = std::uint8_t(dst[c] + (((rgb[c] - dst[c]) * alpha) >> 8));
  }
}

inline void blend(std::uint8_t* dst, const Paint& paint) {
  blend(dst, paint.rgb.data(), paint.additive, paint.alpha);
}

// Source values to colours: contrast limits, gamma and colormap in one table.
struct ColourLut {
  std::vector<std::array<std::uint8_t, 4>> colours;  // RGB and padding: one aligned load each
  float low = 0, scale = 1;
  bool additive = true;
  int alpha = 256;

  explicit ColourLut(const LayerStyle& style) : colours(kLutSize) {
    double range = style.contrastMax - style.contrastMin;
    if (!std::isfinite(range) || range == 0) range = 1e-12;
    low = float(std::isfinite(style.contrastMin) ? style.contrastMin : 0);
    scale = float((kLutSize - 1) / range);
    const double gamma = std::isfinite(style.gamma) && style.gamma > 0 ? style.gamma : 1;
    const Paint paint = paintOf({255, 255, 255}, style);
    additive = paint.additive;
    alpha = paint.alpha;
    const double opacity = additive ? paint.rgb[0] / 255.0 : 1.0;
    for (int i = 0; i < kLutSize; ++i) {
      const auto rgb = colormapColour(style.colormap, std::pow(i / double(kLutSize - 1), gamma));
      for (int c = 0; c < 3; ++c) colours[i][c] = std::uint8_t(std::lround(rgb[c] * opacity));
    }
  }
  const std::uint8_t* colour(float value) const {
    const float f = std::min(std::max((value - low) * scale, 0.f), float(kLutSize - 1));
    return colours[std::size_t(f + 0.5f)].data();
  }
};

// Where a pane's pixels go: pane column x is column x + offset of `image`.
struct Canvas {
  RgbaImage& image;
  int offset;
  std::uint8_t* at(int x, int y) { return image.at(x + offset, y); }
};

// The level pixel holding the centre of each screen column (or row) in [begin, end).
std::vector<std::int64_t> levelPixels(const SectionCamera& camera, bool columns, int begin, int end,
                                      double originUm, double pixelUm) {
  std::vector<std::int64_t> pixels(std::size_t(std::max(0, end - begin)));
  constexpr double kFar = double(std::int64_t(1) << 52);
  for (int i = begin; i < end; ++i) {
    const double um =
        columns ? camera.screenToSection(i + 0.5, 0)[0] : camera.screenToSection(0, i + 0.5)[1];
    const double p = std::floor((um - originUm) / pixelUm);
    pixels[std::size_t(i - begin)] =
        std::int64_t(std::clamp(std::isfinite(p) ? p : -1.0, -1.0, kFar));
  }
  return pixels;
}

// The screen span [first, last) of `pixels` (sorted, for screen [begin, ...)) in [low, high).
std::array<int, 2> screenSpan(const std::vector<std::int64_t>& pixels, int begin, std::int64_t low,
                              std::int64_t high) {
  const auto first = std::lower_bound(pixels.begin(), pixels.end(), low);
  const auto last = std::lower_bound(first, pixels.end(), high);
  return {begin + int(first - pixels.begin()), begin + int(last - pixels.begin())};
}

// A tile's part on screen, handed to a layer's drawing: its values, its side, and for each
// screen column in [x0, x1) and row in [y0, y1) the column and row inside the tile.
struct TileSpan {
  const float* values;
  int side;
  int x0, x1, y0, y1;
  const int* columns;
  const int* rows;
};

// Walks the tiles of one channel and plane at the level for the camera's scale over screen
// columns [x0, x1) and rows [y0, y1), handing the cached ones to `draw`; missing ones are listed
// and a coarser cached tile drawn in their place.
template <class Draw>
void walkTiles(const PyramidSource& source, int sourceId, int channel, int plane,
               const SectionCamera& camera, int x0, int x1, int y0, int y1, TileCache& cache,
               CompositeStats& stats, Draw&& draw) {
  const PyramidInfo& info = source.info();
  if (info.levels.empty() || channel < 0 || channel >= int(info.channels.size()) ||
      info.tile <= 0 || x0 >= x1 || y0 >= y1)
    return;
  if (info.planes == 1) plane = 0;  // a 2D image shows on every plane
  if (plane < 0 || plane >= info.planes) return;
  const int level =
      std::clamp(levelForScale(info, camera.umPerPixel), 0, int(info.levels.size()) - 1);
  const std::int64_t tile = info.tile;
  std::vector<int> columns, rows;
  // Draws the part of tile (row, col) of level `lv` on screen, given the level pixel of each
  // screen column from `colBegin` and each row from `rowBegin`.
  auto drawPart = [&](const TilePixels& values, const PyramidLevel& lv, std::int64_t row,
                      std::int64_t col, const std::vector<std::int64_t>& colPixels, int colBegin,
                      const std::vector<std::int64_t>& rowPixels, int rowBegin) {
    const auto xs = screenSpan(colPixels, colBegin, std::max<std::int64_t>(0, col * tile),
                               std::min(lv.width, (col + 1) * tile));
    const auto ys = screenSpan(rowPixels, rowBegin, std::max<std::int64_t>(0, row * tile),
                               std::min(lv.height, (row + 1) * tile));
    if (xs[0] >= xs[1] || ys[0] >= ys[1]) return;
    if (values.size() < std::size_t(tile * tile)) return;  // a damaged tile draws nothing
    columns.resize(std::size_t(xs[1] - xs[0]));
    rows.resize(std::size_t(ys[1] - ys[0]));
    for (int x = xs[0]; x < xs[1]; ++x)
      columns[std::size_t(x - xs[0])] = int(colPixels[std::size_t(x - colBegin)] - col * tile);
    for (int y = ys[0]; y < ys[1]; ++y)
      rows[std::size_t(y - ys[0])] = int(rowPixels[std::size_t(y - rowBegin)] - row * tile);
    draw(TileSpan{values.data(), int(tile), xs[0], xs[1], ys[0], ys[1], columns.data(),
                  rows.data()});
  };

  const PyramidLevel& lv = info.levels[std::size_t(level)];
  if (lv.pixelUm * 4 < camera.umPerPixel) {
    const double tileUm = double(tile) * lv.pixelUm;
    const double across = std::ceil(double(x1 - x0) * camera.umPerPixel / tileUm) + 1;
    const double down = std::ceil(double(y1 - y0) * camera.umPerPixel / tileUm) + 1;
    if (across * down > double(kMaxTilesPerLayer)) {
      ++stats.layersWithoutLevel;
      return;
    }
  }
  const auto colPixels = levelPixels(camera, true, x0, x1, info.originXUm, lv.pixelUm);
  const auto rowPixels = levelPixels(camera, false, y0, y1, info.originYUm, lv.pixelUm);
  const auto [ux0, uy0] = camera.screenToSection(x0, y0);
  const auto [ux1, uy1] = camera.screenToSection(x1, y1);
  for (const TileKey& key :
       tilesCovering(info, sourceId, level, channel, plane, RectUm{ux0, uy0, ux1, uy1})) {
    const auto xs = screenSpan(colPixels, x0, std::max<std::int64_t>(0, key.col * tile),
                               std::min(lv.width, (key.col + 1) * tile));
    const auto ys = screenSpan(rowPixels, y0, std::max<std::int64_t>(0, key.row * tile),
                               std::min(lv.height, (key.row + 1) * tile));
    if (xs[0] >= xs[1] || ys[0] >= ys[1]) continue;
    if (const auto values = cache.find(key)) {
      drawPart(*values, lv, key.row, key.col, colPixels, x0, rowPixels, y0);
      ++stats.tilesDrawn;
      continue;
    }
    stats.missing.push_back(key);
    // A coarser cached tile, magnified, over this tile's screen part meanwhile.
    for (int up = 1; up <= kStandInLevels && level + up < int(info.levels.size()); ++up) {
      const PyramidLevel& coarse = info.levels[std::size_t(level + up)];
      const auto cols = levelPixels(camera, true, xs[0], xs[1], info.originXUm, coarse.pixelUm);
      const auto rws = levelPixels(camera, false, ys[0], ys[1], info.originYUm, coarse.pixelUm);
      const std::int64_t c0 = std::max<std::int64_t>(0, cols.front()) / tile,
                         c1 = std::max<std::int64_t>(0, cols.back()) / tile;
      const std::int64_t r0 = std::max<std::int64_t>(0, rws.front()) / tile,
                         r1 = std::max<std::int64_t>(0, rws.back()) / tile;
      if ((c1 - c0 + 1) * (r1 - r0 + 1) > 4) continue;  // not a pyramid of halvings
      std::vector<std::pair<TileKey, std::shared_ptr<const TilePixels>>> found;
      for (std::int64_t r = r0; r <= r1; ++r)
        for (std::int64_t c = c0; c <= c1; ++c) {
          TileKey coarseKey = key;
          coarseKey.level = level + up;
          coarseKey.row = r;
          coarseKey.col = c;
          if (auto values = cache.find(coarseKey)) found.emplace_back(coarseKey, std::move(values));
        }
      if (found.size() != std::size_t((c1 - c0 + 1) * (r1 - r0 + 1))) continue;
      for (const auto& [coarseKey, values] : found)
        drawPart(*values, coarse, coarseKey.row, coarseKey.col, cols, xs[0], rws, ys[0]);
      ++stats.tilesStandIn;
      break;
    }
  }
}

// The section rectangle under screen columns [x0, x1) and every row.
RectUm visibleColumns(const SectionCamera& camera, int x0, int x1) {
  const auto [ux0, uy0] = camera.screenToSection(x0, 0);
  const auto [ux1, uy1] = camera.screenToSection(x1, camera.height);
  return {ux0, uy0, ux1, uy1};
}

template <bool Additive>
void drawImageSpan(Canvas& canvas, const ColourLut& lut, const TileSpan& span) {
  const int n = span.x1 - span.x0;
  for (int y = span.y0; y < span.y1; ++y) {
    const float* row = span.values + std::size_t(span.rows[y - span.y0]) * std::size_t(span.side);
    const int* columns = span.columns;
    std::uint8_t* dst = canvas.at(span.x0, y);
    for (int i = 0; i < n; ++i, dst += 4) {
      const float value = row[columns[i]];
      if (std::isnan(value)) continue;
      blend(dst, lut.colour(value), Additive, lut.alpha);
    }
  }
}

void drawImage(Canvas& canvas, const SectionScene& scene, const SectionLayer& layer,
               const SectionCamera& camera, int x0, int x1, int plane, TileCache& cache,
               CompositeStats& stats) {
  const auto source = scene.source(layer.source);
  if (!source) return;
  const ColourLut lut(layer.style);
  walkTiles(*source, layer.source, layer.channel, plane, camera, x0, x1, 0, camera.height, cache,
            stats, [&](const TileSpan& span) {
              if (lut.additive)
                drawImageSpan<true>(canvas, lut, span);
              else
                drawImageSpan<false>(canvas, lut, span);
            });
}

// Atlas labels as edges: a pixel whose label differs from its right or lower neighbour's.
void drawAtlasOutline(Canvas& canvas, const SectionScene& scene, const SectionLayer& layer,
                      const SectionCamera& camera, int x0, int x1, int plane, TileCache& cache,
                      CompositeStats& stats) {
  const auto source = scene.source(layer.source);
  if (!source) return;
  // One column and row more than drawn, so that edges meet across export strips and pieces.
  const int w = x1 - x0 + 1, h = camera.height + 1;
  // Screen pixels past the label image or over tiles not yet read hold +inf: no edge is drawn
  // against them (NaN is outside the brain, whose surface is an edge).
  std::vector<float> labels(std::size_t(w) * std::size_t(h),
                            std::numeric_limits<float>::infinity());
  walkTiles(*source, layer.source, layer.channel, plane, camera, x0, x1 + 1, 0, h, cache, stats,
            [&](const TileSpan& span) {
              for (int y = span.y0; y < span.y1; ++y) {
                const float* row =
                    span.values + std::size_t(span.rows[y - span.y0]) * std::size_t(span.side);
                float* dst = &labels[std::size_t(y) * std::size_t(w) + std::size_t(span.x0 - x0)];
                for (int i = 0; i < span.x1 - span.x0; ++i) dst[i] = row[span.columns[i]];
              }
            });
  auto differ = [](float a, float b) {
    if (std::isinf(a) || std::isinf(b)) return false;
    return std::isnan(a) ? !std::isnan(b) : (std::isnan(b) || a != b);
  };
  const Paint paint = paintOf(colormapColour(layer.style.colormap, 1), layer.style);
  for (int y = 0; y < camera.height; ++y) {
    const float* row = &labels[std::size_t(y) * std::size_t(w)];
    const float* below = row + w;
    for (int i = 0; i < w - 1; ++i)
      if (differ(row[i], row[i + 1]) || differ(row[i], below[i]))
        blend(canvas.at(x0 + i, y), paint);
  }
}

void drawPoints(Canvas& canvas, const SectionScene& scene, const SectionLayer& layer,
                const SectionCamera& camera, int x0, int x1, int plane, TileCache& cache,
                CompositeStats& stats) {
  // Points or density is decided on the whole pane, so that the pieces of an export agree.
  if (!layer.transcripts ||
      layer.transcripts->count(visibleColumns(camera, 0, camera.width), plane, layer.genes,
                               layer.pointLimit) > layer.pointLimit) {
    drawImage(canvas, scene, layer, camera, x0, x1, plane, cache, stats);  // the density
    return;
  }
  const double radius =
      std::isfinite(layer.pointRadiusPx) ? std::clamp(layer.pointRadiusPx, 0.0, 64.0) : 1.5;
  std::vector<std::array<int, 2>> disc;
  const int reach = int(std::ceil(radius));
  for (int dy = -reach; dy <= reach; ++dy)
    for (int dx = -reach; dx <= reach; ++dx)
      if (dx * dx + dy * dy <= radius * radius) disc.push_back({dx, dy});
  if (disc.empty()) disc.push_back({0, 0});
  const RectUm visible = visibleColumns(camera, x0, x1);
  const double marginUm = (reach + 1) * camera.umPerPixel;
  const RectUm around{visible.x0 - marginUm, visible.y0 - marginUm, visible.x1 + marginUm,
                      visible.y1 + marginUm};
  std::uint32_t lastGene = std::numeric_limits<std::uint32_t>::max();
  Paint paint;
  layer.transcripts->visit(around, plane, layer.genes,
                           [&](float xUm, float yUm, std::uint32_t gene) {
                             if (gene != lastGene) {
                               paint = paintOf(TranscriptIndex::geneColour(gene), layer.style);
                               lastGene = gene;
                             }
                             const auto [sx, sy] = camera.sectionToScreen(xUm, yUm);
                             const double cx = std::floor(sx), cy = std::floor(sy);
                             if (!(cx > x0 - reach - 2 && cx < x1 + reach + 2 && cy > -reach - 2 &&
                                   cy < camera.height + reach + 2))
                               return true;
                             for (const auto& [dx, dy] : disc) {
                               const int x = int(cx) + dx, y = int(cy) + dy;
                               if (x >= x0 && x < x1 && y >= 0 && y < camera.height)
                                 blend(canvas.at(x, y), paint);
                             }
                             ++stats.pointsDrawn;
                             return true;
                           });
}

// Clips the segment to [x0, x1] × [y0, y1] (Liang–Barsky); false when nothing is left.
bool clipSegment(double& ax, double& ay, double& bx, double& by, double x0, double y0, double x1,
                 double y1) {
  double t0 = 0, t1 = 1;
  const double dx = bx - ax, dy = by - ay;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {ax - x0, x1 - ax, ay - y0, y1 - ay};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0)
      t0 = std::max(t0, t);
    else
      t1 = std::min(t1, t);
    if (t0 > t1) return false;
  }
  const double sx = ax, sy = ay;
  ax = sx + t0 * dx;
  ay = sy + t0 * dy;
  bx = sx + t1 * dx;
  by = sy + t1 * dy;
  return true;
}

void drawLine(Canvas& canvas, double ax, double ay, double bx, double by, int x0, int x1,
              int height, const Paint& paint) {
  if (!std::isfinite(ax) || !std::isfinite(ay) || !std::isfinite(bx) || !std::isfinite(by)) return;
  if (!clipSegment(ax, ay, bx, by, x0, 0, x1 - 1e-6, height - 1e-6)) return;
  int x = int(std::floor(ax)), y = int(std::floor(ay));
  const int xe = int(std::floor(bx)), ye = int(std::floor(by));
  const int dx = std::abs(xe - x), dy = -std::abs(ye - y);
  const int stepX = x < xe ? 1 : -1, stepY = y < ye ? 1 : -1;
  int error = dx + dy;
  for (;;) {
    if (x >= x0 && x < x1 && y >= 0 && y < height) blend(canvas.at(x, y), paint);
    if (x == xe && y == ye) break;
    const int e2 = 2 * error;
    if (e2 >= dy) {
      error += dy;
      x += stepX;
    }
    if (e2 <= dx) {
      error += dx;
      y += stepY;
    }
  }
}

void drawShapes(Canvas& canvas, const SectionLayer& layer, const SectionCamera& camera, int x0,
                int x1, CompositeStats& stats) {
  if (!layer.outlines || !(camera.umPerPixel <= layer.outlinesBelowUmPerPixel)) return;
  const Paint paint = paintOf(colormapColour(layer.style.colormap, 1), layer.style);
  layer.outlines->visit(visibleColumns(camera, x0, x1),
                        [&](const std::vector<std::array<float, 2>>& ring) {
                          if (ring.empty()) return;
                          auto previous = camera.sectionToScreen(ring.back()[0], ring.back()[1]);
                          for (const auto& vertex : ring) {
                            const auto next = camera.sectionToScreen(vertex[0], vertex[1]);
                            drawLine(canvas, previous[0], previous[1], next[0], next[1], x0, x1,
                                     camera.height, paint);
                            previous = next;
                          }
                          ++stats.outlinesDrawn;
                        });
}

// A pane of the picture: its camera (its own width) and the picture column of its column 0.
struct Pane {
  SectionCamera camera;
  int x0 = 0;
};

// Draws `layer` in the pane's columns that are also picture columns [clip0, clip1) and in the
// image (picture columns [imageX0, imageX0 + image.width)).
void drawLayer(RgbaImage& image, int imageX0, const SectionScene& scene, const SectionLayer& layer,
               const Pane& pane, int clip0, int clip1, int plane, TileCache& cache,
               CompositeStats& stats) {
  const int first = std::max({clip0, pane.x0, imageX0});
  const int last = std::min({clip1, pane.x0 + pane.camera.width, imageX0 + image.width});
  if (first >= last) return;
  Canvas canvas{image, pane.x0 - imageX0};
  const int x0 = first - pane.x0, x1 = last - pane.x0;
  switch (layer.kind) {
    case SectionLayerKind::Image:
      drawImage(canvas, scene, layer, pane.camera, x0, x1, plane, cache, stats);
      break;
    case SectionLayerKind::Points:
      drawPoints(canvas, scene, layer, pane.camera, x0, x1, plane, cache, stats);
      break;
    case SectionLayerKind::Shapes:
      drawShapes(canvas, layer, pane.camera, x0, x1, stats);
      break;
    case SectionLayerKind::AtlasOutline:
      drawAtlasOutline(canvas, scene, layer, pane.camera, x0, x1, plane, cache, stats);
      break;
  }
}

// Picture columns [x0, x1) of the image in one colour (dividers and the swipe line).
void drawColumns(RgbaImage& image, int imageX0, int x0, int x1, std::uint8_t grey) {
  x0 = std::max(x0 - imageX0, 0);
  x1 = std::min(x1 - imageX0, image.width);
  for (int y = 0; y < image.height; ++y)
    for (int x = x0; x < x1; ++x) {
      std::uint8_t* p = image.at(x, y);
      p[0] = p[1] = p[2] = grey;
    }
}

}  // namespace

RgbaImage composeSectionColumns(const SectionScene& scene, const SectionCamera& camera, int x0,
                                int width, int plane, const CompareSettings& compare,
                                TileCache& cache, CompositeStats* stats) {
  const int height = std::max(0, camera.height);
  RgbaImage image(std::max(0, width), height);
  for (std::size_t i = 3; i < image.pixels.size(); i += 4) image.pixels[i] = 255;
  CompositeStats local;
  CompositeStats& out = stats ? *stats : local;
  out = CompositeStats{};
  if (image.width == 0 || height == 0 || !(camera.umPerPixel > 0) ||
      !std::isfinite(camera.umPerPixel) || camera.width < 1)
    return image;

  const int full = camera.width;
  auto draw = [&](const Pane& pane, bool left, bool right, int clip0, int clip1) {
    for (const SectionLayer& layer : scene.layers()) {
      if (!layer.style.visible) continue;
      if ((layer.style.side == CompareSide::Left && !left) ||
          (layer.style.side == CompareSide::Right && !right))
        continue;
      drawLayer(image, x0, scene, layer, pane, clip0, clip1, plane, cache, out);
    }
  };
  switch (compare.mode) {
    case CompareMode::Overlay:
      draw(Pane{camera, 0}, true, true, 0, full);
      break;
    case CompareMode::SideBySide: {
      // Linked cameras: each pane has the view's centre and scale.
      const int half = full / 2;
      Pane leftPane{camera, 0}, rightPane{camera, half};
      leftPane.camera.width = half;
      rightPane.camera.width = full - half;
      if (half > 0) draw(leftPane, true, false, 0, half);
      draw(rightPane, false, true, half, full);
      drawColumns(image, x0, half - 1, half + 1, 128);
      break;
    }
    case CompareMode::Swipe: {
      const double swipe = std::isfinite(compare.swipe) ? std::clamp(compare.swipe, 0.0, 1.0) : 0.5;
      const int line = int(std::lround(swipe * full));
      const Pane pane{camera, 0};
      // Layer order holds across the line: each layer draws on its side only.
      for (const SectionLayer& layer : scene.layers()) {
        if (!layer.style.visible) continue;
        const int clip0 = layer.style.side == CompareSide::Right ? line : 0;
        const int clip1 = layer.style.side == CompareSide::Left ? line : full;
        drawLayer(image, x0, scene, layer, pane, clip0, clip1, plane, cache, out);
      }
      drawColumns(image, x0, line - 1, line + 1, 255);
      break;
    }
  }

  // A Both layer of side-by-side panes wants its tiles once.
  std::unordered_set<TileKey, TileKeyHash> seen;
  std::vector<TileKey> missing;
  for (const TileKey& key : out.missing)
    if (seen.insert(key).second) missing.push_back(key);
  out.missing = std::move(missing);
  return image;
}

RgbaImage composeSection(const SectionScene& scene, const SectionCamera& camera, int plane,
                         const CompareSettings& compare, TileCache& cache, CompositeStats* stats) {
  return composeSectionColumns(scene, camera, 0, camera.width, plane, compare, cache, stats);
}

}  // namespace teramind
