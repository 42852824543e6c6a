#include <stdexcept>

#include <vtkNew.h>
#include <vtkPNGWriter.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkWindowToImageFilter.h>

#include "AtlasScene.h"
#include "SliceScene.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind::render {
namespace {

void saveRendererScreenshot(vtkRenderer* renderer, const std::filesystem::path& png,
                            const ScreenshotOptions& options) {
  if (options.scale < 1 || options.scale > 4)
    throw std::invalid_argument("screenshot scale must be 1 to 4");
  if (options.width < 16 || options.height < 16)
    throw std::invalid_argument("screenshot must be at least 16x16 pixels");
  vtkRenderWindow* previous = renderer->GetRenderWindow();
  if (previous) previous->RemoveRenderer(renderer);

  vtkNew<vtkRenderWindow> window;
  window->SetOffScreenRendering(1);
  window->SetMultiSamples(0);
  window->SetAlphaBitPlanes(options.transparent ? 1 : 0);
  window->SetSize(options.width * options.scale, options.height * options.scale);
  window->AddRenderer(renderer);
  const double backgroundAlpha = renderer->GetBackgroundAlpha();
  renderer->SetBackgroundAlpha(options.transparent ? 0.0 : 1.0);
  window->Render();

  vtkNew<vtkWindowToImageFilter> grab;
  grab->SetInput(window);
  grab->SetInputBufferType(options.transparent ? VTK_RGBA : VTK_RGB);
  grab->ReadFrontBufferOff();
  grab->Update();

  writeFileAtomically(png, [&](const std::filesystem::path& temporary) {
    vtkNew<vtkPNGWriter> writer;
    writer->SetFileName(temporary.c_str());
    writer->SetInputConnection(grab->GetOutputPort());
    writer->Write();
    if (writer->GetErrorCode() != 0 || !std::filesystem::exists(temporary))
      throw FileError(png, "cannot write the PNG screenshot");
  });

  renderer->SetBackgroundAlpha(backgroundAlpha);
  window->RemoveRenderer(renderer);
  window->Finalize();
  if (previous) previous->AddRenderer(renderer);
}

}  // namespace

void saveScreenshot(AtlasScene& scene, const std::filesystem::path& png,
                    const ScreenshotOptions& options) {
  saveRendererScreenshot(scene.renderer(), png, options);
}

void saveScreenshot(SliceScene& scene, const std::filesystem::path& png,
                    const ScreenshotOptions& options) {
  saveRendererScreenshot(scene.renderer(), png, options);
}

}  // namespace teramind::render
