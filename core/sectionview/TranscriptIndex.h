#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "sectionview/PyramidSource.h"
#include "sectionview/SectionCamera.h"

namespace teramind {

class TranscriptTable;

// The molecules of a section bucketed on a square grid (bucketUm) by plane, so a view asks
// only for those in its rectangle: counting the visible ones and visiting them costs the
// buckets it overlaps, not the 10⁸ molecules of a whole section. 12 bytes a molecule.
class TranscriptIndex {
 public:
  // Copies what it needs of the table (x, y, plane, gene), sorted by bucket. Molecules with a
  // coordinate that is not finite or a gene outside the catalogue are left out; the bucket grows
  // when the extent would need more than a few million buckets (coordinates far apart).
  // Throws std::invalid_argument when the table's columns differ in length.
  explicit TranscriptIndex(const TranscriptTable& table, double bucketUm = 32);

  std::size_t size() const;
  int planes() const;      // highest plane + 1 (0 when empty)
  double planeUm() const;  // between planes (the table's placement)
  // Of every molecule, so that count(extent(), ...) counts them all; empty when there are none.
  RectUm extent() const;
  const std::vector<std::string>& geneNames() const { return genes_; }
  std::vector<bool> controlGenes() const;  // which catalogue entries are controls

  // Molecules of `plane` in `rect` ([x0, x1) × [y0, y1)) whose gene is one of `genes` (every
  // gene when empty): counted, and visited (xUm, yUm, gene) until `visit` returns false.
  // Buckets inside `rect` are counted whole; only those on its edge are looked through.
  // Thread-safe (the index does not change once made). Past `limit` counting stops and some
  // number above it is returned (a view asking "more than it draws as points?").
  std::uint64_t count(const RectUm& rect, int plane, const std::vector<std::uint32_t>& genes = {},
                      std::uint64_t limit = std::numeric_limits<std::uint64_t>::max()) const;
  void visit(const RectUm& rect, int plane, const std::vector<std::uint32_t>& genes,
             const std::function<bool(float, float, std::uint32_t)>& visit) const;

  // Molecules of `genes` (every gene when empty) per µm² where there are any: over the buckets
  // of every plane holding at least one (0 when none do). A first guess at a count image's
  // contrast that empty background does not dilute.
  double occupiedDensity(const std::vector<std::uint32_t>& genes = {}) const;

  // A colour per gene that neighbours in the catalogue do not share (points coloured by gene).
  static std::array<std::uint8_t, 3> geneColour(std::uint32_t gene);

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
  std::vector<std::string> genes_;
};

// Molecule counts as an image pyramid: level 0 counts the molecules of the chosen genes (all
// when none are named: the density of the points layer at low zoom; one gene: its count image)
// in pixels of `pixelUm`, each coarser level in pixels twice as large, until one tile covers the
// section. Tiles are counted from the index when read. A coarser level's pixel holds its count
// divided by 4^level (the mean per level-0 pixel, as a stain pyramid holds means), so one
// contrast range fits every level; past the image's edge NaN. Contrast starts at [0, 4 × the
// mean count of a level-0 pixel where there are molecules].
class TranscriptCountSource : public PyramidSource {
 public:
  TranscriptCountSource(std::shared_ptr<const TranscriptIndex> index,
                        std::vector<std::uint32_t> genes, std::string name, double pixelUm = 2,
                        int tile = 256);
  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int level, int channel, int plane, std::int64_t row,
                      std::int64_t col) const override;

 private:
  std::shared_ptr<const TranscriptIndex> index_;
  std::vector<std::uint32_t> genes_;
  PyramidInfo info_;
};

}  // namespace teramind
