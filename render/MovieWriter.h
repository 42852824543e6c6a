#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace teramind::render {

// Where the frames of a movie go, one RGB frame (8 bits a channel, rows packed) at a time.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // `rgb` holds height rows of width × 3 bytes; `bottomRowFirst` for OpenGL's order (VTK grabs).
  // The size must be the one the sink was made for.
  virtual void addFrame(const std::uint8_t* rgb, int width, int height,
                        bool bottomRowFirst = false) = 0;
  // Completes the output; until then the target is untouched. Throws FileError.
  virtual void finish() = 0;
  virtual int frameCount() const = 0;
  // What the frames were written as: "h264", "mpeg4", "png".
  virtual std::string codecName() const = 0;
  // The size the frames are stored at (a video's is even: one column or row cropped).
  virtual int storedWidth() const = 0;
  virtual int storedHeight() const = 0;
};

// Which encoder a MovieWriter uses: H.264 when libavcodec has libx264 (Best), or MPEG-4 part 2
// always (every libavcodec has it).
enum class MovieCodec { Best, Mpeg4 };

// A video file through libavformat and libavcodec: H.264 (libx264) when the encoder exists,
// else MPEG-4 part 2, in the container the file's extension names (.mp4, .mov, .mkv); frames
// converted to YUV 4:2:0 by libswscale. Written to a temporary beside the file and renamed on
// finish(); a writer destroyed unfinished leaves the target as it was. Errors are FileErrors
// naming the file.
class MovieWriter : public FrameSink {
 public:
  MovieWriter(const std::filesystem::path& file, int width, int height, int framesPerSecond = 30,
              MovieCodec codec = MovieCodec::Best);
  ~MovieWriter() override;
  MovieWriter(const MovieWriter&) = delete;
  MovieWriter& operator=(const MovieWriter&) = delete;

  void addFrame(const std::uint8_t* rgb, int width, int height,
                bool bottomRowFirst = false) override;
  void finish() override;
  int frameCount() const override;
  std::string codecName() const override;
  int storedWidth() const override;
  int storedHeight() const override;

  // Whether `file`'s extension names a video container the writer knows (.mp4, .mov, .mkv,
  // .avi); anything else is taken for a folder of PNG frames.
  static bool isVideoFile(const std::filesystem::path& file);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace teramind::render
