#pragma once

#include <filesystem>
#include <vector>

#include "MovieWriter.h"

namespace teramind::render {

// A movie as a folder of PNG frames, frame_0000.png, frame_0001.png, … (for editors that take
// image sequences, or when an exact frame matters). The folder is made if missing; each frame is
// written atomically; finish() removes frame_NNNN.png files left from a longer earlier movie in
// the same folder, so the folder holds exactly this movie. Errors are FileErrors naming the
// file.
class PngFrameWriter : public FrameSink {
 public:
  PngFrameWriter(const std::filesystem::path& folder, int width, int height);

  void addFrame(const std::uint8_t* rgb, int width, int height,
                bool bottomRowFirst = false) override;
  void finish() override;
  int frameCount() const override { return frames_; }
  std::string codecName() const override { return "png"; }
  int storedWidth() const override { return width_; }
  int storedHeight() const override { return height_; }

  // The file of frame `index` in `folder`.
  static std::filesystem::path framePath(const std::filesystem::path& folder, int index);

 private:
  std::filesystem::path folder_;
  int width_, height_;
  int frames_ = 0;
  bool finished_ = false;
};

}  // namespace teramind::render
