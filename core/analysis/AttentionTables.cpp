#include "analysis/AttentionTables.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

#include "analysis/GeneAttentionAggregate.h"
#include "common/FileError.h"

namespace teramind {
namespace {

void checkMatrix(const std::vector<std::string>& genes, const std::vector<double>& matrix,
                 const std::vector<std::size_t>& order, const char* what) {
  if (matrix.size() != genes.size() * genes.size())
    throw std::invalid_argument(
        fmt::format("{}: a matrix of {} values for {} genes", what, matrix.size(), genes.size()));
  for (auto g : order)
    if (g >= genes.size())
      throw std::invalid_argument(
          fmt::format("{}: gene index {} of {} genes", what, g, genes.size()));
}

}  // namespace

std::string attentionMatrixCsv(const std::vector<std::string>& genes,
                               const std::vector<double>& matrix,
                               const std::vector<std::size_t>& order) {
  checkMatrix(genes, matrix, order, "attentionMatrixCsv");
  const std::size_t g = genes.size();
  std::string text = "gene";
  for (auto k : order) text += "," + genes[k];
  text += "\n";
  for (auto q : order) {
    text += genes[q];
    for (auto k : order) text += fmt::format(",{:.8g}", matrix[q * g + k]);
    text += "\n";
  }
  return text;
}

AttentionMatrix readAttentionMatrixCsv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot open (not a `teramind attention` output directory?)");
  AttentionMatrix m;
  std::string line, cell;
  std::getline(in, line);
  std::stringstream header(line);
  std::getline(header, cell, ',');
  while (std::getline(header, cell, ',')) m.genes.push_back(cell);
  std::size_t row = 0;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::getline(s, cell, ',');
    if (row >= m.genes.size() || cell != m.genes[row])
      throw FileError(file, fmt::format("row {} is not gene {}", row + 1,
                                        row < m.genes.size() ? m.genes[row] : "(none)"));
    std::size_t n = 0;
    while (std::getline(s, cell, ',')) {
      try {
        m.values.push_back(std::stod(cell));
      } catch (const std::exception&) {
        throw FileError(file, fmt::format("row {}: '{}' is not a number", row + 1, cell));
      }
      ++n;
    }
    if (n != m.genes.size())
      throw FileError(file,
                      fmt::format("row {} has {} values, expected {}", row + 1, n, m.genes.size()));
    ++row;
  }
  if (row != m.genes.size() || row == 0)
    throw FileError(file, fmt::format("{} rows for {} genes", row, m.genes.size()));
  return m;
}

std::vector<AttentionPair> topAttentionPairs(const std::vector<double>& matrix, std::size_t genes,
                                             std::size_t count) {
  if (matrix.size() != genes * genes)
    throw std::invalid_argument(
        fmt::format("topAttentionPairs: a matrix of {} values for {} genes", matrix.size(), genes));
  std::vector<std::pair<double, std::size_t>> pairs;
  pairs.reserve(matrix.size());
  for (std::size_t i = 0; i < matrix.size(); ++i)
    if (i / genes != i % genes) pairs.emplace_back(matrix[i], i);
  const auto k = std::min(count, pairs.size());
  // Ties by position, so the table does not depend on the sort's implementation.
  std::partial_sort(pairs.begin(), pairs.begin() + std::ptrdiff_t(k), pairs.end(),
                    [](const auto& x, const auto& y) {
                      return x.first > y.first || (x.first == y.first && x.second < y.second);
                    });
  std::vector<AttentionPair> top(k);
  for (std::size_t r = 0; r < k; ++r)
    top[r] = {pairs[r].second / genes, pairs[r].second % genes, pairs[r].first};
  return top;
}

std::string attentionRegionsCsv(const GeneAttentionAggregate& aggregate,
                                const std::vector<std::string>& genes,
                                const std::vector<std::size_t>& panel) {
  std::string text = "region,patches,query,key,attention\n";
  const std::size_t g = genes.size();
  for (const auto& region : aggregate.regions()) {
    const auto m = aggregate.mean(region);
    checkMatrix(genes, m, panel, "attentionRegionsCsv");
    for (auto q : panel)
      for (auto k : panel)
        text += fmt::format("{},{},{},{},{:.8g}\n", region, aggregate.count(region), genes[q],
                            genes[k], m[q * g + k]);
  }
  return text;
}

std::string attentionTopPairsCsv(const GeneAttentionAggregate& aggregate,
                                 const std::vector<std::string>& genes, std::size_t count) {
  std::string text = "region,rank,query,key,attention\n";
  for (const auto& region : aggregate.regions()) {
    const auto m = aggregate.mean(region);
    checkMatrix(genes, m, {}, "attentionTopPairsCsv");
    const auto top = topAttentionPairs(m, genes.size(), count);
    for (std::size_t r = 0; r < top.size(); ++r)
      text += fmt::format("{},{},{},{},{:.8g}\n", region, r + 1, genes[top[r].query],
                          genes[top[r].key], top[r].attention);
  }
  return text;
}

}  // namespace teramind
