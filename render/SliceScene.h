#pragma once

#include <array>
#include <memory>
#include <optional>

#include "AtlasScene.h"
#include "SectionRaster.h"
#include "atlas/Atlas.h"
#include "atlas/AtlasSlice.h"

class vtkRenderer;

namespace teramind::render {

// One orthogonal slice view of the atlas: the slice at the shared cursor as an image (template,
// structure colours, the selected region), a crosshair at the cursor and the slice's name and
// position. A 2D camera looks at it with row 0 at the top. VTK stays behind this class.
class SliceScene {
 public:
  SliceScene(const Atlas& atlas, SliceOrientation orientation);
  ~SliceScene();
  SliceScene(const SliceScene&) = delete;
  SliceScene& operator=(const SliceScene&) = delete;

  SliceOrientation orientation() const;
  // Shows the cursor's slice (the image is rebuilt only when the slice index changes) and moves
  // the crosshair to the cursor.
  void setCursor(const SliceCursor& cursor);
  int sliceIndex() const;
  void setShowLabels(bool on);
  void selectStructure(std::optional<StructureId> id);
  // How many times the slice image was rebuilt and uploaded (a cursor move within the slice
  // does not rebuild it).
  int imageUpdates() const;

  // A placed section, drawn where this slice cuts it: the line where the slice plane meets the
  // section's rectangle (2 px, kSectionLineRgb) and, when the slice is parallel to the section
  // and within half a voxel of it (a coronal slice at a coronal section's AP), the section's
  // picture in the slice with its outline. `picture` is the section (its µm rectangle is the
  // footprint); an empty one removes the section.
  void setSection(const SectionRaster& picture, const AffineTransform& sectionToAtlas);
  bool hasSection() const;
  // Where the current slice cuts the section: the line's ends in slice µm (column, row), as
  // drawn; nullopt when it misses the section or lies in its plane.
  std::optional<std::array<std::array<double, 2>, 2>> sectionLine() const;
  // Whether the current slice shows the section's picture (it lies in the section's plane).
  bool showsSectionPicture() const;
  static constexpr std::array<double, 3> kSectionLineRgb{1.0, 0.2, 0.8};

  // The atlas voxel under display pixel (x, y) (origin bottom-left) of the window showing the
  // scene, or nullopt off the slice.
  std::optional<Index3> voxelAt(int x, int y);
  // Fits the whole slice in the view.
  void resetCamera();

  vtkRenderer* renderer();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

void saveScreenshot(SliceScene& scene, const std::filesystem::path& png,
                    const ScreenshotOptions& options = {});

}  // namespace teramind::render
