#include "io/ConditionFile.h"

#include <mutex>
#include <optional>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

#ifdef TERAMIND_HAVE_OPENVDB
#include <openvdb/openvdb.h>
#endif

namespace teramind {

#ifdef TERAMIND_HAVE_OPENVDB
namespace {

constexpr const char* kKind = "teramind_kind";
constexpr const char* kKindValue = "binned_condition";
constexpr const char* kGeneIndex = "teramind_gene_index";

void initialiseVdb() {
  static std::once_flag once;
  std::call_once(once, [] { openvdb::initialize(); });
}

// World = (bin + ½)·bin size + origin in-plane, plane × spacing across: viewers place the
// bins where they are, and our reader takes the grid back from the metadata, not the map.
openvdb::math::Transform::Ptr binTransform(const BinGrid& g) {
  openvdb::math::Mat4d m = openvdb::math::Mat4d::identity();
  m[0][0] = g.binUm;
  m[1][1] = g.binUm;
  m[2][2] = g.planeSpacingUm > 0 ? g.planeSpacingUm : 1.0;
  m[3][0] = g.originXUm + 0.5 * g.binUm;
  m[3][1] = g.originYUm + 0.5 * g.binUm;
  return openvdb::math::Transform::createLinearTransform(m);
}

template <typename Meta>
auto requireMeta(const openvdb::GridBase& grid, const char* key, const std::filesystem::path& file) {
  auto meta = grid.getMetadata<Meta>(key);
  if (!meta)
    throw FileError(file, "grid '" + grid.getName() + "' lacks the metadata '" + key +
                              "' of a binned condition");
  return meta->value();
}

}  // namespace

void writeCondition(const std::filesystem::path& file, const BinnedCondition& condition) {
  initialiseVdb();
  const BinGrid& g = condition.grid();
  openvdb::GridPtrVec grids;
  for (std::size_t gene = 0; gene < condition.geneCount(); ++gene) {
    auto grid = openvdb::FloatGrid::create(0.0f);
    grid->setName(condition.geneName(gene));
    grid->setTransform(binTransform(g));
    grid->insertMeta(kKind, openvdb::StringMetadata(kKindValue));
    grid->insertMeta(kGeneIndex, openvdb::Int32Metadata(int(gene)));
    grid->insertMeta("teramind_bin_um", openvdb::DoubleMetadata(g.binUm));
    grid->insertMeta("teramind_origin_um", openvdb::Vec2DMetadata({g.originXUm, g.originYUm}));
    grid->insertMeta("teramind_extent", openvdb::Vec3IMetadata({g.width, g.height, g.planes}));
    grid->insertMeta("teramind_plane_spacing_um", openvdb::DoubleMetadata(g.planeSpacingUm));
    auto accessor = grid->getAccessor();
    for (const auto& [bin, value] : condition.sortedEntries(gene))
      accessor.setValue(openvdb::Coord(bin.x, bin.y, bin.plane), value);
    grid->setGridClass(openvdb::GRID_UNKNOWN);
    grids.push_back(grid);
  }
  writeFileAtomically(file, [&](const std::filesystem::path& temporary) {
    openvdb::io::File out(temporary.string());
    out.write(grids);
    out.close();
  });
}

BinnedCondition readCondition(const std::filesystem::path& file) {
  initialiseVdb();
  if (!std::filesystem::exists(file)) throw FileError(file, "file does not exist");
  openvdb::GridPtrVecPtr grids;
  try {
    openvdb::io::File in(file.string());
    in.open();
    grids = in.getGrids();
    in.close();
  } catch (const openvdb::Exception& e) {
    throw FileError(file, std::string("not a readable OpenVDB file: ") + e.what());
  }
  if (!grids || grids->empty()) throw FileError(file, "holds no grids");
  std::vector<openvdb::FloatGrid::Ptr> genes(grids->size());
  std::optional<BinGrid> grid;
  for (const auto& base : *grids) {
    if (requireMeta<openvdb::StringMetadata>(*base, kKind, file) != kKindValue)
      throw FileError(file, "grid '" + base->getName() + "' is not a binned condition");
    const int index = requireMeta<openvdb::Int32Metadata>(*base, kGeneIndex, file);
    if (index < 0 || std::size_t(index) >= genes.size() || genes[std::size_t(index)])
      throw FileError(file, "grid '" + base->getName() + "' has a bad or repeated gene index");
    auto floats = openvdb::GridBase::grid<openvdb::FloatGrid>(base);
    if (!floats) throw FileError(file, "grid '" + base->getName() + "' does not hold floats");
    genes[std::size_t(index)] = floats;
    const auto origin = requireMeta<openvdb::Vec2DMetadata>(*base, "teramind_origin_um", file);
    const auto extent = requireMeta<openvdb::Vec3IMetadata>(*base, "teramind_extent", file);
    BinGrid g;
    g.binUm = requireMeta<openvdb::DoubleMetadata>(*base, "teramind_bin_um", file);
    g.originXUm = origin.x();
    g.originYUm = origin.y();
    g.width = extent.x();
    g.height = extent.y();
    g.planes = extent.z();
    g.planeSpacingUm = requireMeta<openvdb::DoubleMetadata>(*base, "teramind_plane_spacing_um", file);
    if (grid && !(*grid == g)) throw FileError(file, "grids disagree about the bin grid");
    grid = g;
  }
  std::vector<std::string> names;
  for (const auto& g : genes) names.push_back(g->getName());
  BinnedCondition condition;
  try {
    condition = BinnedCondition(*grid, names);
  } catch (const std::invalid_argument& e) {
    throw FileError(file, e.what());
  }
  for (std::size_t gene = 0; gene < genes.size(); ++gene) {
    for (auto it = genes[gene]->cbeginValueOn(); it; ++it) {
      const openvdb::Coord c = it.getCoord();
      const BinIndex bin{c.x(), c.y(), c.z()};
      if (!grid->contains(bin))
        throw FileError(file, "grid '" + genes[gene]->getName() + "' has a value outside its extent");
      if (!it.isVoxelValue())
        throw FileError(file, "grid '" + genes[gene]->getName() + "' has tile values");
      condition.set(gene, bin, *it);
    }
  }
  return condition;
}

bool isConditionFile(const std::filesystem::path& file) {
  initialiseVdb();
  try {
    openvdb::io::File in(file.string());
    in.open(false);
    const auto grids = in.readAllGridMetadata();
    in.close();
    if (!grids || grids->empty()) return false;
    auto kind = grids->front()->getMetadata<openvdb::StringMetadata>(kKind);
    return kind && kind->value() == kKindValue;
  } catch (const openvdb::Exception&) {
    return false;
  }
}

#else

bool isConditionFile(const std::filesystem::path&) { return false; }

void writeCondition(const std::filesystem::path& file, const BinnedCondition&) {
  throw FileError(file, "this build has no OpenVDB support; binned conditions cannot be written");
}
BinnedCondition readCondition(const std::filesystem::path& file) {
  throw FileError(file, "this build has no OpenVDB support; binned conditions cannot be read");
}

#endif

}  // namespace teramind
