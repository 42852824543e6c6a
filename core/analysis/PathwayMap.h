#pragma once

#include <vector>

namespace teramind {

// A gene pair's attention over a section at bin resolution (METHOD.md, "Gene-gene attention
// analysis"): each bin takes the pair's attention from the model patch it lies in;
//   level     = log2(att(a→b) · N_genes + 1), kept only where both genes have counts, then
//               Gaussian-smoothed (σ in bins) — 1 means uniform attention;
//   weighted  = the pathway sub-matrix times the pair's counts: att(a→a)·c_a + att(a→b)·c_b
//               for a, and att(b→a)·c_a + att(b→b)·c_b for b (attention-weighted expression).
struct PathwayMap {
  int width = 0, height = 0;    // bins
  std::vector<float> level;     // [y][x], smoothed
  std::vector<float> rawLevel;  // [y][x], before smoothing (0 where masked)
  std::vector<float> weightedA, weightedB;
  std::vector<unsigned char> bothExpressed;  // [y][x], the mask before smoothing
};

// The per-bin inputs: counts of a and b, and the pair's 2 × 2 attention sub-matrix of the
// patch each bin lies in ([a→a, a→b, b→a, b→b] per bin).
struct PathwayMapInput {
  int width = 0, height = 0, genes = 0;
  std::vector<float> countA, countB;
  std::vector<float> attention;  // [y][x][4]
};

PathwayMap computePathwayMap(const PathwayMapInput& input, double sigmaBins = 2.0);

// Gaussian smoothing with zero outside the image (separable, radius ⌈3σ⌉).
std::vector<float> gaussianSmooth(const std::vector<float>& image, int width, int height,
                                  double sigma);

}  // namespace teramind
