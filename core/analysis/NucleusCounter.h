#pragma once

#include "analysis/ImageSimilarity.h"

namespace teramind {

struct NucleusCount {
  int nuclei = 0;
  double threshold = 0;   // Otsu threshold used
  double meanAreaPx = 0;  // mean area of the counted objects
};

// Counts nuclei in a DAPI image: Otsu threshold over 256 levels between the image's min and
// max, 8-connected foreground components of at least `minAreaPx` pixels. A simple stand-in for
// the paper's Cellpose count, applied the same way to real and generated images.
NucleusCount countNuclei(const GreyImage& dapi, int minAreaPx);

}  // namespace teramind
