#include "SceneMovie.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>

#include <vtkCamera.h>
#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

#include "AtlasScene.h"
#include "MovieWriter.h"
#include "PngFrameWriter.h"

namespace teramind::render {
namespace {

// The scene's renderer moved into an offscreen window of the movie's size for as long as this
// lives, then back into its own window with the camera and cut it had.
class OffscreenTake {
 public:
  OffscreenTake(AtlasScene& scene, int width, int height)
      : scene_(scene), renderer_(scene.renderer()), pose_(scene.cameraPose()) {
    previous_ = renderer_->GetRenderWindow();
    if (previous_) previous_->RemoveRenderer(renderer_);
    window_->SetOffScreenRendering(1);
    window_->SetMultiSamples(0);
    window_->SetAlphaBitPlanes(0);
    window_->SetSize(width, height);
    window_->AddRenderer(renderer_);
  }
  ~OffscreenTake() {
    scene_.setSweepCut(std::nullopt);
    scene_.setCameraPose(pose_);
    window_->RemoveRenderer(renderer_);
    window_->Finalize();
    if (previous_) previous_->AddRenderer(renderer_);
  }
  OffscreenTake(const OffscreenTake&) = delete;
  OffscreenTake& operator=(const OffscreenTake&) = delete;

  // Renders and hands the frame's RGB (bottom row first) to the sink.
  void frameInto(FrameSink& sink, int width, int height) {
    renderer_->ResetCameraClippingRange();
    window_->Render();
    window_->GetPixelData(0, 0, width - 1, height - 1, 0, pixels_, 0);
    sink.addFrame(pixels_->GetPointer(0), width, height, true);
  }

 private:
  AtlasScene& scene_;
  vtkRenderer* renderer_;
  CameraPose pose_;
  vtkRenderWindow* previous_ = nullptr;
  vtkNew<vtkRenderWindow> window_;
  vtkNew<vtkUnsignedCharArray> pixels_;
};

// A camera close to a section (Go to section) would orbit through the tissue: it is moved back
// along its line of sight until the orbit clears the atlas's box, the focal point kept.
void keepOrbitOutsideBrain(AtlasScene& scene) {
  CameraPose pose = scene.cameraPose();
  const auto& dims = scene.atlas().annotation().dims();
  const double res = scene.atlas().resolutionUm();
  double farthest = 0;  // from the focal point to the box's farthest corner
  for (int corner = 0; corner < 8; ++corner) {
    double d2 = 0;
    for (std::size_t a = 0; a < 3; ++a) {
      const double c = (corner >> a) & 1 ? double(dims[a]) * res : 0.0;
      d2 += (c - pose.focalPoint[a]) * (c - pose.focalPoint[a]);
    }
    farthest = std::max(farthest, std::sqrt(d2));
  }
  std::array<double, 3> back{};
  double distance = 0;
  for (std::size_t a = 0; a < 3; ++a) {
    back[a] = pose.position[a] - pose.focalPoint[a];
    distance += back[a] * back[a];
  }
  distance = std::sqrt(distance);
  const double wanted = 1.1 * farthest;
  if (!(distance > 0) || distance >= wanted) return;
  for (std::size_t a = 0; a < 3; ++a)
    pose.position[a] = pose.focalPoint[a] + back[a] * wanted / distance;
  scene.setCameraPose(pose);
}

}  // namespace

const char* movieKindName(MovieKind kind) {
  return kind == MovieKind::Turntable ? "turntable" : "flythrough";
}

MovieKind parseMovieKind(const std::string& name) {
  if (name == "turntable") return MovieKind::Turntable;
  if (name == "flythrough" || name == "fly-through") return MovieKind::FlyThrough;
  throw std::invalid_argument("unknown movie kind '" + name + "' (turntable or flythrough)");
}

std::string MovieResult::summary() const {
  return output.string() + " (" + std::to_string(frames) + " frames, " + std::to_string(width) +
         "x" + std::to_string(height) + ", " + codec + ")";
}

bool renderMovie(AtlasScene& scene, const MovieOptions& options, FrameSink& sink,
                 const MovieProgress& progress) {
  if (options.frames < 1 || options.frames > 100000)
    throw std::invalid_argument("a movie needs 1 to 100000 frames");
  if (options.width < 16 || options.height < 16 || options.width > 8192 || options.height > 8192)
    throw std::invalid_argument("a movie must be 16 to 8192 pixels a side");
  OffscreenTake take(scene, options.width, options.height);
  const int n = options.frames;
  const Atlas& atlas = scene.atlas();
  const double depthUm = double(atlas.annotation().dims()[0]) * atlas.resolutionUm();
  if (options.kind == MovieKind::FlyThrough) scene.resetCamera();
  if (options.kind == MovieKind::Turntable) keepOrbitOutsideBrain(scene);
  for (int i = 0; i < n; ++i) {
    if (options.kind == MovieKind::FlyThrough) scene.setSweepCut(depthUm * i / n);
    take.frameInto(sink, options.width, options.height);
    // Azimuth turns the camera about the view-up axis through the focal point: n steps of
    // 360°/n come back to the start without repeating it.
    if (options.kind == MovieKind::Turntable)
      scene.renderer()->GetActiveCamera()->Azimuth(360.0 / n);
    if (progress && !progress(i + 1, n)) return false;
  }
  sink.finish();
  return true;
}

MovieResult recordMovie(AtlasScene& scene, const std::filesystem::path& output,
                        const MovieOptions& options, const MovieProgress& progress) {
  std::unique_ptr<FrameSink> sink;
  if (MovieWriter::isVideoFile(output))
    sink = std::make_unique<MovieWriter>(output, options.width, options.height,
                                         options.framesPerSecond);
  else
    sink = std::make_unique<PngFrameWriter>(output, options.width, options.height);
  if (!renderMovie(scene, options, *sink, progress)) throw std::runtime_error("cancelled");
  return {output, sink->frameCount(), sink->storedWidth(), sink->storedHeight(), sink->codecName()};
}

}  // namespace teramind::render
