#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace teramind {

class GeneAttentionAggregate;

// The text tables of gene × gene attention that `teramind attention` writes and the studio
// exports. A matrix is genes × genes, [query][key]; values are written with 8 significant
// digits (printf's %.8g).

// "gene,<key genes…>" then one row per query gene, both in `order` (all genes, a panel, or a
// clustered order).
std::string attentionMatrixCsv(const std::vector<std::string>& genes,
                               const std::vector<double>& matrix,
                               const std::vector<std::size_t>& order);

// A matrix read back from attentionMatrixCsv's text: its genes (the header) and values,
// row-major. Throws FileError naming the file and the row for anything else (rows not in the
// header's order, a value that is not a number, a short row).
struct AttentionMatrix {
  std::vector<std::string> genes;
  std::vector<double> values;
};
AttentionMatrix readAttentionMatrixCsv(const std::filesystem::path& file);

struct AttentionPair {
  std::size_t query = 0, key = 0;
  double attention = 0;
};

// The `count` largest off-diagonal pairs (query ≠ key), largest first; equal values in
// row-major order (query, then key).
std::vector<AttentionPair> topAttentionPairs(const std::vector<double>& matrix, std::size_t genes,
                                             std::size_t count);

// "region,patches,query,key,attention": for every region of the aggregate, the pairs of
// `panel` × `panel`.
std::string attentionRegionsCsv(const GeneAttentionAggregate& aggregate,
                                const std::vector<std::string>& genes,
                                const std::vector<std::size_t>& panel);

// "region,rank,query,key,attention": for every region, its `count` top pairs.
std::string attentionTopPairsCsv(const GeneAttentionAggregate& aggregate,
                                 const std::vector<std::string>& genes, std::size_t count);

}  // namespace teramind
