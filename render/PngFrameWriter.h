#pragma once

#include <filesystem>
#include <vector>

#include "MovieWriter.h"

namespace teramind::render {

// A movie as a folder of PNG frames, frame_0000.png, frame_0001.png, … (for editors that take
// image sequences, or when an exact frame matters). The folder is made if missing; until
// finish() its frames are untouched (FrameSink's promise): each frame is written to a temporary
// in the folder (named by temporaryPathFor, so a killed run's are cleaned like other writers'),
// and finish() renames them all into place and removes frame_NNNN.png files left from a longer
// earlier movie, so the folder holds exactly this movie. A writer destroyed unfinished (an error,
// a cancel) removes its temporaries and leaves the folder's frames as they were. Only finish()
// itself is not atomic: a crash or error while it renames leaves a mix of old and new frames.
// Errors are FileErrors naming the file.
class PngFrameWriter : public FrameSink {
 public:
  PngFrameWriter(const std::filesystem::path& folder, int width, int height);
  ~PngFrameWriter() override;
  PngFrameWriter(const PngFrameWriter&) = delete;
  PngFrameWriter& operator=(const PngFrameWriter&) = delete;

  void addFrame(const std::uint8_t* rgb, int width, int height,
                bool bottomRowFirst = false) override;
  void finish() override;
  int frameCount() const override { return int(staged_.size()); }
  std::string codecName() const override { return "png"; }
  int storedWidth() const override { return width_; }
  int storedHeight() const override { return height_; }

  // The file of frame `index` in `folder`.
  static std::filesystem::path framePath(const std::filesystem::path& folder, int index);

 private:
  std::filesystem::path folder_;
  int width_, height_;
  // Frame i's temporary until finish() renames it to framePath(folder_, i).
  std::vector<std::filesystem::path> staged_;
  bool finished_ = false;
};

}  // namespace teramind::render
