#include "conditions/AtlasRegionSelection.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "atlas/Atlas.h"
#include "conditions/BinRange.h"

namespace teramind {
namespace {

struct BinBox {
  BinRange x, y, planes;
};

// The structure's atlas bounding box carried back into section bins. It costs one pass over the
// annotation, so it is only worth it when the grid has more candidate bins than the atlas has
// voxels (large or fine grids); a singular placement cannot be inverted and keeps the full box.
BinBox restrictToStructure(const BinGrid& grid, const PaintContext& context, StructureId id,
                           BinBox box) {
  const std::uint64_t candidates = std::uint64_t(box.x.last - box.x.first + 1) *
                                   std::uint64_t(box.y.last - box.y.first + 1) *
                                   std::uint64_t(box.planes.last - box.planes.first + 1);
  const auto dims = context.atlas->annotation().dims();
  if (candidates <= std::uint64_t(dims[0] * dims[1] * dims[2])) return box;
  AffineTransform atlasToSection;
  try {
    atlasToSection = context.sectionToAtlas.inverse();
  } catch (const std::exception&) {
    return box;
  }
  const auto bounds = context.atlas->boundingBox(id);
  if (!bounds) return {{}, {}, {}};
  // Voxel i is the one nearest i·resolution, so it covers [(i − ½)·res, (i + ½)·res].
  const double res = context.atlas->resolutionUm();
  double lo[3], hi[3];
  for (int a = 0; a < 3; ++a) {
    lo[a] = std::numeric_limits<double>::infinity();
    hi[a] = -lo[a];
  }
  for (int corner = 0; corner < 8; ++corner) {
    Vec3 p;
    for (int a = 0; a < 3; ++a) {
      const auto voxel = (corner >> a & 1) ? bounds->end()[a] - 1 : bounds->begin[a];
      p[a] = (double(voxel) + ((corner >> a & 1) ? 0.5 : -0.5)) * res;
    }
    const Vec3 s = atlasToSection.apply(p);
    for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], s[a]), hi[a] = std::max(hi[a], s[a]);
  }
  auto intersect = [](BinRange r, BinRange with) {
    return BinRange{std::max(r.first, with.first), std::min(r.last, with.last)};
  };
  return {intersect(box.x, candidateColumns(grid, lo[0], hi[0])),
          intersect(box.y, candidateRows(grid, lo[1], hi[1])),
          intersect(box.planes, candidatePlanes(grid, lo[2], hi[2]))};
}

}  // namespace

void AtlasRegionSelection::validate() const {
  if (plane && *plane < 0) throw std::invalid_argument("atlas region has a negative plane index");
}

std::vector<SelectedBin> AtlasRegionSelection::select(const BinGrid& grid,
                                                      const PaintContext& context) const {
  validate();
  if (!context.atlas) throw std::invalid_argument("an atlas-region edit needs an atlas");
  const AtlasOntology& ontology = context.atlas->ontology();
  if (!ontology.contains(structureId))
    throw std::invalid_argument("structure id " + std::to_string(structureId) +
                                " is not in the atlas ontology");
  std::vector<SelectedBin> out;
  BinBox box{{0, grid.width - 1}, {0, grid.height - 1}, {0, grid.planes - 1}};
  if (plane) {
    if (*plane >= grid.planes) return out;
    box.planes = {*plane, *plane};
  }
  if (box.x.empty() || box.y.empty()) return out;
  box = restrictToStructure(grid, context, structureId, box);
  const auto members = ontology.subtree(structureId);
  const std::unordered_set<StructureId> inside(members.begin(), members.end());
  // Neighbouring bins mostly share a label: remember the last answer instead of hashing again.
  const Structure* last = nullptr;
  bool lastInside = false;
  for (std::int32_t p = box.planes.first; p <= box.planes.last; ++p)
    for (std::int32_t y = box.y.first; y <= box.y.last; ++y)
      for (std::int32_t x = box.x.first; x <= box.x.last; ++x) {
        const BinIndex bin{x, y, p};
        const Structure* s =
            context.atlas->structureAt(context.sectionToAtlas.apply(grid.binCentreUm(bin)));
        if (!s) continue;
        if (s != last) {
          last = s;
          lastInside = inside.count(s->id) != 0;
        }
        if (lastInside) out.push_back({bin, 1.0});
      }
  return out;
}

}  // namespace teramind
