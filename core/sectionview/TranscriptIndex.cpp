#include "sectionview/TranscriptIndex.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "transcriptomics/SpatialTranscriptome.h"

namespace teramind {
namespace {

// x, y and gene of one molecule; its plane is that of the bucket range it lies in.
struct Molecule {
  float x, y;
  std::uint32_t gene;
};
static_assert(sizeof(Molecule) == 12, "a molecule is 12 bytes");

// More buckets than this (all planes) would cost more in offsets than they save: the bucket
// side grows instead (a table whose coordinates lie far apart).
constexpr std::int64_t kMaxBuckets = std::int64_t(1) << 22;

// One axis of the bucket grid: bucket c holds [edge(c), edge(c + 1)), the first from the
// smallest coordinate and the last up to the largest, so a bucket's molecules lie within its
// edges exactly (no rounding at a rectangle's edge decides differently from the bucket).
struct GridAxis {
  double origin = 0, side = 1;
  std::int64_t cells = 1;
  double edge(std::int64_t c) const { return origin + double(c) * side; }
  std::int64_t cellOf(double v) const {
    auto c = std::clamp<std::int64_t>(std::int64_t(std::floor((v - origin) / side)), 0, cells - 1);
    while (c > 0 && v < edge(c)) --c;
    while (c + 1 < cells && v >= edge(c + 1)) ++c;
    return c;
  }
};

}  // namespace

struct TranscriptIndex::Impl {
  std::vector<Molecule> molecules;
  std::vector<std::uint64_t> offsets;  // bucket k's molecules: [offsets[k], offsets[k + 1])
  GridAxis columns, rows;
  int planes = 0;
  double planeUm = 1.5;
  RectUm extent;
  std::vector<bool> controls;

  std::size_t bucket(int plane, std::int64_t row, std::int64_t col) const {
    return std::size_t((std::int64_t(plane) * rows.cells + row) * columns.cells + col);
  }

  // Calls `each(bucket, inside)` for the buckets of `plane` that `rect` overlaps; `inside` when
  // every molecule of the bucket lies in `rect`.
  template <typename Each>
  void forBuckets(const RectUm& rect, int plane, Each&& each) const {
    if (plane < 0 || plane >= planes || rect.empty() || !rect.intersects(extent)) return;
    const auto c0 = columns.cellOf(rect.x0), c1 = columns.cellOf(rect.x1);
    const auto r0 = rows.cellOf(rect.y0), r1 = rows.cellOf(rect.y1);
    const auto inside = [](const GridAxis& axis, std::int64_t c, double lo, double hi,
                           double extentLo, double extentHi) {
      const double from = c == 0 ? extentLo : axis.edge(c);
      const bool last = c + 1 == axis.cells;
      return lo <= from && (last ? extentHi <= hi : axis.edge(c + 1) <= hi);
    };
    for (auto r = r0; r <= r1; ++r) {
      const bool rowInside = inside(rows, r, rect.y0, rect.y1, extent.y0, extent.y1);
      for (auto c = c0; c <= c1; ++c)
        each(bucket(plane, r, c),
             rowInside && inside(columns, c, rect.x0, rect.x1, extent.x0, extent.x1));
    }
  }

  std::vector<bool> keepOf(const std::vector<std::uint32_t>& genes) const {
    std::vector<bool> keep(controls.size(), false);
    for (const auto g : genes)
      if (g < keep.size()) keep[g] = true;
    return keep;
  }
};

TranscriptIndex::TranscriptIndex(const TranscriptTable& table, double bucketUm) {
  const std::size_t n = table.size();
  if (table.x.size() != n || table.y.size() != n || table.plane.size() != n)
    throw std::invalid_argument("transcript table columns differ in length");
  auto impl = std::make_shared<Impl>();
  impl->planeUm = table.placement.planeSpacingUm;
  const auto geneCount = table.genes.size();
  genes_.reserve(geneCount);
  impl->controls.resize(geneCount);
  for (std::uint32_t g = 0; g < geneCount; ++g) {
    genes_.push_back(table.genes.name(g));
    impl->controls[g] = table.genes.isControl(g);
  }

  const auto kept = [&](std::size_t i) {
    return std::isfinite(table.x[i]) && std::isfinite(table.y[i]) && table.gene[i] < geneCount;
  };
  double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
  std::size_t keptCount = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!kept(i)) continue;
    ++keptCount;
    x0 = std::min<double>(x0, table.x[i]);
    x1 = std::max<double>(x1, table.x[i]);
    y0 = std::min<double>(y0, table.y[i]);
    y1 = std::max<double>(y1, table.y[i]);
    impl->planes = std::max(impl->planes, int(table.plane[i]) + 1);
  }
  if (keptCount == 0) {
    impl->offsets.assign(1, 0);
    impl_ = std::move(impl);
    return;
  }
  const double inf = std::numeric_limits<double>::infinity();
  impl->extent = {x0, y0, std::nextafter(x1, inf), std::nextafter(y1, inf)};

  double side = std::isfinite(bucketUm) && bucketUm > 0 ? bucketUm : 32;
  const auto cellsFor = [](double span, double s) {
    return std::int64_t(std::min(std::floor(span / s), 1e15)) + 1;
  };
  while (double(cellsFor(x1 - x0, side)) * double(cellsFor(y1 - y0, side)) * impl->planes >
         double(kMaxBuckets))
    side *= 2;
  impl->columns = {x0, side, cellsFor(x1 - x0, side)};
  impl->rows = {y0, side, cellsFor(y1 - y0, side)};

  // A counting sort by bucket: the bucket is worked out twice rather than stored (4 bytes a
  // molecule more at the peak).
  const auto bucketOf = [&](std::size_t i) {
    return impl->bucket(table.plane[i], impl->rows.cellOf(table.y[i]),
                        impl->columns.cellOf(table.x[i]));
  };
  const auto buckets = std::size_t(impl->columns.cells * impl->rows.cells * impl->planes);
  impl->offsets.assign(buckets + 1, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (kept(i)) ++impl->offsets[bucketOf(i) + 1];
  for (std::size_t k = 0; k < buckets; ++k) impl->offsets[k + 1] += impl->offsets[k];
  std::vector<std::uint64_t> cursor(impl->offsets.begin(), impl->offsets.end() - 1);
  impl->molecules.resize(keptCount);
  for (std::size_t i = 0; i < n; ++i)
    if (kept(i)) impl->molecules[cursor[bucketOf(i)]++] = {table.x[i], table.y[i], table.gene[i]};
  impl_ = std::move(impl);
}

