#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "SectionRaster.h"

#include "atlas/Atlas.h"
#include "volume/AffineTransform.h"
#include "volume/TransferFunction.h"

class vtkRenderer;

namespace teramind::render {

enum class VolumeBlend { Composite, MaximumIntensity };

// Where the 3D view looks from, in atlas µm (saved with a session).
struct CameraPose {
  std::array<double, 3> position{}, focalPoint{}, viewUp{0, -1, 0};
  double viewAngle = 30;  // degrees
};

// What the 3D view shows of an atlas: the template as a ray-cast volume and, when a structure
// is selected, its region as a surface in the structure's colour. VTK stays behind this class.
class AtlasScene {
 public:
  explicit AtlasScene(const Atlas& atlas);
  ~AtlasScene();
  AtlasScene(const AtlasScene&) = delete;
  AtlasScene& operator=(const AtlasScene&) = delete;

  const Atlas& atlas() const;
  void setBlend(VolumeBlend blend);
  VolumeBlend blend() const;
  // The template's opacity and colours; also switches to the function's blend. Each blend
  // keeps its own function.
  void setTransferFunction(const TransferFunction& tf);
  const TransferFunction& transferFunction() const;
  // The annotation as a volume of structure colours (on by default when the atlas has no
  // template, which the 50 µm and 10 µm downloads lack).
  void setShowLabels(bool on);
  bool showsLabels() const;
  void selectStructure(std::optional<StructureId> id);
  std::optional<StructureId> selectedStructure() const;
  // A section's stain (in section µm) as a textured plane at its place in the atlas; replaces
  // the previous one; nullptr removes it. The template is cut away in front of the plane.
  void showSection(const Image3D<std::uint8_t>* stain, const AffineTransform& sectionToAtlas = {});
  // The same from an RGBA picture of the section (the stains composed from their pyramid),
  // placed by its µm rectangle; an empty raster removes the section.
  void showSection(const SectionRaster& picture, const AffineTransform& sectionToAtlas);
  bool hasSection() const;
  // The section's centre in atlas µm (for the slice views' cursor: Go to section), if shown.
  std::optional<Vec3> sectionCentre() const;
  const AffineTransform& sectionToAtlas() const;

  // Generated tiles as they arrive, keyed by (plane, row, column): a known tile's texture is
  // replaced and a new one added; no other texture is uploaded again.
  void setGeneratedTile(int plane, int row, int col, const SectionRaster& raster);
  void clearGenerated();
  int generatedTileCount() const;
  // Texture bytes handed to the GPU for generated tiles since the last clearGenerated().
  std::size_t generatedUploadBytes() const;
  // A named layer over the section (a gene's counts, a pathway map); an empty raster removes it.
  void setOverlay(const std::string& name, const SectionRaster& raster);
  bool hasOverlay(const std::string& name) const;

  // Removes the tissue (template, labels, a selected region) anterior of `apUm` (atlas x), as a
  // coronal cut sweeping across planes does; nullopt shows it all again.
  void setSweepCut(std::optional<double> apUm);

  // The atlas point (µm) of the tissue, section or overlay under display pixel (x, y) (origin
  // bottom-left) of the window showing the scene; nullopt where the ray meets nothing.
  std::optional<Vec3> pickAtlasPoint(int x, int y);

  // Frames the section plane face-on, the camera on its normal (or, without one, the whole
  // brain): with `fillView` the section fills the view (an unplaced section, which lies at the
  // atlas origin with nothing around it), else it sits in the brain around it.
  void focusSection(bool fillView = false);
  // A lateral-dorsal view of the whole brain, dorsal up.
  void resetCamera();
  CameraPose cameraPose() const;
  void setCameraPose(const CameraPose& pose);

  // The renderer the scene fills, for a window (or the Qt viewport) to show.
  vtkRenderer* renderer();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ScreenshotOptions {
  int width = 800;
  int height = 600;
  int scale = 1;             // 1–4× the width and height
  bool transparent = false;  // an alpha channel instead of the background colour
};

// Renders the scene offscreen and writes a PNG (atomically).
void saveScreenshot(AtlasScene& scene, const std::filesystem::path& png,
                    const ScreenshotOptions& options = {});

}  // namespace teramind::render
