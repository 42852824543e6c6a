#include "io/ConditionFile.h"

#include <fstream>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/ConditionBytes.h"
#include "io/ThirdPartyReadIsolation.h"

#ifdef TERAMIND_HAVE_OPENVDB
#include <openvdb/io/Stream.h>
#include <openvdb/openvdb.h>

#include "io/VdbVolumeIO.h"
#endif
#ifdef TERAMIND_HAVE_HDF5
#include "io/ConditionHdf5File.h"
#endif

namespace teramind {
namespace {

enum class ConditionFormat { OpenVdb, Hdf5 };

// The most OpenVDB memory a condition we write may take (requireVdbFits); reads are sized by it.
constexpr double kVdbBudgetBytes = 2.0 * 1024 * 1024 * 1024;

ConditionFormat conditionFormatOf(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".vdb") return ConditionFormat::OpenVdb;
  if (ext == ".h5" || ext == ".hdf5") return ConditionFormat::Hdf5;
  throw FileError(file, "unknown binned-condition format (expected .vdb or .h5)");
}

// Every OpenVDB leaf holds 8×8×8 values whatever their sparsity: scattered bins of hundreds
// of genes cost ~2 KiB each. Refuse before exhausting memory and point at the compact format.
[[maybe_unused]] void requireVdbFits(const std::filesystem::path& file,
                                     const BinnedCondition& condition) {
  constexpr double kLeafBytes = 2200;
  double leaves = 0;
  for (std::size_t gene = 0; gene < condition.geneCount(); ++gene) {
    std::unordered_set<std::uint64_t> touched;
    condition.forEachNonZero(gene, [&](const BinIndex& b, float) {
      touched.insert(BinnedCondition::key({b.x >> 3, b.y >> 3, b.plane >> 3}));
    });
    leaves += double(touched.size());
  }
  if (leaves * kLeafBytes > kVdbBudgetBytes)
    throw FileError(file, "as OpenVDB this condition needs about " +
                              std::to_string(int(leaves * kLeafBytes / 1048576)) + " MiB (" +
                              std::to_string(condition.nonZeroCount()) +
                              " scattered non-zero bins); write it as .h5 instead "
                              "(12 bytes per bin)");
}

}  // namespace

#ifdef TERAMIND_HAVE_OPENVDB
namespace {

constexpr const char* kKind = "teramind_kind";
constexpr const char* kKindValue = "binned_condition";
constexpr const char* kGeneIndex = "teramind_gene_index";

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
auto requireMeta(const openvdb::GridBase& grid, const char* key,
                 const std::filesystem::path& file) {
  auto meta = grid.getMetadata<Meta>(key);
  if (!meta)
    throw FileError(file, "grid '" + grid.getName() + "' lacks the metadata '" + key +
                              "' of a binned condition");
  return meta->value();
}

}  // namespace

static void writeVdbCondition(const std::filesystem::path& file, const BinnedCondition& condition) {
  vdb::initialise();
  requireVdbFits(file, condition);
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
    // io::File ignores stream errors; a checked stream notices a full disk before the rename.
    std::ofstream out(temporary, std::ios::binary);
    openvdb::io::Stream(out).write(grids);
    out.flush();
    if (!out) throw FileError(temporary, "cannot be written (disk full?)");
  });
}

static BinnedCondition readVdbConditionInProcess(const std::filesystem::path& file) {
  openvdb::GridPtrVecPtr grids;
  try {
    openvdb::io::File in(file.string());
    in.open(false);  // load now: delayed loading would fail later, outside this try
    grids = in.getGrids();
    in.close();
  } catch (const std::exception& e) {  // truncated files also throw bad_alloc and others
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
    g.planeSpacingUm =
        requireMeta<openvdb::DoubleMetadata>(*base, "teramind_plane_spacing_um", file);
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
        throw FileError(file,
                        "grid '" + genes[gene]->getName() + "' has a value outside its extent");
      if (!it.isVoxelValue())
        throw FileError(file, "grid '" + genes[gene]->getName() + "' has tile values");
      condition.set(gene, bin, *it);
    }
  }
  return condition;
}

