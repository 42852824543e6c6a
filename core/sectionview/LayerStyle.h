#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace teramind {

// Colour maps of the section view's layers, as napari names them.
enum class LayerColormap { Gray, Red, Green, Blue, Magenta, Cyan, Yellow, Fire, Viridis };
std::string colormapName(LayerColormap colormap);
std::optional<LayerColormap> colormapByName(const std::string& name);
std::vector<LayerColormap> allColormaps();
// t in [0, 1] (clamped) to RGB.
std::array<std::uint8_t, 3> colormapColour(LayerColormap colormap, double t);

// How a layer combines with what is under it: additive adds its colour (channels of one
// image: DAPI blue + PolyT green), translucent covers by its opacity.
enum class LayerBlending { Additive, Translucent };

// Which pane of a side-by-side or swipe comparison shows the layer.
enum class CompareSide { Both, Left, Right };

// The look of a layer, as napari's layer controls set it.
struct LayerStyle {
  bool visible = true;
  double opacity = 1;                       // [0, 1]
  double contrastMin = 0, contrastMax = 1;  // source units: contrastMin black, contrastMax full
  double gamma = 1;
  LayerColormap colormap = LayerColormap::Gray;
  LayerBlending blending = LayerBlending::Additive;
  CompareSide side = CompareSide::Both;
  bool colourBar = false;  // drawn in views and exports when visible
};

}  // namespace teramind
