#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "sectionview/SectionCamera.h"

namespace teramind {

struct CellPolygon;

// Cell (or nucleus) outlines bucketed by their bounding boxes, so a view draws only those in its
// rectangle. Rings are open (the last vertex joins the first).
class CellOutlineIndex {
 public:
  // Vertices that are not finite are dropped, and rings left with fewer than two.
  explicit CellOutlineIndex(const std::vector<CellPolygon>& polygons, double bucketUm = 64);

  std::size_t size() const { return rings_.size(); }
  RectUm extent() const { return extent_; }
  // Every ring whose bounding box meets `rect`, once each, as its vertices (x, y µm).
  // Thread-safe: a call keeps its state to itself.
  void visit(const RectUm& rect,
             const std::function<void(const std::vector<std::array<float, 2>>&)>& visit) const;

 private:
  std::vector<std::vector<std::array<float, 2>>> rings_;
  std::vector<RectUm> boxes_;
  RectUm extent_;
  double bucketUm_;
  std::int64_t columns_ = 0, rows_ = 0;
  std::vector<std::vector<std::uint32_t>> buckets_;
};

}  // namespace teramind
