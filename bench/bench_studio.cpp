// Studio rendering figures on this machine's OpenGL (Mesa llvmpipe under xvfb in CI):
// first frame, frame time while rotating the atlas at 1280 × 800, and a generated tile's
// update (one texture) against re-uploading one texture of the whole mosaic.
//   xvfb-run -a -s "-screen 0 1600x1000x24" bench_studio [ATLAS_DIR] [RESOLUTION_UM]
// With --section, the section explorer's figures instead (no OpenGL; SectionViewBench.cpp):
//   bench_studio --section PATH [--cache-mib N]
//   first_view_ms, pan_frame_ms, cache_mib and tiles_requested of PATH (an NGFF output, a TIFF
//   or a dataset) at 1280 × 800 through the studio's section view model.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <vtkCamera.h>
#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>

#include "AtlasScene.h"
#include "SectionRasters.h"
#include "SectionViewBench.h"
#include "common/ResourceLocator.h"

using namespace teramind;
using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--section") return runSectionViewBench(argc, argv);
    if (arg == "-h" || arg == "--help") {
      fmt::print(
          "usage: bench_studio [ATLAS_DIR] [RESOLUTION_UM]      the 3D view's figures\n"
          "       bench_studio --section PATH [--cache-mib N]   the section explorer's figures\n");
      return 0;
    }
  }
  const std::filesystem::path dir = argc > 1 ? argv[1] : bundledAtlasDirectory();
  const int resolution = argc > 2 ? std::atoi(argv[2]) : 0;
  auto start = Clock::now();
  const Atlas atlas = Atlas::load(dir, resolution);
  const double loadMs = millisecondsSince(start);
  render::AtlasScene scene(atlas);
  vtkNew<vtkRenderWindow> window;
  window->SetOffScreenRendering(1);
  window->SetMultiSamples(0);
  window->SetSize(1280, 800);
  window->AddRenderer(scene.renderer());
  start = Clock::now();
  window->Render();
  const double firstMs = millisecondsSince(start);
  const auto& d = atlas.annotation().dims();
  fmt::print("atlas: {} um, {} x {} x {} voxels, {} (load {:.0f} ms)\n", atlas.resolutionUm(), d[0],
             d[1], d[2], atlas.templateImage() ? "template" : "annotation labels", loadMs);
  fmt::print("first_frame_ms: {:.1f}\n", firstMs);

  const int frames = 36;
  start = Clock::now();
  for (int i = 0; i < frames; ++i) {
    scene.renderer()->GetActiveCamera()->Azimuth(10);
    window->Render();
  }
  const double frameMs = millisecondsSince(start) / frames;
  fmt::print("rotate_frame_ms: {:.1f} ({:.1f} fps, 1280x800, {} frames)\n", frameMs,
             1000.0 / frameMs, frames);

  // A mosaic of 8 × 8 tiles of 128 px: one tile changes.
  const int T = 128, n = 8;
  const std::vector<float> core(std::size_t(2 * 2 * T * T), 0.25f);
  for (int r = 0; r < n; ++r)
    for (int q = 0; q < n; ++q)
      scene.setGeneratedTile(
          0, r, q,
          render::generatedTileRaster(core, T, 2, 2, 0, render::StainDisplay::Dapi,
                                      {q * 100.0, r * 100.0, 100.0 / T, 0}));
  window->Render();
  const int updates = 20;
  const std::size_t before = scene.generatedUploadBytes();
  start = Clock::now();
  for (int i = 0; i < updates; ++i) {
    scene.setGeneratedTile(
        0, i % n, (i / n) % n,
        render::generatedTileRaster(core, T, 2, 2, 1, render::StainDisplay::Dapi,
                                    {(i / n % n) * 100.0, (i % n) * 100.0, 100.0 / T, 0}));
    window->Render();
  }
  const double tileMs = millisecondsSince(start) / updates;
  const double tileKiB = double(scene.generatedUploadBytes() - before) / updates / 1024;
  // The alternative: the mosaic as one texture, re-uploaded whole for every tile.
  scene.clearGenerated();
  const std::vector<float> whole(std::size_t(2 * 2) * (n * T) * (n * T), 0.25f);
  scene.setGeneratedTile(
      0, 0, 0,
      render::generatedTileRaster(whole, n * T, 2, 2, 0, render::StainDisplay::Dapi,
                                  {0, 0, 100.0 / T, 0}));
  window->Render();
  start = Clock::now();
  for (int i = 0; i < updates; ++i) {
    scene.setGeneratedTile(
        0, 0, 0,
        render::generatedTileRaster(whole, n * T, 2, 2, i % 2, render::StainDisplay::Dapi,
                                    {0, 0, 100.0 / T, 0}));
    window->Render();
  }
  const double fullMs = millisecondsSince(start) / updates;
  fmt::print("tile_update_ms: {:.1f} ({:.0f} KiB uploaded per update)\n", tileMs, tileKiB);
  fmt::print("full_mosaic_update_ms: {:.1f} ({:.0f} KiB uploaded per update, {} x {} px)\n", fullMs,
             double(n * T) * (n * T) * 4 / 1024, n * T, n * T);
  window->RemoveRenderer(scene.renderer());
  window->Finalize();
  return 0;
}
