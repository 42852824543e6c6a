#include "sectionview/AtlasLabelSource.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sectionview/HalvingLevels.h"

namespace teramind {

AtlasLabelSource::AtlasLabelSource(std::shared_ptr<const Atlas> atlas,
                                   const SectionPlacement& placement, const RectUm& sectionExtentUm,
                                   int planes, int tile)
    : atlas_(std::move(atlas)), placement_(placement) {
  if (!atlas_) throw std::invalid_argument("an atlas label source needs an atlas");
  for (const auto& [id, voxels] : atlas_->labelVoxelCounts()) ids_.push_back(id);
  std::sort(ids_.begin(), ids_.end());
  for (std::size_t i = 0; i < ids_.size(); ++i) labels_[ids_[i]] = float(i);

  const double pixelUm = std::max(1, atlas_->resolutionUm());
  const RectUm e = sectionExtentUm.empty() || !std::isfinite(sectionExtentUm.width()) ||
                           !std::isfinite(sectionExtentUm.height())
                       ? RectUm{0, 0, pixelUm, pixelUm}
                       : sectionExtentUm;
  info_.name = "atlas annotation";
  info_.channels = {"structure"};
  info_.planes = std::max(1, planes);
  info_.planeUm = placement_.planeSpacingUm;
  info_.tile = std::max(1, tile);
  info_.originXUm = e.x0;
  info_.originYUm = e.y0;
  const auto pixels = [&](double span) {
    return std::max<std::int64_t>(1, std::int64_t(std::min(std::ceil(span / pixelUm), 1e15)));
  };
  info_.levels = halvingLevels(pixels(e.width()), pixels(e.height()), pixelUm, info_.tile);
  info_.valueMax = ids_.empty() ? 1 : double(ids_.size() - 1);
  info_.contrastMin = 0;
  info_.contrastMax = info_.valueMax;
}

TilePixels AtlasLabelSource::readTile(int level, int channel, int plane, std::int64_t row,
                                      std::int64_t col) const {
  const int tile = info_.tile;
  TilePixels pixels = emptyTile(info_);
  const TileWindow window = tileWindow(info_, level, channel, plane, row, col);
  if (window.empty()) return pixels;
  const PyramidLevel& l = info_.levels[std::size_t(level)];
  const std::int64_t x0 = window.x0, y0 = window.y0, w = window.width, h = window.height;
  // Every level samples the annotation at its own pixels' centres (labels are not averaged:
  // the mean of two ids is a third structure).
  const double z = plane * placement_.planeSpacingUm;
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x) {
      const Vec3 section{info_.originXUm + (double(x0 + x) + 0.5) * l.pixelUm,
                         info_.originYUm + (double(y0 + y) + 0.5) * l.pixelUm, z};
      const Structure* s = atlas_->structureAt(placement_.sectionToAtlas.apply(section));
      if (!s) continue;
      const auto label = labels_.find(s->id);
      if (label != labels_.end()) pixels[std::size_t(y * tile + x)] = label->second;
    }
  return pixels;
}

StructureId AtlasLabelSource::structureOf(float label) const {
  if (!std::isfinite(label) || label < -0.5f || label > float(ids_.size())) return 0;
  const auto i = std::size_t(std::lround(label));
  return i < ids_.size() ? ids_[i] : 0;
}

}  // namespace teramind
