#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace teramind::render {

class AtlasScene;
class FrameSink;

// The camera paths a movie of the 3D view follows.
enum class MovieKind {
  // The camera orbits 360° about the focal point, around its view-up axis, from where it is
  // (moved back along its line of sight first if the orbit would pass through the brain).
  Turntable,
  // Across the coronal planes: a cut sweeps from the front of the brain to the back, the
  // tissue in front of it removed, seen from the front-left-above view (resetCamera) so each
  // frame shows the cut face at one AP position. Chosen over a camera flying through the
  // volume, which shows only fog from inside: the sweep shows every plane's anatomy in turn,
  // with the placed section where it lies.
  FlyThrough
};

const char* movieKindName(MovieKind kind);  // "turntable", "flythrough"
// Parses a movieKindName; throws std::invalid_argument naming the choices.
MovieKind parseMovieKind(const std::string& name);

struct MovieOptions {
  MovieKind kind = MovieKind::Turntable;
  int frames = 120;
  int width = 1280, height = 720;
  int framesPerSecond = 30;
};

struct MovieResult {
  std::filesystem::path output;
  int frames = 0, width = 0, height = 0;  // as stored
  std::string codec;                      // "h264", "mpeg4", "png"
  std::string summary() const;            // "FILE (N frames, WxH, codec)"
};

// Called after each frame with (frames done, frames in all); return false to stop early (the
// output is then left as it was: no partial movie).
using MovieProgress = std::function<bool(int done, int total)>;

// Renders the scene's movie offscreen at the options' size into `sink` and finishes it. The
// scene's camera and cuts are as before afterwards. Throws FileError from the sink,
// std::invalid_argument for bad options; returns false when `progress` stopped it.
bool renderMovie(AtlasScene& scene, const MovieOptions& options, FrameSink& sink,
                 const MovieProgress& progress = {});

// The same into `output`: a video file when its extension names one (MovieWriter::isVideoFile),
// else a folder of PNG frames. Throws FileError, std::invalid_argument, and
// std::runtime_error("cancelled") when `progress` stopped it.
MovieResult recordMovie(AtlasScene& scene, const std::filesystem::path& output,
                        const MovieOptions& options, const MovieProgress& progress = {});

}  // namespace teramind::render
