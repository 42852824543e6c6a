#include "io/H5adFile.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/FileError.h"
#include "io/Hdf5File.h"
#include "io/ThirdPartyReadIsolation.h"
#include "transcriptomics/DelimitedTextReader.h"

namespace teramind {
namespace {

// Entries (or dense values) per read: about 16 MB of doubles.
constexpr std::size_t kBlockValues = std::size_t(1) << 21;
// More point pairs than this add nothing to a 12-parameter least-squares fit.
constexpr std::size_t kMaxFitPoints = 200000;

std::string str(std::size_t n) {
  return std::to_string(n);
}

// An obs/var dataframe's index (anndata ≥ 0.7: attribute _index names the dataset).
std::vector<std::string> readIndex(const hdf5::File& h5, const std::string& frame) {
  switch (h5.kind(frame)) {
    case hdf5::ObjectKind::Group:
      break;
    case hdf5::ObjectKind::Dataset:
      h5.fail(frame + " is a compound table (anndata < 0.7), which is not supported");
    default:
      h5.fail("not an h5ad file: no " + frame + " group");
  }
  const auto index = h5.stringAttribute(frame, "_index");
  if (!index) h5.fail(frame + " has no _index attribute naming its index column");
  const std::string dataset = frame + "/" + *index;
  if (!h5.isDataset(dataset)) h5.fail(frame + ": no index dataset " + dataset);
  return h5.readLabels(dataset);
}

// A string column of a dataframe: a plain dataset, or a categorical (categories + codes).
// Missing values (code -1) come back empty.
std::vector<std::string> readColumn(const hdf5::File& h5, const std::string& column) {
  if (h5.isDataset(column)) {
    if (h5.hasAttribute(column, "categories"))
      h5.fail(column + " is a categorical of anndata < 0.8, which is not supported");
    return h5.readLabels(column);
  }
  if (!h5.isGroup(column)) h5.fail("no column " + column);
  const auto encoding = h5.stringAttribute(column, "encoding-type");
  if (encoding != "categorical" || !h5.isDataset(column + "/categories") ||
      !h5.isDataset(column + "/codes"))
    h5.fail(column + " is neither a string column nor a categorical");
  const std::vector<std::string> categories = h5.readLabels(column + "/categories");
  const std::vector<std::int64_t> codes = h5.readIntegers(column + "/codes");
  std::vector<std::string> values(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] == -1) continue;
    if (codes[i] < 0 || std::size_t(codes[i]) >= categories.size())
      h5.fail(column + "/codes[" + str(i) + "] = " + std::to_string(codes[i]) +
              " is not a category (there are " + str(categories.size()) + ")");
    values[i] = categories[std::size_t(codes[i])];
  }
  return values;
}

std::vector<std::string> geneNames(const hdf5::File& h5, const std::vector<std::string>& ids,
                                   const std::string& requested) {
  std::string column = requested;
  if (column.empty() && h5.kind("var/gene_symbol") != hdf5::ObjectKind::Missing)
    column = "gene_symbol";
  if (column.empty()) return ids;
  if (h5.kind("var/" + column) == hdf5::ObjectKind::Missing)
    h5.fail("var has no column '" + column + "' for gene symbols");
  std::vector<std::string> names = readColumn(h5, "var/" + column);
  if (names.size() != ids.size())
    h5.fail("var/" + column + " has " + str(names.size()) + " values for " + str(ids.size()) +
            " genes");
  // A gene without a symbol keeps its identifier rather than an empty name.
  for (std::size_t g = 0; g < names.size(); ++g)
    if (names[g].empty()) names[g] = ids[g];
  return names;
}

struct Coordinates {
  std::vector<float> x, y, z;
  std::string unit = "um";
  std::optional<AffineTransform> sectionToAtlas;
};

Coordinates spatialFromObsm(const hdf5::File& h5, std::size_t cells) {
  const std::vector<hsize_t> dims = h5.shape("obsm/spatial");
  if (dims.size() != 2 || dims[0] != cells || (dims[1] != 2 && dims[1] != 3))
    h5.fail("obsm/spatial must be cells × 2 or cells × 3 (" + str(cells) + " cells)");
  const std::vector<double> values = h5.readDoubles("obsm/spatial");
  const std::size_t k = dims[1];
  Coordinates out;
  out.x.resize(cells);
  out.y.resize(cells);
  out.z.resize(cells, 0.0f);
  for (std::size_t c = 0; c < cells; ++c) {
    for (std::size_t d = 0; d < k; ++d)
      if (!std::isfinite(values[c * k + d]))
        h5.fail("obsm/spatial: cell " + str(c) + " has a coordinate that is not finite");
    out.x[c] = float(values[c * k]);
    out.y[c] = float(values[c * k + 1]);
    if (k == 3) out.z[c] = float(values[c * k + 2]);
  }
  return out;
}

