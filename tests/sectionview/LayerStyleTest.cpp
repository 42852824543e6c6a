#include "sectionview/LayerStyle.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "analysis/Colormap.h"

using namespace teramind;

using Rgb = std::array<std::uint8_t, 3>;

TEST(LayerStyle, ColormapsAreNamedAsNapariNamesThem) {
  std::set<std::string> names;
  for (LayerColormap colormap : allColormaps()) {
    const std::string name = colormapName(colormap);
    names.insert(name);
    EXPECT_EQ(colormapByName(name), colormap) << name;
  }
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(colormapByName("Magenta"), LayerColormap::Magenta);
  EXPECT_EQ(colormapByName("grey"), LayerColormap::Gray);
  EXPECT_FALSE(colormapByName("jet").has_value());
  EXPECT_FALSE(colormapByName("").has_value());
}

TEST(LayerStyle, SingleColourMapsRampFromBlack) {
  EXPECT_EQ(colormapColour(LayerColormap::Gray, 0), (Rgb{0, 0, 0}));
  EXPECT_EQ(colormapColour(LayerColormap::Gray, 1), (Rgb{255, 255, 255}));
  EXPECT_EQ(colormapColour(LayerColormap::Gray, 0.5), (Rgb{128, 128, 128}));
  EXPECT_EQ(colormapColour(LayerColormap::Red, 1), (Rgb{255, 0, 0}));
  EXPECT_EQ(colormapColour(LayerColormap::Green, 1), (Rgb{0, 255, 0}));
  EXPECT_EQ(colormapColour(LayerColormap::Blue, 1), (Rgb{0, 0, 255}));
  EXPECT_EQ(colormapColour(LayerColormap::Magenta, 1), (Rgb{255, 0, 255}));
  EXPECT_EQ(colormapColour(LayerColormap::Cyan, 0.2), (Rgb{0, 51, 51}));
  EXPECT_EQ(colormapColour(LayerColormap::Yellow, 1), (Rgb{255, 255, 0}));
  // Clamped, and a value that is not a number is black.
  EXPECT_EQ(colormapColour(LayerColormap::Blue, 7), (Rgb{0, 0, 255}));
  EXPECT_EQ(colormapColour(LayerColormap::Blue, -1), (Rgb{0, 0, 0}));
  EXPECT_EQ(colormapColour(LayerColormap::Gray, std::nan("")), (Rgb{0, 0, 0}));
}

TEST(LayerStyle, FireGoesThroughRedAndYellowToWhite) {
  EXPECT_EQ(colormapColour(LayerColormap::Fire, 0), (Rgb{0, 0, 0}));
  EXPECT_EQ(colormapColour(LayerColormap::Fire, 1.0 / 3), (Rgb{255, 0, 0}));
  EXPECT_EQ(colormapColour(LayerColormap::Fire, 2.0 / 3), (Rgb{255, 255, 0}));
  EXPECT_EQ(colormapColour(LayerColormap::Fire, 1), (Rgb{255, 255, 255}));
  // Never darker as t grows.
  int last = -1;
  for (int i = 0; i <= 100; ++i) {
    const Rgb c = colormapColour(LayerColormap::Fire, i / 100.0);
    const int sum = c[0] + c[1] + c[2];
    EXPECT_GE(sum, last);
    last = sum;
  }
}

TEST(LayerStyle, ViridisIsAnalysisViridis) {
  for (double t : {0.0, 0.3, 0.77, 1.0})
    EXPECT_EQ(colormapColour(LayerColormap::Viridis, t), viridis(t));
}
