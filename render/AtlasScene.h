#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "atlas/Atlas.h"
#include "volume/AffineTransform.h"

class vtkRenderer;

namespace teramind::render {

enum class VolumeBlend { Composite, MaximumIntensity };

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
  void selectStructure(std::optional<StructureId> id);
  std::optional<StructureId> selectedStructure() const;
  // A section's stain (in section µm) as a textured plane at its place in the atlas; replaces
  // the previous one; nullptr removes it. The template is cut away in front of the plane.
  void showSection(const Image3D<std::uint8_t>* stain, const AffineTransform& sectionToAtlas = {});
  bool hasSection() const;
  // Frames the section plane (or, without one, the whole brain).
  void focusSection();
  // A lateral-dorsal view of the whole brain, dorsal up.
  void resetCamera();

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
