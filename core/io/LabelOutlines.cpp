#include "io/LabelOutlines.h"

#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace teramind {

namespace {

using Point = std::pair<double, double>;

// Directions in image coordinates (y down): right, down, left, up.
constexpr int kStepX[4] = {1, 0, -1, 0};
constexpr int kStepY[4] = {0, 1, 0, -1};

class Tracer {
 public:
  explicit Tracer(const LabelImage& image) : image_(image) {}

  // The ring around the 4-connected piece of `label` whose first raster pixel is (c0, r0),
  // walked with the label on the right (clockwise on screen), corners only.
  std::vector<Point> trace(std::uint32_t label, std::int64_t c0, std::int64_t r0) const {
    std::vector<Point> corners;
    std::int64_t x = c0, y = r0;  // lattice vertex; the first edge is the pixel's top
    int direction = 0;
    corners.emplace_back(double(x), double(y));
    // Each boundary edge is walked once: a ring has at most 4 edges per pixel.
    const std::int64_t maxSteps = 4 * image_.width * image_.height + 4;
    for (std::int64_t step = 0; step < maxSteps; ++step) {
      x += kStepX[direction];
      y += kStepY[direction];
      if (x == c0 && y == r0) return corners;
      // Hug the label: turn right first, then straight on, then left.
      int next = -1;
      for (int turn : {1, 0, 3}) {
        const int d = (direction + turn) % 4;
        if (isBoundaryEdge(label, x, y, d)) {
          next = d;
          break;
        }
      }
      if (next < 0) throw std::logic_error("label outline: the boundary does not continue");
      if (next != direction) corners.emplace_back(double(x), double(y));
      direction = next;
    }
    throw std::logic_error("label outline: the boundary does not close");
  }

 private:
  bool is(std::uint32_t label, std::int64_t c, std::int64_t r) const {
    return c >= 0 && r >= 0 && c < image_.width && r < image_.height && image_.at(c, r) == label;
  }
  // Whether the edge from lattice vertex (x, y) in direction d has `label` on its right and
  // something else on its left.
  bool isBoundaryEdge(std::uint32_t label, std::int64_t x, std::int64_t y, int d) const {
    switch (d) {
      case 0:
        return is(label, x, y) && !is(label, x, y - 1);
      case 1:
        return is(label, x - 1, y) && !is(label, x, y);
      case 2:
        return is(label, x - 1, y - 1) && !is(label, x - 1, y);
      default:
        return is(label, x, y - 1) && !is(label, x - 1, y - 1);
    }
  }

  const LabelImage& image_;
};

double distanceToSegment(const Point& p, const Point& a, const Point& b) {
  const double dx = b.first - a.first, dy = b.second - a.second;
  const double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((p.first - a.first) * dx + (p.second - a.second) * dy) / length2 : 0;
  t = std::fmax(0.0, std::fmin(1.0, t));
  return std::hypot(p.first - (a.first + t * dx), p.second - (a.second + t * dy));
}

// Ramer–Douglas–Peucker over the open chain ring[first..last] (indices modulo its size),
// marking the vertices kept; iterative, so a long boundary cannot exhaust the stack.
void simplifyChain(const std::vector<Point>& ring, std::size_t first, std::size_t last,
                   double tolerance, std::vector<bool>& keep) {
  const std::size_t n = ring.size();
  std::vector<std::pair<std::size_t, std::size_t>> pending{{first, last}};
  while (!pending.empty()) {
    const auto [a, b] = pending.back();
    pending.pop_back();
    double farthest = -1;
    std::size_t at = a;
    for (std::size_t i = a + 1; i < b; ++i) {
      const double d = distanceToSegment(ring[i % n], ring[a % n], ring[b % n]);
      if (d > farthest) farthest = d, at = i;
    }
    if (farthest > tolerance) {
      keep[at % n] = true;
      pending.emplace_back(a, at);
      pending.emplace_back(at, b);
    }
  }
}

std::vector<Point> simplifyRing(const std::vector<Point>& ring, double tolerance) {
  if (tolerance <= 0 || ring.size() <= 4) return ring;
  // Split the ring at its first vertex and the vertex farthest from it.
  const std::size_t n = ring.size();
  std::size_t opposite = 1;
  double best = -1;
  for (std::size_t i = 1; i < n; ++i) {
    const double d = std::hypot(ring[i].first - ring[0].first, ring[i].second - ring[0].second);
    if (d > best) best = d, opposite = i;
  }
  std::vector<bool> keep(n, false);
  keep[0] = keep[opposite] = true;
  simplifyChain(ring, 0, opposite, tolerance, keep);
  simplifyChain(ring, opposite, n, tolerance, keep);
  std::vector<Point> kept;
  for (std::size_t i = 0; i < n; ++i)
    if (keep[i]) kept.push_back(ring[i]);
  return kept.size() >= 3 ? kept : ring;
}

// Marks the 4-connected piece of `label` holding pixel `start` in `done`.
void markPiece(const LabelImage& image, std::uint32_t label, std::size_t start,
               std::vector<std::uint8_t>& done, std::vector<std::size_t>& stack) {
  const auto w = std::size_t(image.width), n = image.labels.size();
  done[start] = 1;
  stack.assign(1, start);
  while (!stack.empty()) {
    const std::size_t p = stack.back();
    stack.pop_back();
    const std::size_t c = p % w;
    auto visit = [&](std::size_t q) {
      if (!done[q] && image.labels[q] == label) done[q] = 1, stack.push_back(q);
    };
    if (c + 1 < w) visit(p + 1);
    if (c > 0) visit(p - 1);
    if (p + w < n) visit(p + w);
    if (p >= w) visit(p - w);
  }
}

}  // namespace

std::vector<LabelOutline> traceLabelOutlines(const LabelImage& image, double tolerancePx) {
  std::vector<LabelOutline> outlines;
  std::unordered_map<std::uint32_t, std::uint32_t> pieces;  // per label, so far
  std::vector<std::uint8_t> done(image.labels.size(), 0);   // pixels of pieces outlined
  std::vector<std::size_t> stack;
  const Tracer tracer(image);
  for (std::int64_t r = 0; r < image.height; ++r) {
    for (std::int64_t c = 0; c < image.width; ++c) {
      const auto p = std::size_t(r * image.width + c);
      const std::uint32_t label = image.labels[p];
      if (label == 0 || done[p]) continue;
      markPiece(image, label, p, done, stack);
      outlines.push_back(
          {label, pieces[label]++, 1, simplifyRing(tracer.trace(label, c, r), tolerancePx)});
    }
  }
  for (auto& outline : outlines) outline.pieces = pieces[outline.label];
  return outlines;
}

std::vector<CellPolygon> readLabelImageOutlines(const std::filesystem::path& file,
                                                const LabelImagePlacement& placement) {
  const LabelImage image = readLabelTiff(file);
  std::vector<CellPolygon> cells;
  for (auto& outline : traceLabelOutlines(image)) {
    std::string id = placement.idPrefix + std::to_string(outline.label);
    if (outline.pieces > 1) id += "/" + std::to_string(outline.piece);
    CellPolygon cell{std::move(id), {}};
    cell.vertices.reserve(outline.vertices.size());
    for (const auto& [column, row] : outline.vertices) {
      const double y = placement.rowsAgainstY ? double(image.height) - row : row;
      cell.vertices.emplace_back((placement.originXPx + column) * placement.pixelUm,
                                 (placement.originYPx + y) * placement.pixelUm);
    }
    cells.push_back(std::move(cell));
  }
  return cells;
}

}  // namespace teramind
