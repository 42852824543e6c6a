#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "atlas/Atlas.h"

namespace teramind {

// The three orthogonal planes of CCFv3, named by the axis they cut across.
enum class SliceOrientation {
  Coronal,     // fixed axis 0 (anterior→posterior): left→right across, dorsal at the top
  Horizontal,  // fixed axis 1 (dorsal→ventral): left→right across, anterior at the top
  Sagittal     // fixed axis 2 (left→right): anterior at the left, dorsal at the top
};

const char* sliceOrientationName(SliceOrientation orientation);

// How pixels of a slice image map to atlas voxels: column c, row r (row 0 at the top) of the
// slice at index s is voxel v with v[fixedAxis] = s, v[columnAxis] = c, v[rowAxis] = r.
struct SliceAxes {
  int fixedAxis, columnAxis, rowAxis;
  static SliceAxes of(SliceOrientation orientation);
};

// An RGBA picture of one slice, row 0 at the top.
struct AtlasSliceImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;  // [row][column][4]
  std::array<std::uint8_t, 4> pixel(int column, int row) const;
};

struct AtlasSliceStyle {
  bool labels = true;                   // structure colours over the template
  double labelOpacity = 0.45;           // where there is a template; opaque without one
  bool boundaries = true;               // darken voxels whose neighbour is another structure
  std::optional<StructureId> selected;  // this region (with its descendants) drawn opaque
  // The template value drawn white; 0 takes the slice's own maximum. A view that browses
  // slices passes the volume's, so brightness does not jump from slice to slice.
  double templateMax = 0;
};

// The cursor the three slice views share: a voxel of the atlas grid, always inside it.
class SliceCursor {
 public:
  explicit SliceCursor(const Size3& dims);  // starts at the centre

  const Index3& voxel() const { return voxel_; }
  int sliceIndex(SliceOrientation orientation) const;
  int sliceCount(SliceOrientation orientation) const;
  // Moves to the voxel containing `pointUm` (clamped to the grid) at `resolutionUm`.
  void moveTo(const Vec3& pointUm, double resolutionUm);
  void moveTo(const Index3& voxel);
  // Steps the slice of one orientation, clamped; returns whether it moved.
  bool step(SliceOrientation orientation, int delta);

 private:
  Size3 dims_;
  Index3 voxel_;
};

// The image of slice `index` across `orientation`: the template in grey (the annotation alone
// where the atlas has none), structure colours, boundaries and the selected region.
AtlasSliceImage renderAtlasSlice(const Atlas& atlas, SliceOrientation orientation, int index,
                                 const AtlasSliceStyle& style = {});

// The voxel under (column, row) of slice `index`, or nullopt outside the grid.
std::optional<Index3> sliceVoxel(const Size3& dims, SliceOrientation orientation, int index,
                                 double column, double row);

// A voxel of the structure's region (with its descendants) near the region's centroid, to
// bring a selected structure into the slice views; nullopt for a structure with no voxels.
std::optional<Index3> regionCentreVoxel(const Atlas& atlas, StructureId id);

}  // namespace teramind
