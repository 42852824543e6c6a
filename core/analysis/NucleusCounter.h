#pragma once

#include <vector>

#include "analysis/ImageSimilarity.h"

namespace teramind {

struct NucleusCount {
  int nuclei = 0;
  double threshold = 0;      // Otsu threshold used
  double meanAreaPx = 0;     // mean area of the counted objects
  std::vector<int> areasPx;  // each counted object's area, in the order found (row-major)
};

// The smallest object counted as a nucleus at `pixelUm`: 20 µm², at least 4 pixels.
int nucleusMinAreaPx(double pixelUm);

// Counts nuclei in a DAPI image: Otsu threshold over 256 levels between the image's min and
// max, 8-connected foreground components of at least `minAreaPx` pixels. A simple stand-in for
// the paper's Cellpose count, applied the same way to real and generated images.
NucleusCount countNuclei(const GreyImage& dapi, int minAreaPx);

}  // namespace teramind
