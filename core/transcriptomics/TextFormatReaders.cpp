#include "transcriptomics/TextFormatReaders.h"

#include <cmath>
#include <set>
#include <unordered_map>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "transcriptomics/BinnedCondition.h"
#include "transcriptomics/CellPolygonRing.h"
#include "transcriptomics/DelimitedTextReader.h"
#include "transcriptomics/SectionCoordinates.h"

namespace teramind {

using Reader = DelimitedTextReader;

TranscriptTable readVizgenTranscripts(const std::filesystem::path& file,
                                      const ReadProgress& progress) {
  Reader in(file, Reader::Delimiter::Comma, progress);
  in.readHeader();
  const std::size_t gene = in.column("gene");
  const std::size_t x = in.column("global_x");
  const std::size_t y = in.column("global_y");
  const std::size_t z = in.column("global_z");
  TranscriptTable table;
  while (in.next()) {
    in.requireHeaderWidth();
    const double zValue = in.number(z);
    if (!isPlaneIndex(zValue))
      in.fail("column 'global_z': " + std::string(in.field(z)) + " is not a z-plane index");
    const std::string_view name = in.field(gene);
    if (name.empty()) in.fail("column 'gene' is empty");
    table.push(float(in.number(x)), float(in.number(y)), std::uint16_t(zValue),
               table.genes.add(name));
  }
  if (table.size() == 0) throw FileError(file, "holds no transcripts");
  return table;
}

std::vector<CellPolygon> readCellPolygons(const std::filesystem::path& file, bool yNegated,
                                          const ReadProgress& progress) {
  Reader in(file, Reader::Delimiter::Comma, progress);
  in.readHeader();
  const std::size_t x = in.column("x");
  const std::size_t y = in.column("y");
  const std::size_t id = in.column("poly_ID");
  std::vector<CellPolygon> cells;
  std::unordered_map<std::string, std::size_t> index;
  while (in.next()) {
    in.requireHeaderWidth();
    const std::string cell(in.field(id));
    auto [it, added] = index.emplace(cell, cells.size());
    if (added) cells.push_back({cell, {}});
    const double yValue = in.number(y);
    cells[it->second].vertices.emplace_back(in.number(x), yNegated ? -yValue : yValue);
  }
  if (cells.empty()) throw FileError(file, "holds no cell outlines");
  for (auto& cell : cells) {
    openRing(cell.vertices);  // Vizgen's and Giotto's rings repeat their first vertex
    if (cell.vertices.size() < 3)
      throw FileError(file, "cell '" + cell.id + "' has fewer than 3 vertices");
  }
  return cells;
}

namespace {

bool isCellMetadataColumn(const std::string& name) {
  static const std::set<std::string> kMetadata = {"",
                                                  "index",
                                                  "cell",
                                                  "cell_id",
                                                  "cellid",
                                                  "cell_label",
                                                  "cell_volume",
                                                  "volume",
                                                  "fov",
                                                  "pos_x",
                                                  "pos_y",
                                                  "pos_z",
                                                  "x",
                                                  "y",
                                                  "z",
                                                  "center_x",
                                                  "center_y",
                                                  "center_z",
                                                  "min_x",
                                                  "max_x",
                                                  "min_y",
                                                  "max_y",
                                                  "anisotropy",
                                                  "transcript_count",
                                                  "perimeter_area_ratio",
                                                  "solidity",
                                                  "area",
                                                  "cluster",
                                                  "cell_type",
                                                  "slice_id",
                                                  "sample_id"};
  return kMetadata.count(asciiLower(name)) != 0;
}

std::optional<std::size_t> firstColumn(const Reader& in, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto i = in.findColumn(n)) return i;
  return std::nullopt;
}

}  // namespace

CellTable readCellByGeneCsv(const std::filesystem::path& file, const ReadProgress& progress) {
  Reader in(file, Reader::Delimiter::Comma, progress);
  in.readHeader();
  const auto x = firstColumn(in, {"pos_x", "center_x", "x"});
  const auto y = firstColumn(in, {"pos_y", "center_y", "y"});
  const auto z = firstColumn(in, {"pos_z", "center_z", "z"});
  if (!x || !y)
    throw FileError(file, "missing centroid columns (pos_x/pos_y, center_x/center_y or x/y)");
  const auto id = firstColumn(in, {"index", "cell_id", "cell", "cell_label", ""});
  CellTable table;
  std::vector<std::size_t> geneColumns;
  for (std::size_t c = 0; c < in.header().size(); ++c) {
    if (isCellMetadataColumn(in.header()[c])) continue;
    table.genes.add(in.header()[c]);
    geneColumns.push_back(c);
  }
  if (geneColumns.empty()) throw FileError(file, "has no gene columns");
  if (table.genes.size() != geneColumns.size()) throw FileError(file, "repeats a gene column");
  std::vector<float> values(geneColumns.size());
  while (in.next()) {
    in.requireHeaderWidth();
    for (std::size_t g = 0; g < geneColumns.size(); ++g)
      values[g] = float(in.count(geneColumns[g]));
    const std::string cellId = id ? std::string(in.field(*id)) : std::to_string(table.cellCount());
    table.addCell(cellId, float(in.number(*x)), float(in.number(*y)),
                  z ? float(in.number(*z)) : 0.0f, values);
  }
  if (table.cellCount() == 0) throw FileError(file, "holds no cells");
  table.checkConsistent();
  return table;
}

CellTable readStarmap(const std::filesystem::path& locations,
                      const std::filesystem::path& expression, const ReadProgress& progress) {
  std::vector<std::array<float, 3>> positions;
  {
    Reader in(locations, Reader::Delimiter::Whitespace);
    while (in.next()) {
      if (in.fieldCount() != 3)
        in.fail("expected 3 coordinates (x y z), found " + std::to_string(in.fieldCount()));
      positions.push_back({float(in.number(0)), float(in.number(1)), float(in.number(2))});
    }
  }
  Reader in(expression, Reader::Delimiter::Whitespace, progress);
  const std::vector<std::string> cellIds = in.readHeader();
  if (cellIds.size() != positions.size())
    throw FileError(expression, "has " + std::to_string(cellIds.size()) + " cells, but " +
                                    locations.string() + " has " +
                                    std::to_string(positions.size()) + " locations");
  // Gene-major on disk: collect it, then transpose into the cell-major table.
  GeneCatalogue genes;
  std::vector<std::vector<float>> rows;
  while (in.next()) {
    if (in.fieldCount() != cellIds.size() + 1)
      in.fail("expected a gene name and " + std::to_string(cellIds.size()) + " counts, found " +
              std::to_string(in.fieldCount()) + " fields");
    const std::string gene(in.field(0));
    if (genes.find(gene)) in.fail("gene '" + gene + "' appears twice");
    genes.add(gene);
    std::vector<float> row(cellIds.size());
    for (std::size_t c = 0; c < cellIds.size(); ++c) row[c] = float(in.count(c + 1));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw FileError(expression, "holds no genes");
  CellTable table;
  table.genes = genes;
  table.coordinateUnit = "voxel";
  std::vector<float> values(rows.size());
  for (std::size_t c = 0; c < cellIds.size(); ++c) {
    for (std::size_t g = 0; g < rows.size(); ++g) values[g] = rows[g][c];
    table.addCell(cellIds[c], positions[c][0], positions[c][1], positions[c][2], values);
  }
  table.checkConsistent();
  return table;
}

}  // namespace teramind
