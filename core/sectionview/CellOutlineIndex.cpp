#include "sectionview/CellOutlineIndex.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "transcriptomics/TextFormatReaders.h"

namespace teramind {
namespace {

// Bounds on the grid: more buckets than this would cost more than they save (the side grows),
// and a ring over more buckets than kLargeRing is kept in a list every call looks through,
// so a few huge rings cannot fill every bucket.
constexpr double kMaxBuckets = double(1 << 20);
constexpr std::int64_t kLargeRing = 64;

}  // namespace

CellOutlineIndex::CellOutlineIndex(const std::vector<CellPolygon>& polygons, double bucketUm)
    : bucketUm_(std::isfinite(bucketUm) && bucketUm > 0 ? bucketUm : 64) {
  const double inf = std::numeric_limits<double>::infinity();
  extent_ = {inf, inf, -inf, -inf};
  for (const auto& polygon : polygons) {
    std::vector<std::array<float, 2>> ring;
    ring.reserve(polygon.vertices.size());
    RectUm box{inf, inf, -inf, -inf};
    for (const auto& [x, y] : polygon.vertices) {
      // A vertex that is not finite (or beyond float) is dropped, not drawn to infinity.
      if (!std::isfinite(float(x)) || !std::isfinite(float(y))) continue;
      ring.push_back({float(x), float(y)});
      box = {std::min(box.x0, x), std::min(box.y0, y), std::max(box.x1, x), std::max(box.y1, y)};
    }
    if (ring.size() < 2) continue;  // nothing to draw
    rings_.push_back(std::move(ring));
    boxes_.push_back(box);
    extent_ = {std::min(extent_.x0, box.x0), std::min(extent_.y0, box.y0),
               std::max(extent_.x1, box.x1), std::max(extent_.y1, box.y1)};
  }
  if (rings_.empty()) {
    extent_ = {};
    return;
  }
  while (std::floor(extent_.width() / bucketUm_ + 1) *
             std::floor(extent_.height() / bucketUm_ + 1) >
         kMaxBuckets)
    bucketUm_ *= 2;
  columns_ = std::int64_t(extent_.width() / bucketUm_) + 1;
  rows_ = std::int64_t(extent_.height() / bucketUm_) + 1;
  buckets_.resize(std::size_t(columns_ * rows_ + 1));  // the last: rings over many buckets
  for (std::size_t i = 0; i < boxes_.size(); ++i) {
    const auto& b = boxes_[i];
    const auto c0 = std::int64_t((b.x0 - extent_.x0) / bucketUm_);
    const auto c1 = std::min(columns_ - 1, std::int64_t((b.x1 - extent_.x0) / bucketUm_));
    const auto r0 = std::int64_t((b.y0 - extent_.y0) / bucketUm_);
    const auto r1 = std::min(rows_ - 1, std::int64_t((b.y1 - extent_.y0) / bucketUm_));
    if ((c1 - c0 + 1) * (r1 - r0 + 1) > kLargeRing) {
      buckets_.back().push_back(std::uint32_t(i));
      continue;
    }
    for (auto r = r0; r <= r1; ++r)
      for (auto c = c0; c <= c1; ++c)
        buckets_[std::size_t(r * columns_ + c)].push_back(std::uint32_t(i));
  }
}

void CellOutlineIndex::visit(
    const RectUm& rect,
    const std::function<void(const std::vector<std::array<float, 2>>&)>& visit) const {
  if (rings_.empty() || rect.empty()) return;
  // Boxes are closed (a ring's box may be a line): met when they overlap or touch `rect`.
  const auto meets = [&](const RectUm& b) {
    return b.x0 < rect.x1 && rect.x0 <= b.x1 && b.y0 < rect.y1 && rect.y0 <= b.y1;
  };
  if (!meets(extent_)) return;
  const auto cellOf = [this](double v, double origin, std::int64_t cells) {
    return std::clamp<std::int64_t>(std::int64_t(std::floor((v - origin) / bucketUm_)), 0,
                                    cells - 1);
  };
  const auto c0 = cellOf(rect.x0, extent_.x0, columns_), c1 = cellOf(rect.x1, extent_.x0, columns_);
  const auto r0 = cellOf(rect.y0, extent_.y0, rows_), r1 = cellOf(rect.y1, extent_.y0, rows_);
  // A ring lies in every bucket its box meets: gathered, sorted and made unique, each is
  // visited once (and the call keeps no state, so threads may share the index).
  std::vector<std::uint32_t> ids(buckets_.back());
  for (auto r = r0; r <= r1; ++r)
    for (auto c = c0; c <= c1; ++c) {
      const auto& bucket = buckets_[std::size_t(r * columns_ + c)];
      ids.insert(ids.end(), bucket.begin(), bucket.end());
    }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const auto i : ids)
    if (meets(boxes_[i])) visit(rings_[i]);
}

}  // namespace teramind
