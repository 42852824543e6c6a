#include "sectionview/LayerStyle.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "analysis/Colormap.h"
#include "common/AsciiCase.h"

namespace teramind {

namespace {

struct NamedColormap {
  LayerColormap colormap;
  const char* name;
};

constexpr NamedColormap kColormaps[] = {
    {LayerColormap::Gray, "gray"},       {LayerColormap::Red, "red"},
    {LayerColormap::Green, "green"},     {LayerColormap::Blue, "blue"},
    {LayerColormap::Magenta, "magenta"}, {LayerColormap::Cyan, "cyan"},
    {LayerColormap::Yellow, "yellow"},   {LayerColormap::Fire, "fire"},
    {LayerColormap::Viridis, "viridis"},
};

std::uint8_t byteOf(double unit) {
  return std::uint8_t(std::lround(unit * 255));
}

// From black to the colour (each component 0 or 1), linearly.
std::array<std::uint8_t, 3> ramp(double t, int red, int green, int blue) {
  return {byteOf(t * red), byteOf(t * green), byteOf(t * blue)};
}

// ImageJ's and napari's "fire" in three straight pieces: black, red, yellow, white.
std::array<std::uint8_t, 3> fire(double t) {
  const double s = t * 3;
  return {byteOf(std::min(s, 1.0)), byteOf(std::clamp(s - 1, 0.0, 1.0)),
          byteOf(std::clamp(s - 2, 0.0, 1.0))};
}

}  // namespace

std::string colormapName(LayerColormap colormap) {
  for (const auto& named : kColormaps)
    if (named.colormap == colormap) return named.name;
  return "gray";
}

std::optional<LayerColormap> colormapByName(const std::string& name) {
  std::string lower = asciiLower(name);
  if (lower == "grey" || lower == "grays" || lower == "greys") lower = "gray";
  for (const auto& named : kColormaps)
    if (lower == named.name) return named.colormap;
  return std::nullopt;
}

std::vector<LayerColormap> allColormaps() {
  std::vector<LayerColormap> all;
  for (const auto& named : kColormaps) all.push_back(named.colormap);
  return all;
}

std::array<std::uint8_t, 3> colormapColour(LayerColormap colormap, double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  switch (colormap) {
    case LayerColormap::Gray:
      return ramp(t, 1, 1, 1);
    case LayerColormap::Red:
      return ramp(t, 1, 0, 0);
    case LayerColormap::Green:
      return ramp(t, 0, 1, 0);
    case LayerColormap::Blue:
      return ramp(t, 0, 0, 1);
    case LayerColormap::Magenta:
      return ramp(t, 1, 0, 1);
    case LayerColormap::Cyan:
      return ramp(t, 0, 1, 1);
    case LayerColormap::Yellow:
      return ramp(t, 1, 1, 0);
    case LayerColormap::Fire:
      return fire(t);
    case LayerColormap::Viridis:
      return viridis(t);
  }
  return ramp(t, 1, 1, 1);
}

}  // namespace teramind
