#include "analysis/AttentionComparison.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <fmt/core.h>

#include "analysis/AttentionTables.h"
#include "analysis/Correlation.h"
#include "common/FileError.h"

namespace teramind {
namespace {

std::vector<std::string> splitCsvLine(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream s(line);
  std::string cell;
  while (std::getline(s, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

double number(const std::filesystem::path& file, std::size_t row, const std::string& cell) {
  try {
    std::size_t used = 0;
    const double v = std::stod(cell, &used);
    if (used == cell.size()) return v;
  } catch (const std::exception&) {
  }
  throw FileError(file, fmt::format("row {}: '{}' is not a number", row, cell));
}

std::ifstream openTable(const std::filesystem::path& file, const std::string& header) {
  std::ifstream in(file);
  if (!in)
    throw FileError(file,
                    "cannot open (a `teramind attention` output directory written before "
                    "cross-tissue comparison? rerun `teramind attention`)");
  std::string line;
  std::getline(in, line);
  if (line != header) throw FileError(file, "row 1 is not the header '" + header + "'");
  return in;
}

std::unordered_map<std::string, std::size_t> indexOf(const std::vector<std::string>& genes) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t g = 0; g < genes.size(); ++g) index[genes[g]] = g;
  return index;
}

std::size_t geneAt(const std::filesystem::path& file, std::size_t row,
                   const std::unordered_map<std::string, std::size_t>& index,
                   const std::string& name) {
  const auto it = index.find(name);
  if (it == index.end())
    throw FileError(file, fmt::format("row {}: gene {} is not in matrix.csv", row, name));
  return it->second;
}

// region_matrices.csv: "region,patches,query,key,attention", every gene pair of every region.
void readRegionMatrices(const std::filesystem::path& file, AttentionResult& result) {
  auto in = openTable(file, "region,patches,query,key,attention");
  const auto index = indexOf(result.genes);
  const std::size_t g = result.genes.size();
  std::map<std::string, std::size_t> filled;
  std::string line;
  for (std::size_t row = 2; std::getline(in, line); ++row) {
    const auto cells = splitCsvLine(line);
    if (cells.size() != 5)
      throw FileError(file, fmt::format("row {} has {} cells, expected 5", row, cells.size()));
    auto& region = result.regions[cells[0]];
    if (region.matrix.empty())
      region.matrix.assign(g * g, std::numeric_limits<double>::quiet_NaN());
    region.patches = static_cast<std::int64_t>(number(file, row, cells[1]));
    const auto q = geneAt(file, row, index, cells[2]), k = geneAt(file, row, index, cells[3]);
    if (!std::isnan(region.matrix[q * g + k]))
      throw FileError(file, fmt::format("row {}: {} -> {} of {} appears twice", row, cells[2],
                                        cells[3], cells[0]));
    region.matrix[q * g + k] = number(file, row, cells[4]);
    ++filled[cells[0]];
  }
  for (const auto& [name, n] : filled)
    if (n != g * g)
      throw FileError(file, fmt::format("region {} has {} of {} gene pairs", name, n, g * g));
  if (!result.regions.count("section")) throw FileError(file, "has no region 'section'");
}

// genes_expressed.csv: "region,gene,count".
void readGeneTotals(const std::filesystem::path& file, AttentionResult& result) {
  auto in = openTable(file, "region,gene,count");
  const auto index = indexOf(result.genes);
  std::string line;
  for (std::size_t row = 2; std::getline(in, line); ++row) {
    const auto cells = splitCsvLine(line);
    if (cells.size() != 3)
      throw FileError(file, fmt::format("row {} has {} cells, expected 3", row, cells.size()));
    const auto it = result.regions.find(cells[0]);
    if (it == result.regions.end())
      throw FileError(
          file, fmt::format("row {}: region {} is not in region_matrices.csv", row, cells[0]));
    auto& totals = it->second.geneTotals;
    if (totals.empty()) totals.assign(result.genes.size(), -1.0);
    const auto g = geneAt(file, row, index, cells[1]);
    totals[g] = number(file, row, cells[2]);
    if (totals[g] < 0) throw FileError(file, fmt::format("row {}: a negative count", row));
  }
  for (const auto& [name, region] : result.regions)
    for (std::size_t g = 0; g < result.genes.size(); ++g)
      if (region.geneTotals.empty() || region.geneTotals[g] < 0)
        throw FileError(file,
                        fmt::format("has no count of gene {} in region {}", result.genes[g], name));
}

}  // namespace

AttentionResult readAttentionResult(const std::filesystem::path& directory) {
  AttentionResult result;
  result.label = directory.string();
  result.genes = readAttentionMatrixCsv(directory / "matrix.csv").genes;
  result.panel = readAttentionMatrixCsv(directory / "panel_matrix.csv").genes;
  readRegionMatrices(directory / "region_matrices.csv", result);
  readGeneTotals(directory / "genes_expressed.csv", result);
  return result;
}

std::string attentionGeneTotalsCsv(const std::vector<std::string>& genes,
                                   const std::map<std::string, std::vector<double>>& totals) {
  std::string text = "region,gene,count\n";
  for (const auto& [region, counts] : totals) {
    if (counts.size() != genes.size())
      throw std::invalid_argument(fmt::format("attentionGeneTotalsCsv: {} counts for {} genes",
                                              counts.size(), genes.size()));
    for (std::size_t g = 0; g < genes.size(); ++g)
      text += fmt::format("{},{},{:.8g}\n", region, genes[g], counts[g]);
  }
  return text;
}

AttentionComparison compareAttentionResults(const std::vector<AttentionResult>& inputs) {
  if (inputs.size() < 2) throw std::invalid_argument("a comparison needs at least two inputs");
  const auto& genes = inputs.front().genes;
  for (const auto& input : inputs)
    if (input.genes != genes)
      throw std::invalid_argument(input.label + " has another gene panel than " +
                                  inputs.front().label);
  const std::size_t g = genes.size();
  std::vector<std::string> regions{"section"};
  std::map<std::string, std::vector<bool>> presence;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    for (const auto& entry : inputs[i].regions) {
      auto& present = presence[entry.first];
      present.resize(inputs.size(), false);
      present[i] = true;
    }
  for (const auto& entry : presence)
    if (entry.first != "section") regions.push_back(entry.first);

  AttentionComparison comparison;
  for (const auto& region : regions) {
    const auto& present = presence[region];
    bool everywhere = true;
    for (bool p : present) everywhere = everywhere && p;
    if (!everywhere) comparison.partialRegions[region] = present;
    // The genes expressed in this region in every input that has it.
    std::vector<std::size_t> used;
    for (std::size_t k = 0; k < g; ++k) {
      bool expressed = true;
      for (std::size_t i = 0; i < inputs.size(); ++i)
        if (present[i]) expressed = expressed && inputs[i].regions.at(region).geneTotals[k] > 0;
      if (expressed) used.push_back(k);
    }
    for (std::size_t a = 0; a < inputs.size(); ++a)
      for (std::size_t b = a + 1; b < inputs.size(); ++b) {
        RegionCorrelation row;
        row.region = region;
        row.a = a;
        row.b = b;
        row.inA = present[a];
        row.inB = present[b];
        row.pearson = row.spearman = std::numeric_limits<double>::quiet_NaN();
        if (row.inA && row.inB) {
          row.genes = used;
          std::vector<double> x, y;
          const auto& ma = inputs[a].regions.at(region).matrix;
          const auto& mb = inputs[b].regions.at(region).matrix;
          for (auto q : used)
            for (auto k : used) {
              x.push_back(ma[q * g + k]);
              y.push_back(mb[q * g + k]);
            }
          if (used.size() >= 2) {
            row.pearson = pearson(x, y);
            row.spearman = spearman(x, y);
          }
        }
        comparison.rows.push_back(std::move(row));
      }
  }
  return comparison;
}

}  // namespace teramind