std::size_t TranscriptIndex::size() const {
  return impl_->molecules.size();
}
int TranscriptIndex::planes() const {
  return impl_->planes;
}
double TranscriptIndex::planeUm() const {
  return impl_->planeUm;
}
RectUm TranscriptIndex::extent() const {
  return impl_->extent;
}
std::vector<bool> TranscriptIndex::controlGenes() const {
  return impl_->controls;
}

std::uint64_t TranscriptIndex::count(const RectUm& rect, int plane,
                                     const std::vector<std::uint32_t>& genes,
                                     std::uint64_t limit) const {
  const Impl& d = *impl_;
  const auto keep = d.keepOf(genes);
  std::uint64_t total = 0;
  d.forBuckets(rect, plane, [&](std::size_t k, bool inside) {
    if (total > limit) return;  // the answer is known: more than the caller cares for
    const auto first = d.offsets[k], last = d.offsets[k + 1];
    if (inside && genes.empty()) {
      total += last - first;
      return;
    }
    for (auto i = first; i < last; ++i) {
      const Molecule& m = d.molecules[i];
      if (!genes.empty() && !keep[m.gene]) continue;
      if (inside || (m.x >= rect.x0 && m.x < rect.x1 && m.y >= rect.y0 && m.y < rect.y1)) ++total;
    }
  });
  return total;
}

void TranscriptIndex::visit(const RectUm& rect, int plane, const std::vector<std::uint32_t>& genes,
                            const std::function<bool(float, float, std::uint32_t)>& visit) const {
  const Impl& d = *impl_;
  const auto keep = d.keepOf(genes);
  bool going = true;
  d.forBuckets(rect, plane, [&](std::size_t k, bool inside) {
    for (auto i = d.offsets[k]; going && i < d.offsets[k + 1]; ++i) {
      const Molecule& m = d.molecules[i];
      if (!genes.empty() && !keep[m.gene]) continue;
      if (inside || (m.x >= rect.x0 && m.x < rect.x1 && m.y >= rect.y0 && m.y < rect.y1))
        going = visit(m.x, m.y, m.gene);
    }
  });
}

double TranscriptIndex::occupiedDensity(const std::vector<std::uint32_t>& genes) const {
  const Impl& d = *impl_;
  const auto keep = d.keepOf(genes);
  // A bucket's area within the extent (the last column and row reach only to its edge).
  const auto span = [](const GridAxis& axis, std::int64_t c, double hi) {
    return std::min(hi, axis.edge(c + 1)) - axis.edge(c);
  };
  double molecules = 0, area = 0;
  for (int p = 0; p < d.planes; ++p)
    for (std::int64_t r = 0; r < d.rows.cells; ++r)
      for (std::int64_t c = 0; c < d.columns.cells; ++c) {
        const auto k = d.bucket(p, r, c);
        std::uint64_t n = d.offsets[k + 1] - d.offsets[k];
        if (!genes.empty()) {
          n = 0;
          for (auto i = d.offsets[k]; i < d.offsets[k + 1]; ++i) n += keep[d.molecules[i].gene];
        }
        if (n == 0) continue;
        molecules += double(n);
        // At least a µm² a bucket: a degenerate extent (one column of molecules) has no width.
        area += std::max(1.0, span(d.columns, c, d.extent.x1) * span(d.rows, r, d.extent.y1));
      }
  return area > 0 ? molecules / area : 0;
}

std::array<std::uint8_t, 3> TranscriptIndex::geneColour(std::uint32_t gene) {
  // Hues a golden-ratio turn apart: neighbours in the catalogue are far apart on the wheel, and
  // no two of the first few hundred genes share a hue. Full saturation and value.
  const double hue = std::fmod(double(gene) * 0.6180339887498949, 1.0) * 6.0;
  const int sector = std::min(5, int(hue));
  const double f = hue - sector;
  const auto byte = [](double v) { return std::uint8_t(std::lround(v * 255.0)); };
  const std::uint8_t full = 255, rising = byte(f), falling = byte(1 - f);
  switch (sector) {
    case 0:
      return {full, rising, 0};
    case 1:
      return {falling, full, 0};
    case 2:
      return {0, full, rising};
    case 3:
      return {0, falling, full};
    case 4:
      return {rising, 0, full};
    default:
      return {full, 0, falling};
  }
}

}  // namespace teramind