// OpenVDB allocates what damaged blosc block headers say and silently corrupts its heap on some
// damaged trees: it never reads a file in this process. A child with a memory limit reads it
// and sends the condition back as bytes (io/ThirdPartyReadIsolation.h, io/ConditionBytes.h).
static BinnedCondition readVdbCondition(const std::filesystem::path& file) {
  vdb::initialise();  // before the fork: the child must not inherit a half-run call_once
  if (!std::filesystem::exists(file)) throw FileError(file, "file does not exist");
  // A condition within the write budget: 12 result bytes per bin, which the OpenVDB leaves
  // holding them (~2.2 KiB per 512) cannot exceed by more than a factor of 3; names and grid
  // come from the file, bounded by its size.
  std::error_code error;
  const std::uint64_t fileBytes = std::filesystem::file_size(file, error);
  const auto budget = std::uint64_t(kVdbBudgetBytes);
  const std::uint64_t maxEntries = 3 * budget / 12;
  return readInChild<BinnedCondition>(
      file, [&] { return readVdbConditionInProcess(file); }, encodeCondition,
      [&](const std::string& bytes) { return decodeCondition(bytes, file, maxEntries); },
      ProbeKind::OpenVdb, budget, 3 * budget + (error ? 0 : fileBytes) + (1 << 20));
}

static bool hasVdbConditionMetadata(const std::filesystem::path& file) {
  try {
    openvdb::io::File in(file.string());
    in.open(false);
    const auto grids = in.readAllGridMetadata();
    in.close();
    if (!grids || grids->empty()) return false;
    auto kind = grids->front()->getMetadata<openvdb::StringMetadata>(kKind);
    return kind && kind->value() == kKindValue;
  } catch (const std::exception&) {
    return false;
  }
}

// Metadata only, but OpenVDB sizes its strings by the file's lengths: asked in a child too.
static bool isVdbConditionFile(const std::filesystem::path& file) {
  vdb::initialise();
  if (!std::filesystem::is_regular_file(file)) return false;
  return askInChild(
      file, [&] { return hasVdbConditionMetadata(file); }, ProbeKind::OpenVdb);
}

#else

static bool isVdbConditionFile(const std::filesystem::path&) {
  return false;
}
static void writeVdbCondition(const std::filesystem::path& file, const BinnedCondition&) {
  throw FileError(file, "this build has no OpenVDB support; write the condition as .h5");
}
static BinnedCondition readVdbCondition(const std::filesystem::path& file) {
  throw FileError(file, "this build has no OpenVDB support; .vdb conditions cannot be read");
}

#endif

void writeCondition(const std::filesystem::path& file, const BinnedCondition& condition) {
  if (conditionFormatOf(file) == ConditionFormat::OpenVdb)
    return writeVdbCondition(file, condition);
#ifdef TERAMIND_HAVE_HDF5
  writeFileAtomically(file, [&](const std::filesystem::path& temporary) {
    conditionh5::write(temporary, condition);
  });
#else
  throw FileError(file, "this build has no HDF5 support; write the condition as .vdb");
#endif
}

BinnedCondition readCondition(const std::filesystem::path& file) {
  if (conditionFormatOf(file) == ConditionFormat::OpenVdb) return readVdbCondition(file);
#ifdef TERAMIND_HAVE_HDF5
  return conditionh5::read(file);
#else
  throw FileError(file, "this build has no HDF5 support; .h5 conditions cannot be read");
#endif
}

const char* preferredConditionExtension() {
#ifdef TERAMIND_HAVE_HDF5
  return ".h5";
#else
  return ".vdb";
#endif
}

bool isConditionFile(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".vdb") return isVdbConditionFile(file);
#ifdef TERAMIND_HAVE_HDF5
  if (ext == ".h5" || ext == ".hdf5") return conditionh5::isConditionFile(file);
#endif
  return false;
}

}  // namespace teramind
