#include "PngFrameWriter.h"

#include <cstdio>
#include <cstring>
#include <regex>
#include <stdexcept>
#include <string>
#include <system_error>

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind::render {

PngFrameWriter::PngFrameWriter(const std::filesystem::path& folder, int width, int height)
    : folder_(folder), width_(width), height_(height) {
  if (width < 1 || height < 1 || width > 16384 || height > 16384)
    throw FileError(folder, "movie frames must be 1 to 16384 pixels a side, not " +
                                std::to_string(width) + "x" + std::to_string(height));
  std::error_code ec;
  if (std::filesystem::exists(folder, ec) && !std::filesystem::is_directory(folder, ec))
    throw FileError(folder, "is a file, not a folder for movie frames");
  std::filesystem::create_directories(folder, ec);
  if (ec || !std::filesystem::is_directory(folder))
    throw FileError(folder, "cannot create the folder for movie frames: " + ec.message());
  removeStaleTemporariesOnce(folder);
}

PngFrameWriter::~PngFrameWriter() {
  if (finished_) return;
  std::error_code ignored;
  for (const auto& temporary : staged_) std::filesystem::remove(temporary, ignored);
}

std::filesystem::path PngFrameWriter::framePath(const std::filesystem::path& folder, int index) {
  char name[32];
  std::snprintf(name, sizeof name, "frame_%04d.png", index);
  return folder / name;
}

void PngFrameWriter::addFrame(const std::uint8_t* rgb, int width, int height, bool bottomRowFirst) {
  if (finished_) throw std::logic_error("PngFrameWriter: a frame added after finish()");
  if (width != width_ || height != height_)
    throw std::invalid_argument("PngFrameWriter: a " + std::to_string(width) + "x" +
                                std::to_string(height) + " frame for " + std::to_string(width_) +
                                "x" + std::to_string(height_) + " frames");
  // vtkImageData keeps the bottom row first (VTK's PNG writer flips it back).
  vtkNew<vtkImageData> image;
  image->SetDimensions(width, height, 1);
  image->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
  auto* out = static_cast<std::uint8_t*>(image->GetScalarPointer());
  const std::size_t rowBytes = std::size_t(width) * 3;
  for (int y = 0; y < height; ++y) {
    const int from = bottomRowFirst ? y : height - 1 - y;
    std::memcpy(out + std::size_t(y) * rowBytes, rgb + std::size_t(from) * rowBytes, rowBytes);
  }
  const auto file = framePath(folder_, frameCount());
  const auto temporary = temporaryPathFor(file, "frame");
  vtkNew<vtkPNGWriter> writer;
  writer->SetFileName(temporary.c_str());
  writer->SetInputData(image);
  writer->Write();
  if (writer->GetErrorCode() != 0 || !std::filesystem::exists(temporary)) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw FileError(file, "cannot write the movie frame");
  }
  staged_.push_back(temporary);
}

void PngFrameWriter::finish() {
  if (finished_) return;
  if (staged_.empty()) throw FileError(folder_, "a movie needs at least one frame");
  const int frames = frameCount();
  static const std::regex frameName(R"(frame_(\d{4,9})\.png)");
  std::error_code ec;
  std::vector<std::filesystem::path> stale;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, ec)) {
    std::smatch match;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, match, frameName) && std::stol(match[1].str()) >= frames)
      stale.push_back(entry.path());
  }
  for (int i = 0; i < frames; ++i) {
    const auto file = framePath(folder_, i);
    std::filesystem::rename(staged_[std::size_t(i)], file, ec);
    if (ec) throw FileError(file, "cannot move the movie frame into place: " + ec.message());
  }
  finished_ = true;
  for (const auto& file : stale) std::filesystem::remove(file, ec);
}

}  // namespace teramind::render
