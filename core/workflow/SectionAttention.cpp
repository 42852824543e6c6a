#include "workflow/SectionAttention.h"

#include <algorithm>
#include <stdexcept>

#include "analysis/HierarchicalClustering.h"
#include "atlas/Atlas.h"
#include "model/GeneAttentionPass.h"

namespace teramind {

SectionAttention SectionAttention::compute(const MorphologyModel& model,
                                           const PairedSection& section, const Atlas* atlas,
                                           const AffineTransform& sectionToAtlas,
                                           const SectionAttentionRequest& request,
                                           const std::function<void(double)>& progress) {
  const auto& c = model.config();
  const auto& grid = section.grid;
  if (request.plane < 0 || request.plane + c.outputSections > section.planes())
    throw std::invalid_argument("plane " + std::to_string(request.plane) +
                                ": the data has planes 0…" + std::to_string(section.planes() - 1));
  const int G = c.genes, b = c.geneBinsPerPatch;
  SectionAttention result(G);
  result.genes_ = model.genes();
  result.tracked_ = request.trackedGenes;
  for (auto g : result.tracked_)
    if (g >= std::size_t(G)) throw std::invalid_argument("a tracked gene is not in the model");
  result.width_ = grid.width;
  result.height_ = grid.height;
  result.binsPerPatch_ = b;
  // Patch centres up to half a patch past the edge, so every bin lies in a patch.
  result.patchRows_ = (grid.height + b / 2 + b - 1) / b;
  result.patchCols_ = (grid.width + b / 2 + b - 1) / b;
  const std::size_t T = result.tracked_.size();
  result.trackedAttention_.assign(
      std::size_t(result.patchRows_) * std::size_t(result.patchCols_) * T * T, 0.0f);
  for (auto g : result.tracked_) {
    std::vector<float> counts(std::size_t(grid.width) * std::size_t(grid.height), 0.0f);
    for (int z = request.plane; z < request.plane + c.outputSections; ++z)
      for (int y = 0; y < grid.height; ++y)
        for (int x = 0; x < grid.width; ++x)
          counts[std::size_t(y) * std::size_t(grid.width) + std::size_t(x)] +=
              section.count(int(g), z, y, x);
    result.trackedCounts_.push_back(std::move(counts));
  }

  std::vector<float> window;  // one patch's bins of one gene and plane
  geneAttentionPass(
      model, section, request.plane, 0, 0, grid.width + b / 2, grid.height + b / 2,
      [&](const AttentionPatch& p) {
        if (p.row < result.patchRows_ && p.col < result.patchCols_ && T > 0) {
          float* out = &result.trackedAttention_[(std::size_t(p.row) * result.patchCols_ +
                                                  std::size_t(p.col)) *
                                                 T * T];
          for (std::size_t q = 0; q < T; ++q)
            for (std::size_t k = 0; k < T; ++k)
              out[q * T + k] = p.values[result.tracked_[q] * std::size_t(G) + result.tracked_[k]];
        }
        // The patch's bins [row·b − b/2, row·b + b − b/2) × the same in x, clipped.
        std::vector<double> totals(std::size_t(G), 0.0);
        const int y0 = std::max(0, p.row * b - b / 2),
                  y1 = std::min(grid.height, p.row * b + b - b / 2);
        const int x0 = std::max(0, p.col * b - b / 2),
                  x1 = std::min(grid.width, p.col * b + b - b / 2);
        if (y1 > y0 && x1 > x0)
          for (int gene = 0; gene < G; ++gene)
            for (int z = request.plane; z < request.plane + c.outputSections; ++z) {
              if (section.sparseCounts) {  // one window read per gene and plane, not per bin
                window.resize(std::size_t(x1 - x0) * std::size_t(y1 - y0));
                section.sparseCounts->readWindow(gene, z, x0, y0, x1 - x0, y1 - y0, window.data());
                for (float v : window) totals[std::size_t(gene)] += v;
                continue;
              }
              for (int y = y0; y < y1; ++y)
                for (int x = x0; x < x1; ++x)
                  totals[std::size_t(gene)] += section.count(gene, z, y, x);
            }
        const auto addRegion = [&](const std::string& region) {
          result.aggregate_.add(region, p.values);
          auto& sum = result.geneTotals_[region];
          sum.resize(std::size_t(G), 0.0);
          for (std::size_t gene = 0; gene < sum.size(); ++gene) sum[gene] += totals[gene];
        };
        addRegion("section");
        const Vec3 um{grid.originXUm + p.col * b * grid.binUm,
                      grid.originYUm + p.row * b * grid.binUm, request.plane * grid.planeSpacingUm};
        if (request.roi && request.roi->contains(um[0], um[1])) addRegion("roi");
        if (atlas)
          if (const Structure* s = atlas->structureAt(sectionToAtlas.apply(um))) {
            addRegion(s->acronym);
            for (const auto* up : atlas->ontology().ancestors(s->id)) addRegion(up->acronym);
          }
        if (progress) progress(double(p.row + 1) / result.patchRows_);
      });
  return result;
}

PathwayMapInput SectionAttention::pathwayInput(std::size_t a, std::size_t b) const {
  const auto ia = std::find(tracked_.begin(), tracked_.end(), a);
  const auto ib = std::find(tracked_.begin(), tracked_.end(), b);
  if (ia == tracked_.end() || ib == tracked_.end())
    throw std::invalid_argument("a pathway map needs two genes tracked by the attention pass");
  const std::size_t A = std::size_t(ia - tracked_.begin()), B = std::size_t(ib - tracked_.begin());
  const std::size_t T = tracked_.size();
  PathwayMapInput input;
  input.width = width_;
  input.height = height_;
  input.genes = aggregate_.genes();
  input.countA = trackedCounts_[A];
  input.countB = trackedCounts_[B];
  input.attention.assign(4 * std::size_t(width_) * std::size_t(height_), 0.0f);
  const int half = binsPerPatch_ / 2;
  for (int y = 0; y < height_; ++y)
    for (int x = 0; x < width_; ++x) {
      // Patch (i, j) covers bins [i·b − b/2, i·b + b − b/2).
      const int i = (y + half) / binsPerPatch_, j = (x + half) / binsPerPatch_;
      const float* m = &trackedAttention_[(std::size_t(i) * patchCols_ + std::size_t(j)) * T * T];
      float* out = &input.attention[4 * (std::size_t(y) * std::size_t(width_) + std::size_t(x))];
      out[0] = m[A * T + A];
      out[1] = m[A * T + B];
      out[2] = m[B * T + A];
      out[3] = m[B * T + B];
    }
  return input;
}

std::vector<std::size_t> SectionAttention::clusteredOrder(const std::string& region) const {
  const auto g = std::size_t(aggregate_.genes());
  return averageLinkageOrder(rowCorrelationDistances(aggregate_.mean(region), g), g);
}

std::vector<std::size_t> SectionAttention::shownOrder(const std::string& region,
                                                      const std::vector<std::string>& panel) const {
  std::vector<std::size_t> order;
  for (const auto g : clusteredOrder(region))
    if (panel.empty() || std::find(panel.begin(), panel.end(), genes_[g]) != panel.end())
      order.push_back(g);
  return order;
}

}  // namespace teramind
