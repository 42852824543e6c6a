#pragma once

#include <cstdint>

#include "io/SpatialDataset.h"
#include "volume/Image3D.h"

namespace teramind {

// The section as one grey picture in its own µm frame (pixel centres in the image's
// PhysicalFrame), for clicking landmarks on: the first stain image, read as an overview by
// window, or where there is none, the density of all molecules (or cell centroids) over all
// planes, longer side at most `maxSide` pixels. Throws FileError when the dataset holds neither.
Image3D<std::uint8_t> sectionOverview(const SpatialDataset& dataset, int maxSide = 1024);

}  // namespace teramind
