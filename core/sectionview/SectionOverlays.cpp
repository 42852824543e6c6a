// The scale bar, colour bars and plane label drawn over the section view and its exports.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <optional>

#include "sectionview/SectionCompositor.h"
#include "sectionview/TranscriptIndex.h"

namespace teramind {

namespace {

using Rgb = std::array<std::uint8_t, 3>;
constexpr Rgb kWhite{255, 255, 255}, kDark{16, 16, 16};

// Overlay sizes grow with the picture so that a large export's bar stays legible.
double overlayScale(int fullWidth, int fullHeight) {
  return std::max(1.0, std::min(fullWidth, fullHeight) / 800.0);
}

// A rectangle of the full picture, [x0, x1) × [y0, y1).
struct Box {
  int x0, y0, x1, y1;
};

// Fills the part of `box` (full picture rows) that lies in the strip of rows [stripY0, ...).
void fill(RgbaImage& image, int stripY0, const Box& box, const Rgb& rgb) {
  const int x0 = std::max(box.x0, 0), x1 = std::min(box.x1, image.width);
  const int y0 = std::max(box.y0 - stripY0, 0), y1 = std::min(box.y1 - stripY0, image.height);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      std::uint8_t* p = image.at(x, y);
      p[0] = rgb[0];
      p[1] = rgb[1];
      p[2] = rgb[2];
      p[3] = 255;
    }
}

// Blends a text mask with its top-left corner at (x, y) of the full picture, over a one-pixel
// dark outline all round so that it reads on any stain, bright tissue included.
void drawText(RgbaImage& image, int stripY0, const TextMask& mask, int x, int y, const Rgb& rgb) {
  if (mask.width <= 0 || mask.height <= 0 ||
      mask.coverage.size() < std::size_t(mask.width) * std::size_t(mask.height))
    return;
  auto put = [&](int ox, int oy, const Rgb& colour) {
    for (int my = 0; my < mask.height; ++my) {
      const int iy = y + oy + my - stripY0;
      if (iy < 0 || iy >= image.height) continue;
      for (int mx = 0; mx < mask.width; ++mx) {
        const int ix = x + ox + mx;
        if (ix < 0 || ix >= image.width) continue;
        const int a = mask.coverage[std::size_t(my) * std::size_t(mask.width) + std::size_t(mx)];
        if (a == 0) continue;
        std::uint8_t* p = image.at(ix, iy);
        for (int c = 0; c < 3; ++c) p[c] = std::uint8_t(p[c] + (colour[c] - p[c]) * a / 255);
      }
    }
  };
  for (int oy = -1; oy <= 1; ++oy)
    for (int ox = -1; ox <= 1; ++ox)
      if (ox != 0 || oy != 0) put(ox, oy, kDark);
  put(0, 0, rgb);
}

TextMask rasterise(const TextRasteriser& text, const std::string& s, int pixelHeight) {
  if (!text || s.empty()) return {};
  return text(s, pixelHeight);
}

// The text as wide as fits in `maxWidth`: whole when it fits, else its longest start (whole UTF-8
// characters) with an ellipsis; empty when not even the ellipsis fits.
TextMask rasteriseFitted(const TextRasteriser& text, const std::string& s, int pixelHeight,
                         int maxWidth) {
  TextMask whole = rasterise(text, s, pixelHeight);
  if (whole.width <= maxWidth) return whole;
  std::vector<std::size_t> starts;  // byte offsets of the characters after the first
  for (std::size_t i = 1; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  // The most characters kept whose text fits, found by halving (width grows with the length).
  TextMask best;
  // Keep k characters (starts[k - 1] bytes) for k in [low, high): at most all but the last.
  std::size_t low = 0, high = starts.size() + 1;
  while (low < high) {
    const std::size_t mid = (low + high) / 2;
    std::size_t keep = mid == 0 ? 0 : starts[mid - 1];
    while (keep > 0 && s[keep - 1] == ' ') --keep;
    TextMask candidate = rasterise(text, s.substr(0, keep) + "\u2026", pixelHeight);
    if (candidate.width <= maxWidth) {
      best = std::move(candidate);
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return best;
}

// Whole numbers as they are (65535, not 6.554e+04), others to four figures.
std::string formatValue(double value) {
  if (std::isfinite(value) && value == std::round(value) && std::abs(value) < 1e9)
    return fmt::format("{:.0f}", value);
  return fmt::format("{:.4g}", value);
}

}  // namespace

ScaleBar chooseScaleBar(double umPerPixel, double maxPixels) {
  ScaleBar bar;
  if (!(umPerPixel > 0) || !std::isfinite(umPerPixel) || !(maxPixels >= 1) ||
      !std::isfinite(maxPixels))
    return bar;
  const double maxUm = umPerPixel * maxPixels * (1 + 1e-9);
  double decade = std::pow(10.0, std::floor(std::log10(maxUm)));
  if (decade * 10 <= maxUm) decade *= 10;  // log10 rounding
  if (decade > maxUm) decade /= 10;
  for (const double step : {5.0, 2.0, 1.0})
    if (step * decade <= maxUm) {
      bar.lengthUm = step * decade;
      break;
    }
  bar.pixels = bar.lengthUm / umPerPixel;
  bar.label = bar.lengthUm < 1000 ? formatValue(bar.lengthUm) + " \u00b5m"
                                  : formatValue(bar.lengthUm / 1000) + " mm";
  return bar;
}

ScaleBar scaleBarFor(int fullWidth, double umPerPixel) {
  return chooseScaleBar(umPerPixel, std::max(1.0, fullWidth / 5.0));
}

namespace {

// Where drawScaleBar puts the bar and its label on a picture.
struct ScaleBarLayout {
  Box bar;  // the white bar, its outline one `outline` wider all round
  int outline = 1;
  TextMask label;
  int labelX = 0, labelY = 0;
  // One past the rightmost column the bar, its outline or its label (outline included) covers.
  int right() const { return std::max(bar.x1 + outline, labelX + label.width + 1); }
};

std::optional<ScaleBarLayout> layScaleBar(int fullWidth, int fullHeight, double umPerPixel,
                                          const TextRasteriser& text) {
  const ScaleBar bar = scaleBarFor(fullWidth, umPerPixel);
  if (bar.pixels < 1 || fullHeight < 1) return std::nullopt;
  const double s = overlayScale(fullWidth, fullHeight);
  const int margin = int(std::lround(16 * s)), thickness = int(std::lround(6 * s));
  ScaleBarLayout layout;
  layout.outline = std::max(1, int(std::lround(s)));
  layout.bar = {margin, fullHeight - margin - thickness, margin + int(std::lround(bar.pixels)),
                fullHeight - margin};
  layout.label = rasterise(text, bar.label, int(std::lround(14 * s)));
  layout.labelX = layout.bar.x0;
  layout.labelY = layout.bar.y0 - layout.outline - int(std::lround(3 * s)) - layout.label.height;
  return layout;
}

}  // namespace

void drawScaleBar(RgbaImage& image, int y0, int fullWidth, int fullHeight, double umPerPixel,
                  const TextRasteriser& text) {
  const auto layout = layScaleBar(fullWidth, fullHeight, umPerPixel, text);
  if (!layout) return;
  const Box& box = layout->bar;
  const int outline = layout->outline;
  fill(image, y0, {box.x0 - outline, box.y0 - outline, box.x1 + outline, box.y1 + outline}, kDark);
  fill(image, y0, box, kWhite);
  drawText(image, y0, layout->label, layout->labelX, layout->labelY, kWhite);
}

void drawColourBars(RgbaImage& image, int y0, int fullWidth, int fullHeight,
                    const SectionScene& scene, const TextRasteriser& text) {
  const double s = overlayScale(fullWidth, fullHeight);
  const int margin = int(std::lround(16 * s)), fullBarWidth = int(std::lround(160 * s));
  const int barHeight = int(std::lround(10 * s)), textHeight = int(std::lround(12 * s));
  const int gap = int(std::lround(3 * s)), outline = std::max(1, int(std::lround(s)));
  // A narrow picture gets narrower bars; every bar and its labels stay inside the picture.
  const int barWidth = std::min(fullBarWidth, fullWidth - 2 * margin);
  if (barWidth < 16) return;
  const int x0 = fullWidth - margin - barWidth;
  int top = margin;
  // Top layer first, as the layer list shows it.
  for (auto layer = scene.layers().rbegin(); layer != scene.layers().rend(); ++layer) {
    const LayerStyle& style = layer->style;
    // Values have colours only in images and the points' density.
    if (!style.visible || !style.colourBar ||
        (layer->kind != SectionLayerKind::Image && layer->kind != SectionLayerKind::Points))
      continue;
    const std::string title =
        layer->unit.empty() ? layer->name : layer->name + " (" + layer->unit + ")";
    // A title wider than the bar starts further left, ends at the bar's right end, and is cut
    // short with an ellipsis where the picture is narrower still.
    const TextMask name = rasteriseFitted(text, title, textHeight, fullWidth - 2 * margin);
    const int barTop = top + (name.height > 0 ? name.height + gap : 0);
    if (barTop + barHeight > fullHeight) break;
    drawText(image, y0, name, std::min(x0, x0 + barWidth - name.width), top, kWhite);
    fill(image, y0,
         {x0 - outline, barTop - outline, x0 + barWidth + outline, barTop + barHeight + outline},
         kDark);
    const double gamma = std::isfinite(style.gamma) && style.gamma > 0 ? style.gamma : 1;
    for (int i = 0; i < barWidth; ++i) {
      const double t = std::pow((i + 0.5) / barWidth, gamma);
      fill(image, y0, {x0 + i, barTop, x0 + i + 1, barTop + barHeight},
           colormapColour(style.colormap, t));
    }
    const TextMask low = rasterise(text, formatValue(style.contrastMin), textHeight);
    const TextMask high = rasterise(text, formatValue(style.contrastMax), textHeight);
    const int labelTop = barTop + barHeight + outline + gap;
    drawText(image, y0, low, x0, labelTop, kWhite);
    drawText(image, y0, high, std::max(0, x0 + barWidth - high.width), labelTop, kWhite);
    top = labelTop + std::max({low.height, high.height, 0}) + 2 * gap;
  }
}

std::string planeLabel(const SectionScene& scene, int plane) {
  // The planes of what is shown: visible layers' sources and molecules.
  int planes = 1;
  double planeUm = 0;
  const auto take = [&](int count, double spacing) {
    if (count > planes) {
      planes = count;
      planeUm = spacing;
    }
  };
  for (const SectionLayer& layer : scene.layers()) {
    if (!layer.style.visible) continue;
    if (const auto source = scene.source(layer.source))
      take(source->info().planes, source->info().planeUm);
    if (layer.kind == SectionLayerKind::Points && layer.transcripts)
      take(layer.transcripts->planes(), layer.transcripts->planeUm());
  }
  if (planes <= 1) return {};
  // 0-based as the data numbers them: "plane 2 of 0–2" (of three), never read as "2nd of 3".
  std::string label = fmt::format("plane {} of 0\u2013{}", plane, planes - 1);
  if (std::isfinite(planeUm) && planeUm > 0)
    label += fmt::format(" \u00b7 z {:.1f} \u00b5m", plane * planeUm);
  return label;
}

void drawPlaneLabel(RgbaImage& image, int y0, int fullWidth, int fullHeight,
                    const SectionScene& scene, int plane, const TextRasteriser& text,
                    double scaleBarUmPerPixel) {
  const std::string label = planeLabel(scene, plane);
  if (label.empty() || fullWidth < 1 || fullHeight < 1) return;
  const double s = overlayScale(fullWidth, fullHeight);
  const int margin = int(std::lround(16 * s));
  // The label shares the bottom rows with the scale bar: it keeps right of the bar and its label.
  int left = margin;
  if (const auto bar = layScaleBar(fullWidth, fullHeight, scaleBarUmPerPixel, text))
    left = std::max(left, bar->right() + margin);
  const TextMask mask =
      rasteriseFitted(text, label, int(std::lround(14 * s)), fullWidth - margin - left);
  drawText(image, y0, mask, std::max(0, fullWidth - margin - mask.width),
           fullHeight - margin - mask.height, kWhite);
}

}  // namespace teramind
