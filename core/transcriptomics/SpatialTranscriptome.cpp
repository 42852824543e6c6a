#include "transcriptomics/SpatialTranscriptome.h"

#include <algorithm>
#include <stdexcept>

namespace teramind {

void TranscriptTable::reserve(std::size_t n) {
  x.reserve(n);
  y.reserve(n);
  plane.reserve(n);
  gene.reserve(n);
}

void TranscriptTable::push(float xUm, float yUm, std::uint16_t zPlane, std::uint32_t geneIndex) {
  x.push_back(xUm);
  y.push_back(yUm);
  plane.push_back(zPlane);
  gene.push_back(geneIndex);
}

std::vector<std::uint64_t> TranscriptTable::countsPerFeature() const {
  std::vector<std::uint64_t> counts(genes.size(), 0);
  for (const auto g : gene) ++counts[g];
  return counts;
}

std::uint64_t TranscriptTable::geneTranscriptCount() const {
  return size() - controlTranscriptCount();
}

std::uint64_t TranscriptTable::controlTranscriptCount() const {
  std::uint64_t n = 0;
  for (const auto g : gene) n += genes.isControl(g) ? 1 : 0;
  return n;
}

int TranscriptTable::planeCount() const {
  return plane.empty() ? 0 : int(*std::max_element(plane.begin(), plane.end())) + 1;
}

void CellTable::addCell(const std::string& id, float xUm, float yUm, float zUm,
                        const std::vector<float>& values) {
  cellIds.push_back(id);
  x.push_back(xUm);
  y.push_back(yUm);
  z.push_back(zUm);
  for (std::size_t g = 0; g < values.size(); ++g) {
    if (values[g] == 0.0f) continue;
    entryGene.push_back(std::uint32_t(g));
    entryValue.push_back(values[g]);
  }
  rowStart.push_back(entryGene.size());
}

float CellTable::value(std::size_t cell, std::uint32_t g) const {
  const auto first = entryGene.begin() + std::ptrdiff_t(rowStart.at(cell));
  const auto last = entryGene.begin() + std::ptrdiff_t(rowStart.at(cell + 1));
  const auto found = std::lower_bound(first, last, g);
  if (found == last || *found != g) return 0.0f;
  return entryValue[std::size_t(found - entryGene.begin())];
}

std::vector<double> CellTable::totalsPerFeature() const {
  std::vector<double> totals(genes.size(), 0.0);
  for (std::size_t i = 0; i < entryGene.size(); ++i) totals[entryGene[i]] += entryValue[i];
  return totals;
}

void CellTable::checkConsistent() const {
  const std::size_t n = cellCount();
  if (cellIds.size() != n || x.size() != n || y.size() != n || z.size() != n)
    throw std::logic_error("cell table: coordinate and id columns disagree with the cell count");
  if (entryGene.size() != entryValue.size() || rowStart.back() != entryGene.size())
    throw std::logic_error("cell table: expression entries are inconsistent");
  for (const auto g : entryGene)
    if (g >= genes.size()) throw std::logic_error("cell table: gene index out of range");
}

}  // namespace teramind
