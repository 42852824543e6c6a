#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace teramind {

// The attention of one region of a `teramind attention` result.
struct RegionAttention {
  std::int64_t patches = 0;
  std::vector<double> matrix;      // genes × genes, [query][key]
  std::vector<double> geneTotals;  // per gene: counts in the region's patches, analysed planes
};

// One `teramind attention` result directory as `attention compare` reads it: matrix.csv (the
// gene order), region_matrices.csv (every region's full matrix), genes_expressed.csv (every
// region's gene totals) and panel_matrix.csv (the panel's genes).
struct AttentionResult {
  std::string label;  // the directory as given
  std::vector<std::string> genes;
  std::vector<std::string> panel;
  std::map<std::string, RegionAttention> regions;  // always holds "section"
};
// Throws FileError naming the file and the row for a missing file or a malformed table.
AttentionResult readAttentionResult(const std::filesystem::path& directory);

// "region,gene,count": every region's total count per gene (genes_expressed.csv). A gene is
// expressed in a region when its count is > 0.
std::string attentionGeneTotalsCsv(const std::vector<std::string>& genes,
                                   const std::map<std::string, std::vector<double>>& totals);

// Pearson and Spearman of one region's matrices in two inputs, over the query × key pairs of
// the genes expressed in that region in every input that has the region: attention to or from
// a gene without molecules says what the model does with a zero token, not how the tissue
// differs, and would pull r towards agreement.
struct RegionCorrelation {
  std::string region;
  std::size_t a = 0, b = 0;          // input indices
  bool inA = true, inB = true;       // whether each input has the region (no figures when not)
  std::vector<std::size_t> genes;    // the genes used
  double pearson = 0, spearman = 0;  // NaN with fewer than 2 genes or a constant side
};

struct AttentionComparison {
  // Per region ("section" first, then by name), every input pair (a < b).
  std::vector<RegionCorrelation> rows;
  // Regions present in only some inputs: which have them.
  std::map<std::string, std::vector<bool>> partialRegions;
};

// Throws std::invalid_argument for fewer than two inputs or inputs with different genes.
AttentionComparison compareAttentionResults(const std::vector<AttentionResult>& inputs);

}  // namespace teramind
