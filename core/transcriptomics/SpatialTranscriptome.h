#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "transcriptomics/GeneCatalogue.h"
#include "volume/AffineTransform.h"

namespace teramind {

// Where a section's own µm coordinates (x, y in-plane, z = plane index × plane spacing) lie in
// atlas space (CCFv3 PIR, µm).
struct SectionPlacement {
  AffineTransform sectionToAtlas;
  // Whether the data said where the section lies (a manifest's section_to_atlas, CCF
  // coordinates): without it sectionToAtlas is the identity, which places nothing.
  bool placed = false;
  double planeSpacingUm = 1.5;  // MERSCOPE z-planes are 1.5 µm apart
};

// Detected transcripts of one section: one row per molecule, stored column-wise.
class TranscriptTable {
 public:
  GeneCatalogue genes;
  std::vector<float> x;  // µm, the instrument's global frame
  std::vector<float> y;
  std::vector<std::uint16_t> plane;  // z-plane index
  std::vector<std::uint32_t> gene;   // index into `genes`
  SectionPlacement placement;

  std::size_t size() const { return gene.size(); }
  void reserve(std::size_t n);
  void push(float xUm, float yUm, std::uint16_t zPlane, std::uint32_t geneIndex);
  // Molecules per catalogue entry.
  std::vector<std::uint64_t> countsPerFeature() const;
  // Molecules of real genes (controls excluded) and of controls.
  std::uint64_t geneTranscriptCount() const;
  std::uint64_t controlTranscriptCount() const;
  int planeCount() const;  // highest plane index + 1
};

// Cells × genes with centroids: Zhuang-lab MERFISH, STARmap, osmFISH, ABC h5ad.
// Expression is stored compressed by cell (CSR): most entries are zero.
class CellTable {
 public:
  GeneCatalogue genes;
  std::vector<std::string> cellIds;
  std::vector<float> x, y, z;  // µm (or the source's stated unit, see `coordinateUnit`)
  std::string coordinateUnit = "um";
  std::vector<std::uint64_t> rowStart{0};  // cell c's entries: [rowStart[c], rowStart[c+1])
  std::vector<std::uint32_t> entryGene;
  std::vector<float> entryValue;
  SectionPlacement placement;

  std::size_t cellCount() const { return rowStart.size() - 1; }
  // Appends a cell; `values` is dense over the catalogue, zeros are not stored.
  void addCell(const std::string& id, float xUm, float yUm, float zUm,
               const std::vector<float>& values);
  float value(std::size_t cell, std::uint32_t gene) const;
  std::vector<double> totalsPerFeature() const;
  // Throws std::logic_error if the columns disagree in length or an entry is out of range.
  void checkConsistent() const;
};

}  // namespace teramind
