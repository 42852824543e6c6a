#pragma once

#include <cstdint>
#include <vector>

#include "synthetic/SyntheticSection.h"

namespace teramind::synthetic {

// One cell: the only thing kept per cell. Transcripts and pixels are derived from it on the
// fly. Positions are µm from the section's top-left corner.
struct SyntheticCell {
  float xUm = 0, yUm = 0;
  float nucleusAUm = 0, nucleusBUm = 0;  // ellipse semi-axes
  float cosAngle = 1, sinAngle = 0;
  float cytoplasmUm = 0;  // radius of the cytoplasm around the nucleus
  float zPlane = 0;       // focal centre, in plane units
  float dapiGain = 0, polyTGain = 0;
  std::uint32_t fov = 0;
  std::uint32_t transcripts = 0;
  std::uint16_t type = 0;
};

// The cells of a section, grouped by MERSCOPE field of view, plus each cell type's expression
// profile. Built from the spec alone.
struct SyntheticTissue {
  std::vector<SyntheticCell> cells;          // in field-of-view order
  std::vector<std::uint32_t> fovFirstCell;   // cells of fov f: [fovFirstCell[f], fovFirstCell[f+1])
  std::vector<std::uint32_t> fovBackground;  // molecules outside cells, per fov
  int fovColumns = 0, fovRows = 0;
  double maxCellRadiusUm = 0;
  // Per cell type, the cumulative distribution over genes (blanks excluded); background
  // molecules follow the section-wide abundance.
  std::vector<std::vector<double>> typeGeneCumulative;
  std::vector<double> backgroundGeneCumulative;
  std::int64_t cellTranscripts = 0, backgroundTranscripts = 0;
};

SyntheticTissue buildSyntheticTissue(const SyntheticSectionSpec& spec);

// Index of the first entry of `cumulative` above u·total: a gene drawn from the distribution.
int drawFromCumulative(const std::vector<double>& cumulative, double u);

// Cells bucketed by centre on a square grid, for finding those that reach a window.
class CellGrid {
 public:
  CellGrid(const std::vector<SyntheticCell>& cells, double bucketUm, double widthUm,
           double heightUm);

  // Calls visit(index) for each cell whose centre lies within `marginUm` of the window.
  template <typename Visit>
  void forEachNear(double x0Um, double y0Um, double x1Um, double y1Um, double marginUm,
                   Visit&& visit) const {
    const int c0 = clampColumn(int((x0Um - marginUm) / bucketUm_) - 1);
    const int c1 = clampColumn(int((x1Um + marginUm) / bucketUm_) + 1);
    const int r0 = clampRow(int((y0Um - marginUm) / bucketUm_) - 1);
    const int r1 = clampRow(int((y1Um + marginUm) / bucketUm_) + 1);
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c) {
        const std::size_t bucket = std::size_t(r) * std::size_t(columns_) + std::size_t(c);
        for (std::uint32_t i = first_[bucket]; i < first_[bucket + 1]; ++i) visit(cellIndex_[i]);
      }
  }

 private:
  int clampColumn(int c) const { return c < 0 ? 0 : (c >= columns_ ? columns_ - 1 : c); }
  int clampRow(int r) const { return r < 0 ? 0 : (r >= rows_ ? rows_ - 1 : r); }
  double bucketUm_;
  int columns_, rows_;
  std::vector<std::uint32_t> first_, cellIndex_;
};

}  // namespace teramind::synthetic
