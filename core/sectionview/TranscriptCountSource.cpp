#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sectionview/HalvingLevels.h"
#include "sectionview/TranscriptIndex.h"

namespace teramind {
namespace {

std::string channelName(const TranscriptIndex& index, const std::vector<std::uint32_t>& genes) {
  if (genes.empty()) return "molecules";
  std::string name;
  for (const auto g : genes) {
    if (!name.empty()) name += "+";
    name += g < index.geneNames().size() ? index.geneNames()[g] : "gene " + std::to_string(g);
  }
  return name;
}

}  // namespace

// Level l's pixel holds the molecules it covers divided by 4^l: the mean count per level-0
// pixel, as the stains' pyramids hold means, so that one contrast range fits every level and
// the view does not brighten as it zooms out.
TranscriptCountSource::TranscriptCountSource(std::shared_ptr<const TranscriptIndex> index,
                                             std::vector<std::uint32_t> genes, std::string name,
                                             double pixelUm, int tile)
    : index_(std::move(index)), genes_(std::move(genes)) {
  if (!index_) throw std::invalid_argument("a count source needs a transcript index");
  if (!(std::isfinite(pixelUm) && pixelUm > 0)) pixelUm = 2;
  tile = std::max(tile, 1);
  info_.name = std::move(name);
  info_.channels = {channelName(*index_, genes_)};
  info_.planes = std::max(1, index_->planes());
  info_.planeUm = index_->planeUm();
  info_.tile = tile;
  const RectUm e = index_->extent();
  std::int64_t width = 1, height = 1;
  if (!e.empty()) {
    info_.originXUm = std::floor(e.x0 / pixelUm) * pixelUm;
    info_.originYUm = std::floor(e.y0 / pixelUm) * pixelUm;
    // Past the largest coordinate (extent().x1 lies just beyond it), capped so that a table
    // whose coordinates are far apart gives a large pyramid but no overflow.
    const auto pixels = [&](double span) {
      return std::int64_t(std::min(std::ceil(span / pixelUm), 1e15));
    };
    width = std::max<std::int64_t>(1, pixels(e.x1 - info_.originXUm));
    height = std::max<std::int64_t>(1, pixels(e.y1 - info_.originYUm));
  }
  info_.levels = halvingLevels(width, height, pixelUm, tile);

  // Contrast: 4 × the mean count of a level-0 pixel where there are molecules (empty
  // background does not dilute it). Dense spots then saturate a little, as a 99th percentile
  // would, without counting every pixel. The largest value is not known before the tiles are
  // counted: 16 × that guess bounds the slider.
  const double density = index_->occupiedDensity(genes_);
  info_.contrastMax = std::max(1.0, std::ceil(4 * density * pixelUm * pixelUm));
  info_.contrastMin = 0;
  info_.valueMax = 16 * info_.contrastMax;
}

TilePixels TranscriptCountSource::readTile(int level, int channel, int plane, std::int64_t row,
                                           std::int64_t col) const {
  const int tile = info_.tile;
  TilePixels pixels = emptyTile(info_);
  const TileWindow window = tileWindow(info_, level, channel, plane, row, col);
  if (window.empty()) return pixels;
  const PyramidLevel& l = info_.levels[std::size_t(level)];
  const std::int64_t x0 = window.x0, y0 = window.y0, w = window.width, h = window.height;
  for (std::int64_t y = 0; y < h; ++y) std::fill_n(pixels.begin() + y * tile, w, 0.0f);

  // Pixel edges as origin + i × pixel, the same expression for neighbouring tiles, so a molecule
  // on a tile's edge is counted in exactly one of them.
  const double p = l.pixelUm;
  const RectUm rect{info_.originXUm + double(x0) * p, info_.originYUm + double(y0) * p,
                    info_.originXUm + double(x0 + w) * p, info_.originYUm + double(y0 + h) * p};
  index_->visit(rect, plane, genes_, [&](float x, float y, std::uint32_t) {
    const auto c = std::clamp<std::int64_t>(
        std::int64_t(std::floor((x - info_.originXUm) / p)) - x0, 0, w - 1);
    const auto r = std::clamp<std::int64_t>(
        std::int64_t(std::floor((y - info_.originYUm) / p)) - y0, 0, h - 1);
    pixels[std::size_t(r * tile + c)] += 1;  // exact up to 2^24 molecules a pixel
    return true;
  });
  if (level > 0) {
    const float weight = float(std::ldexp(1.0, -2 * level));
    for (auto& v : pixels) v *= weight;
  }
  return pixels;
}

}  // namespace teramind
