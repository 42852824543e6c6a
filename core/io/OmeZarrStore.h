#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace teramind {

// The shape of a multiscale image stored as OME-Zarr (NGFF 0.4, Zarr v2): axes c, z, y, x;
// 8-bit; chunks of one channel × one plane × chunk × chunk pixels, blosc/zstd compressed;
// level l halves y and x l times.
struct OmeZarrLayout {
  std::vector<std::string> channels;
  int planes = 1;
  std::int64_t height = 0, width = 0;  // level 0, pixels
  int chunk = 256;
  int levels = 1;
  double pixelUm = 1, planeUm = 1;
  // The outer corner of pixel (0, 0) of plane 0, µm (translations name pixel centres, so
  // level l's is this plus half of its pixel).
  double originYUm = 0, originXUm = 0, originZUm = 0;
  double levelPixelUm(int level) const { return pixelUm * double(1ll << level); }

  std::int64_t levelHeight(int level) const { return (height + (1ll << level) - 1) >> level; }
  std::int64_t levelWidth(int level) const { return (width + (1ll << level) - 1) >> level; }
  std::int64_t chunkRows(int level) const { return (levelHeight(level) + chunk - 1) / chunk; }
  std::int64_t chunkCols(int level) const { return (levelWidth(level) + chunk - 1) / chunk; }
  // Levels until the image fits one chunk.
  static int levelsToFit(std::int64_t height, std::int64_t width, int chunk);
};

// An OME-Zarr image on disk, written chunk by chunk (each chunk file atomically) so a reader
// never sees a half-written chunk and a killed writer leaves every existing chunk whole.
// Chunks never written read as 0 (the array's fill value).
class OmeZarrStore {
 public:
  // Writes the group, multiscales metadata and array headers; `attributes` (JSON text of an
  // object, may be empty) is stored under "teramind" in the group attributes.
  static OmeZarrStore create(const std::filesystem::path& path, const OmeZarrLayout& layout,
                             const std::string& attributes = {});
  // Reads the layout back; throws FileError naming the file and the problem.
  static OmeZarrStore open(const std::filesystem::path& path);

  const OmeZarrLayout& layout() const { return layout_; }
  const std::filesystem::path& path() const { return path_; }
  std::string attributes() const;  // the "teramind" object as JSON text ("{}" when absent)

  // chunk × chunk bytes, row-major; edge chunks are still full-size (Zarr pads them).
  void writeChunk(int level, int channel, int plane, std::int64_t row, std::int64_t col,
                  const std::vector<std::uint8_t>& pixels) const;
  std::vector<std::uint8_t> readChunk(int level, int channel, int plane, std::int64_t row,
                                      std::int64_t col) const;
  bool hasChunk(int level, int channel, int plane, std::int64_t row, std::int64_t col) const;
  // Rebuilds levels 1… from level 0 (2 × 2 mean), chunk by chunk.
  void buildPyramid() const;

 private:
  std::filesystem::path chunkPath(int level, int channel, int plane, std::int64_t row,
                                  std::int64_t col) const;
  std::filesystem::path path_;
  OmeZarrLayout layout_;
};

}  // namespace teramind
