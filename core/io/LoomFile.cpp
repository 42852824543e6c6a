#include "io/LoomFile.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/FileError.h"
#include "io/Hdf5File.h"
#include "io/ThirdPartyReadIsolation.h"

namespace teramind {
namespace {

// About 16 MB of doubles per block, whatever the gene count.
constexpr std::size_t kBlockValues = std::size_t(1) << 21;

// sqrt(size_um2 / size_pix) per cell; the median shrugs off a cell whose size was rounded.
std::optional<double> pixelSizeFromCellSizes(const hdf5::File& h5, std::size_t cells) {
  if (!h5.isDataset("col_attrs/size_um2") || !h5.isDataset("col_attrs/size_pix"))
    return std::nullopt;
  const std::vector<double> um2 = h5.readDoubles("col_attrs/size_um2");
  const std::vector<double> pix = h5.readDoubles("col_attrs/size_pix");
  if (um2.size() != cells || pix.size() != cells)
    h5.fail("col_attrs/size_um2 and size_pix must have one value per cell (" +
            std::to_string(cells) + ")");
  std::vector<double> sizes;
  for (std::size_t c = 0; c < cells; ++c) {
    const double size = std::sqrt(um2[c] / pix[c]);
    if (pix[c] > 0 && um2[c] > 0 && std::isfinite(size)) sizes.push_back(size);
  }
  if (sizes.empty()) return std::nullopt;
  const auto middle = sizes.begin() + std::ptrdiff_t(sizes.size() / 2);
  std::nth_element(sizes.begin(), middle, sizes.end());
  return *middle;
}

std::vector<double> readCoordinate(const hdf5::File& h5, const std::string& name,
                                   std::size_t cells) {
  const std::string dataset = "col_attrs/" + name;
  if (!h5.isDataset(dataset)) return {};
  std::vector<double> values = h5.readDoubles(dataset);
  if (values.size() != cells)
    h5.fail(dataset + " has " + std::to_string(values.size()) + " values for " +
            std::to_string(cells) + " cells");
  return values;
}

CellTable read(const hdf5::File& h5, double pixelSizeUm, const ReadProgress& progress) {
  if (!h5.isDataset("matrix")) h5.fail("not a loom file: no /matrix dataset");
  const std::vector<hsize_t> dims = h5.shape("matrix");
  if (dims.size() != 2)
    h5.fail("/matrix has " + std::to_string(dims.size()) + " dimensions, a loom matrix has 2");
  const std::size_t geneCount = dims[0];
  const std::size_t cellCount = dims[1];

  if (!h5.isDataset("row_attrs/Gene")) h5.fail("no /row_attrs/Gene dataset (gene names)");
  std::vector<std::string> geneNames = h5.readStrings("row_attrs/Gene");
  if (geneNames.size() != geneCount)
    h5.fail("/row_attrs/Gene has " + std::to_string(geneNames.size()) + " names but /matrix has " +
            std::to_string(geneCount) + " gene rows");
  for (std::size_t g = 0; g < geneCount; ++g)
    if (geneNames[g].empty())
      h5.fail("/row_attrs/Gene: gene " + std::to_string(g) + " has no name");

  CellTable table;
  for (const auto& name : hdf5::makeUnique(std::move(geneNames))) table.genes.add(name);

  std::vector<std::string> ids;
  if (h5.isDataset("col_attrs/CellID")) {
    ids = h5.readLabels("col_attrs/CellID");
    if (ids.size() != cellCount)
      h5.fail("/col_attrs/CellID has " + std::to_string(ids.size()) + " ids but /matrix has " +
              std::to_string(cellCount) + " cell columns");
  } else {
    ids.reserve(cellCount);
    for (std::size_t c = 0; c < cellCount; ++c) ids.push_back(std::to_string(c));
  }

  const std::vector<double> xs = readCoordinate(h5, "X", cellCount);
  const std::vector<double> ys = readCoordinate(h5, "Y", cellCount);
  const std::vector<double> zs = readCoordinate(h5, "Z", cellCount);
  if (xs.empty() || ys.empty()) h5.fail("no cell coordinates: /col_attrs/X and Y are required");

  if (pixelSizeUm > 0) {
    table.coordinateUnit = "um";
  } else if (const auto derived = pixelSizeFromCellSizes(h5, cellCount)) {
    pixelSizeUm = *derived;
    table.coordinateUnit = "um";
  } else {
    pixelSizeUm = 1;
    table.coordinateUnit = "px";
  }

  table.cellIds.reserve(cellCount);
  table.x.reserve(cellCount);
  table.y.reserve(cellCount);
  table.z.reserve(cellCount);
  table.rowStart.reserve(cellCount + 1);

  // Blocks of whole cells (all genes × some cells), aligned to the chunk columns so each
  // compressed chunk is inflated once: the CSR by cell is then appended in one pass, with
  // no transposed copy of the matrix.
  const std::vector<hsize_t> chunk = h5.chunkShape("matrix");
  const std::size_t chunkCells = chunk.size() == 2 ? std::max<std::size_t>(chunk[1], 1) : 1;
  std::size_t blockCells =
      std::max<std::size_t>(1, kBlockValues / std::max<std::size_t>(geneCount, 1));
  // Align to chunks only when a chunk fits the block: a file chunked one gene × all cells must
  // not make the block the whole matrix.
  if (chunkCells <= blockCells) blockCells = blockCells / chunkCells * chunkCells;
  blockCells = std::min(blockCells, std::max<std::size_t>(cellCount, 1));

  hdf5::ProgressThrottle report(progress, 0, 1);
  std::vector<double> block(geneCount * blockCells);
  std::vector<float> row(geneCount);
  for (std::size_t first = 0; first < cellCount; first += blockCells) {
    const std::size_t width = std::min(blockCells, cellCount - first);
    if (geneCount > 0) h5.readDoubles("matrix", {0, first}, {geneCount, width}, block.data());
    for (std::size_t j = 0; j < width; ++j) {
      const std::size_t c = first + j;
      for (std::size_t g = 0; g < geneCount; ++g) {
        const double value = block[g * width + j];
        if (const auto problem = hdf5::invalidCount(value))
          h5.fail("/matrix: the count of gene " + table.genes.name(std::uint32_t(g)) + " in cell " +
                  ids[c] + " (column " + std::to_string(c) + ") is " + *problem);
        row[g] = float(value);
      }
      const double x = xs[c] * pixelSizeUm, y = ys[c] * pixelSizeUm;
      const double z = zs.empty() ? 0.0 : zs[c] * pixelSizeUm;
      if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z))
        h5.fail("/col_attrs: cell " + ids[c] + " has a coordinate that is not a finite number");
      table.addCell(ids[c], float(x), float(y), float(z), row);
    }
    report(double(first + width) / double(cellCount));
  }
  report(1.0);
  table.checkConsistent();
  return table;
}

CellTable readInProcess(const std::filesystem::path& file, double pixelSizeUm,
                        const ReadProgress& progress) {
  const hdf5::File h5(file);
  return h5.guarded([&] { return read(h5, pixelSizeUm, progress); });
}

}  // namespace

CellTable readLoom(const std::filesystem::path& file, double pixelSizeUm,
                   const ReadProgress& progress) {
  if (!(pixelSizeUm >= 0) || !std::isfinite(pixelSizeUm))
    throw FileError(file,
                    "the pixel size must be a positive number of µm, or 0 to take it "
                    "from the file, not " +
                        std::to_string(pixelSizeUm));
  // HDF5 crashes and loops inside the library on some damaged files: a child reads it first.
  probeInChild(
      file, [&] { (void)readInProcess(file, pixelSizeUm, {}); }, ProbeKind::Hdf5);
  return readInProcess(file, pixelSizeUm, progress);
}

}  // namespace teramind
