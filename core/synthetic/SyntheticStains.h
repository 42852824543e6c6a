#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "synthetic/SyntheticSection.h"
#include "synthetic/SyntheticTissue.h"

namespace teramind::synthetic {

enum class SyntheticStain { Dapi = 0, PolyT = 1 };

// One tile of a stain mosaic, tile × tile px, row-major (pixels past the mosaic's edge are
// rendered too and ignored by the writer). Depends only on the spec, the tissue and the tile's
// place: the noise comes from the tile's own random stream.
std::vector<std::uint16_t> renderSyntheticTile(const SyntheticSectionSpec& spec,
                                               const SyntheticTissue& tissue, const CellGrid& grid,
                                               SyntheticStain stain, int plane,
                                               std::int64_t tileRow, std::int64_t tileCol);

// Renders a whole mosaic into a tiled BigTIFF on spec.threads threads, tile by tile; never
// more than a few tiles in memory. `progress` gets the tiles written so far (called from the
// calling thread only).
void writeSyntheticStain(const SyntheticSectionSpec& spec, const SyntheticTissue& tissue,
                         const CellGrid& grid, SyntheticStain stain, int plane,
                         std::int64_t widthPx, std::int64_t heightPx,
                         const std::filesystem::path& file,
                         const std::function<void(std::int64_t)>& progress);

}  // namespace teramind::synthetic
