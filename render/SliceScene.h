#pragma once

#include <memory>
#include <optional>

#include "AtlasScene.h"
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