std::optional<double> parseFinite(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::size_t requireColumn(const DelimitedTextReader& csv, const std::string& name,
                          const std::string& alternative) {
  if (const auto found = csv.findColumn(alternative)) return *found;
  return csv.column(name);
}

// Joins an Allen Brain Cell Atlas style cell_metadata.csv on cell_label = obs index.
Coordinates spatialFromCsv(const std::filesystem::path& csvPath, const hdf5::File& h5,
                           const std::vector<std::string>& cellIds, const ReadProgress& progress) {
  std::unordered_map<std::string, std::size_t> cellIndex;
  cellIndex.reserve(cellIds.size());
  for (std::size_t c = 0; c < cellIds.size(); ++c)
    if (!cellIndex.emplace(cellIds[c], c).second)
      h5.fail("obs index repeats cell '" + cellIds[c] + "', so it cannot be joined with " +
              csvPath.string());

  DelimitedTextReader csv(csvPath, DelimitedTextReader::Delimiter::Comma, progress);
  csv.readHeader();
  const std::size_t label = csv.column("cell_label");
  const std::size_t xColumn = requireColumn(csv, "x", "x_section");
  const std::size_t yColumn = requireColumn(csv, "y", "y_section");
  auto zColumn = csv.findColumn("z_section");
  if (!zColumn) zColumn = csv.findColumn("z");
  // ABC section coordinates are in mm; files from elsewhere are taken to be in µm.
  const double scale = csv.findColumn("brain_section_label") ? 1000.0 : 1.0;
  const auto xCcf = csv.findColumn("x_ccf"), yCcf = csv.findColumn("y_ccf"),
             zCcf = csv.findColumn("z_ccf");
  const bool hasCcf = xCcf && yCcf && zCcf;

  const std::size_t n = cellIds.size();
  Coordinates out;
  out.x.resize(n);
  out.y.resize(n);
  out.z.resize(n, 0.0f);
  std::vector<char> seen(n, 0);
  std::vector<Vec3> ccf(hasCcf ? n : 0);
  std::vector<char> hasCcfPoint(hasCcf ? n : 0, 0);
  while (csv.next()) {
    const auto found = cellIndex.find(std::string(csv.field(label)));
    if (found == cellIndex.end()) continue;
    const std::size_t c = found->second;
    if (seen[c]) csv.fail("cell_label '" + cellIds[c] + "' appears twice");
    seen[c] = 1;
    out.x[c] = float(csv.number(xColumn) * scale);
    out.y[c] = float(csv.number(yColumn) * scale);
    if (zColumn) out.z[c] = float(csv.number(*zColumn) * scale);
    if (hasCcf) {
      // Cells outside the registration have no CCF position: they only drop out of the fit.
      const auto px = parseFinite(csv.field(*xCcf)), py = parseFinite(csv.field(*yCcf)),
                 pz = parseFinite(csv.field(*zCcf));
      if (px && py && pz) {
        ccf[c] = {*px * 1000.0, *py * 1000.0, *pz * 1000.0};
        hasCcfPoint[c] = 1;
      }
    }
  }

  std::size_t missing = 0;
  std::string examples;
  for (std::size_t c = 0; c < n; ++c) {
    if (seen[c]) continue;
    if (++missing <= 5) examples += (examples.empty() ? "" : ", ") + cellIds[c];
  }
  if (missing > 0)
    throw FileError(csvPath, "no cell_label row for " + str(missing) + " of the " + str(n) +
                                 " cells of " + h5.path().string() + ": " + examples +
                                 (missing > 5 ? ", ..." : ""));

  if (hasCcf) {
    std::size_t points = 0;
    for (const char has : hasCcfPoint) points += std::size_t(has);
    const std::size_t stride = std::max<std::size_t>(1, points / kMaxFitPoints);
    std::vector<Vec3> from, to;
    std::size_t k = 0;
    for (std::size_t c = 0; c < n; ++c) {
      if (!hasCcfPoint[c] || k++ % stride != 0) continue;
      from.push_back({out.x[c], out.y[c], out.z[c]});
      to.push_back(ccf[c]);
    }
    try {
      out.sectionToAtlas = AffineTransform::fit(from, to);
    } catch (const std::invalid_argument&) {
      // A single flat section (or too few cells) leaves the fit undetermined: that is no
      // reason to refuse the cells, so the placement stays identity.
    }
  }
  return out;
}

struct Entry {
  std::uint32_t gene;
  float value;
};

class MatrixReader {
 public:
  MatrixReader(const hdf5::File& h5, CellTable& table, hdf5::ProgressThrottle& report)
      : h5_(h5), table_(table), report_(report) {}

  void dense(std::size_t cells, std::size_t genes) {
    const std::vector<hsize_t> chunk = h5_.chunkShape("X");
    const std::size_t chunkRows = chunk.size() == 2 ? std::max<std::size_t>(chunk[0], 1) : 1;
    std::size_t blockCells =
        std::max<std::size_t>(1, kBlockValues / std::max<std::size_t>(genes, 1));
    // Align to chunks only when a chunk fits the block (see LoomFile.cpp).
    if (chunkRows <= blockCells) blockCells = blockCells / chunkRows * chunkRows;
    std::vector<double> block(std::min(blockCells, cells) * genes);
    for (std::size_t first = 0; first < cells; first += blockCells) {
      const std::size_t height = std::min(blockCells, cells - first);
      if (genes > 0) h5_.readDoubles("X", {first, 0}, {height, genes}, block.data());
      for (std::size_t i = 0; i < height; ++i) {
        for (std::size_t g = 0; g < genes; ++g) push(first + i, g, block[i * genes + g]);
        endCell();
      }
      report_(double(first + height) / double(cells));
    }
  }

  void csr(std::size_t cells, std::size_t genes) {
    const std::vector<std::int64_t> indptr = readIndptr(cells);
    std::vector<double> data;
    std::vector<std::int64_t> indices;
    for (std::size_t first = 0; first < cells;) {
      std::size_t last = first + 1;
      while (last < cells && std::size_t(indptr[last + 1] - indptr[first]) <= kBlockValues) ++last;
      const auto begin = std::size_t(indptr[first]), count = std::size_t(indptr[last]) - begin;
      readEntries(begin, count, data, indices);
      for (std::size_t c = first; c < last; ++c) {
        for (auto k = std::size_t(indptr[c]); k < std::size_t(indptr[c + 1]); ++k) {
          const std::int64_t g = indices[k - begin];
          if (g < 0 || std::size_t(g) >= genes)
            h5_.fail("X/indices[" + str(k) + "] = " + std::to_string(g) + " is out of range for " +
                     str(genes) + " genes (cell " + table_.cellIds[c] + ")");
          push(c, std::size_t(g), data[k - begin]);
        }
        endCell();
      }
      report_(double(last) / double(cells));
      first = last;
    }
  }

  // CSC → CSR in two passes over the indices (count per cell, then place), so memory is the
  // result plus one block. Genes are visited in order, so each cell's entries come out sorted.
  void csc(std::size_t cells, std::size_t genes) {
    const std::vector<std::int64_t> indptr = readIndptr(genes);
    const auto total = std::size_t(indptr.back());
    std::vector<double> data;
    std::vector<std::int64_t> indices;
    std::vector<std::uint64_t> cursor(cells + 1, 0);
    forEachBlock(total, [&](std::size_t begin, std::size_t count) {
      readEntries(begin, count, data, indices, false);
      std::size_t g = geneOf(indptr, begin);
      for (std::size_t k = begin; k < begin + count; ++k) {
        while (std::size_t(indptr[g + 1]) <= k) ++g;
        const std::int64_t c = indices[k - begin];
        if (c < 0 || std::size_t(c) >= cells)
          h5_.fail("X/indices[" + str(k) + "] = " + std::to_string(c) + " is out of range for " +
                   str(cells) + " cells (gene " + table_.genes.name(std::uint32_t(g)) + ")");
        ++cursor[std::size_t(c) + 1];
      }
      report_(0.4 * double(begin + count) / double(total));
    });
    for (std::size_t c = 0; c < cells; ++c) cursor[c + 1] += cursor[c];
    table_.rowStart.assign(cursor.begin(), cursor.end());
    table_.entryGene.resize(total);
    table_.entryValue.resize(total);
    forEachBlock(total, [&](std::size_t begin, std::size_t count) {
      readEntries(begin, count, data, indices);
      std::size_t g = geneOf(indptr, begin);
      for (std::size_t k = begin; k < begin + count; ++k) {
        while (std::size_t(indptr[g + 1]) <= k) ++g;
        const auto c = std::size_t(indices[k - begin]);
        const std::uint64_t at = cursor[c]++;
        table_.entryGene[at] = std::uint32_t(g);
        table_.entryValue[at] = checked(c, g, data[k - begin]);
      }
      report_(0.4 + 0.6 * double(begin + count) / double(total));
    });
    compact();
  }

 private:
  std::vector<std::int64_t> readIndptr(std::size_t majorCount) {
    for (const char* name : {"X/data", "X/indices", "X/indptr"})
      if (!h5_.isDataset(name)) h5_.fail("sparse X has no dataset " + std::string(name));
    // indptr's end sizes the result: the entries must be stored before it is trusted.
    h5_.requirePlausible("X/data");
    h5_.requirePlausible("X/indices");
    const std::vector<std::int64_t> indptr = h5_.readIntegers("X/indptr");
    if (indptr.size() != majorCount + 1)
      h5_.fail("X/indptr has " + str(indptr.size()) + " entries, expected " + str(majorCount + 1));
    if (indptr[0] != 0) h5_.fail("X/indptr does not start at 0");
    for (std::size_t i = 1; i < indptr.size(); ++i)
      if (indptr[i] < indptr[i - 1])
        h5_.fail("X/indptr decreases at entry " + str(i) + " (" + std::to_string(indptr[i - 1]) +
                 " then " + std::to_string(indptr[i]) + ")");
    const std::vector<hsize_t> dataShape = h5_.shape("X/data");
    const std::vector<hsize_t> indicesShape = h5_.shape("X/indices");
    if (dataShape.size() != 1 || indicesShape.size() != 1 || dataShape[0] != indicesShape[0])
      h5_.fail("X/data and X/indices must be one-dimensional and of the same length");
    if (std::uint64_t(indptr.back()) != dataShape[0])
      h5_.fail("X/indptr ends at " + std::to_string(indptr.back()) + " but X/data has " +
               str(dataShape[0]) + " entries");
    return indptr;
  }

  void readEntries(std::size_t begin, std::size_t count, std::vector<double>& data,
                   std::vector<std::int64_t>& indices, bool withData = true) {
    indices.resize(count);
    if (count == 0) return;
    h5_.readIntegers("X/indices", begin, count, indices.data());
    if (!withData) return;
    data.resize(count);
    h5_.readDoubles("X/data", {begin}, {count}, data.data());
  }

  template <typename Visit>
  static void forEachBlock(std::size_t total, const Visit& visit) {
    for (std::size_t begin = 0; begin < total; begin += kBlockValues)
      visit(begin, std::min(kBlockValues, total - begin));
  }

  static std::size_t geneOf(const std::vector<std::int64_t>& indptr, std::size_t entry) {
    // The last gene whose column starts at or before `entry`, skipping empty columns.
    const auto found =
        std::upper_bound(indptr.begin(), indptr.end(), std::int64_t(entry)) - indptr.begin();
    return std::size_t(found - 1);
  }

  float checked(std::size_t cell, std::size_t gene, double value) const {
    if (const auto problem = hdf5::invalidCount(value))
      h5_.fail("X: the value of gene " + table_.genes.name(std::uint32_t(gene)) + " in cell " +
               table_.cellIds[cell] + " is " + *problem);
    return float(value);
  }

  void push(std::size_t cell, std::size_t gene, double value) {
    row_.push_back({std::uint32_t(gene), checked(cell, gene, value)});
  }

  // Sorts the cell's entries by gene (anndata does not promise sorted indices), sums repeats
  // as scipy does, and drops zeros, then appends the cell.
  void endCell() {
    std::stable_sort(row_.begin(), row_.end(),
                     [](const Entry& a, const Entry& b) { return a.gene < b.gene; });
    for (std::size_t i = 0; i < row_.size();) {
      std::uint32_t gene = row_[i].gene;
      double sum = 0;  // repeats may add up beyond float: check the total too
      for (; i < row_.size() && row_[i].gene == gene; ++i) sum += row_[i].value;
      if (sum == 0.0) continue;
      table_.entryGene.push_back(gene);
      table_.entryValue.push_back(checked(table_.rowStart.size() - 1, gene, sum));
    }
    table_.rowStart.push_back(table_.entryGene.size());
    row_.clear();
  }

  // In place: sums repeated genes within each cell and drops zeros (CSC entries are
  // already sorted by gene within a cell).
  void compact() {
    std::uint64_t out = 0, begin = 0;
    for (std::size_t c = 0; c + 1 < table_.rowStart.size(); ++c) {
      const std::uint64_t end = table_.rowStart[c + 1];
      table_.rowStart[c] = out;
      for (std::uint64_t i = begin; i < end;) {
        const std::uint32_t gene = table_.entryGene[i];
        double sum = 0;  // repeats may add up beyond float: check the total too
        for (; i < end && table_.entryGene[i] == gene; ++i) sum += table_.entryValue[i];
        if (sum == 0.0) continue;
        table_.entryGene[out] = gene;
        table_.entryValue[out] = checked(c, gene, sum);
        ++out;
      }
      begin = end;
    }
    table_.rowStart.back() = out;
    table_.entryGene.resize(out);
    table_.entryValue.resize(out);
  }

  const hdf5::File& h5_;
  CellTable& table_;
  hdf5::ProgressThrottle& report_;
  std::vector<Entry> row_;
};

CellTable read(const hdf5::File& h5, const H5adOptions& options, const ReadProgress& progress) {
  if (h5.kind("X") == hdf5::ObjectKind::Missing)
    h5.fail(h5.isDataset("matrix") ? "not an h5ad file: no X matrix (this looks like a loom file)"
                                   : "not an h5ad file: no X matrix");
  std::vector<std::string> cellIds = readIndex(h5, "obs");
  const std::vector<std::string> geneIds = readIndex(h5, "var");
  const std::size_t cells = cellIds.size(), genes = geneIds.size();

  std::string format = "dense";
  std::vector<std::int64_t> shape;
  if (h5.isDataset("X")) {
    for (const auto d : h5.shape("X")) shape.push_back(std::int64_t(d));
  } else if (h5.isGroup("X")) {
    const auto encoding = h5.stringAttribute("X", "encoding-type");
    if (encoding != "csr_matrix" && encoding != "csc_matrix")
      h5.fail("X is a group with encoding-type '" + encoding.value_or("(none)") +
              "', not csr_matrix or csc_matrix");
    format = *encoding;
    shape = h5.integerAttribute("X", "shape");
  } else {
    h5.fail("X is neither a dataset nor a group");
  }
  if (shape.size() != 2) h5.fail("X is not two-dimensional");
  if (std::uint64_t(shape[0]) != cells || std::uint64_t(shape[1]) != genes)
    h5.fail("X is " + std::to_string(shape[0]) + " × " + std::to_string(shape[1]) +
            " but obs has " + str(cells) + " cells and var has " + str(genes) + " genes");

  CellTable table;
  for (const auto& name : hdf5::makeUnique(geneNames(h5, geneIds, options.geneSymbolColumn)))
    table.genes.add(name);

  // An explicitly given metadata file wins over obsm/spatial: the caller asked for it.
  const bool fromCsv = options.cellMetadataCsv.has_value();
  const double csvShare = fromCsv ? 0.3 : 0.0;
  Coordinates where;
  if (fromCsv) {
    const ReadProgress csvProgress = [&](double f) {
      if (progress) progress(csvShare * f);
    };
    where = spatialFromCsv(*options.cellMetadataCsv, h5, cellIds, csvProgress);
  } else if (h5.isDataset("obsm/spatial")) {
    where = spatialFromObsm(h5, cells);
  } else {
    h5.fail("no cell coordinates: no obsm/spatial, and no cell metadata CSV was given");
  }

  table.cellIds = std::move(cellIds);
  table.x = std::move(where.x);
  table.y = std::move(where.y);
  table.z = std::move(where.z);
  table.coordinateUnit = where.unit;
  if (where.sectionToAtlas) {
    table.placement.sectionToAtlas = *where.sectionToAtlas;
    table.placement.placed = true;
  }

  hdf5::ProgressThrottle report(progress, csvShare, 1.0);
  MatrixReader matrix(h5, table, report);
  table.rowStart.reserve(cells + 1);
  if (format == "dense")
    matrix.dense(cells, genes);
  else if (format == "csr_matrix")
    matrix.csr(cells, genes);
  else
    matrix.csc(cells, genes);
  report(1.0);
  table.checkConsistent();
  return table;
}

CellTable readInProcess(const std::filesystem::path& file, const H5adOptions& options,
                        const ReadProgress& progress) {
  const hdf5::File h5(file);
  return h5.guarded([&] { return read(h5, options, progress); });
}

}  // namespace

CellTable readH5ad(const std::filesystem::path& file, const H5adOptions& options,
                   const ReadProgress& progress) {
  // HDF5 crashes and loops inside the library on some damaged files: a child reads it first.
  probeInChild(
      file, [&] { (void)readInProcess(file, options, {}); }, ProbeKind::Hdf5);
  return readInProcess(file, options, progress);
}

}  // namespace teramind
