#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace teramind {

// One level of a multiscale section image: its size in pixels and the side of its pixels in
// section µm (level l of a 2 × 2 pyramid: level 0's pixel × 2^l).
struct PyramidLevel {
  std::int64_t width = 0, height = 0;
  double pixelUm = 1;
};

// What a multiscale 2D image of a section holds, read from its headers: channels × planes of
// levels, every level cut into tile × tile px tiles, placed in section µm. Level l's pixel
// (0, 0) has its outer corner at the origin at every level.
struct PyramidInfo {
  std::string name;                   // "DAPI (real)", "generated", "Slc17a7 counts"
  std::vector<std::string> channels;  // at least one ("DAPI", "PolyT", "counts")
  int planes = 1;
  double planeUm = 1.5;              // between planes
  std::vector<PyramidLevel> levels;  // finest first
  int tile = 256;
  double originXUm = 0, originYUm = 0;
  // The largest value a pixel can hold (255 for 8-bit, 65535 for 16-bit, a count's maximum)
  // and a first guess at contrast limits (a 16-bit mosaic's 99.9th percentile).
  double valueMax = 255;
  double contrastMin = 0, contrastMax = 255;

  std::int64_t tileRows(int level) const;
  std::int64_t tileCols(int level) const;
  // Level 0's extent in section µm: [x0, x1) × [y0, y1).
  double widthUm() const {
    return levels.empty() ? 0 : double(levels[0].width) * levels[0].pixelUm;
  }
  double heightUm() const {
    return levels.empty() ? 0 : double(levels[0].height) * levels[0].pixelUm;
  }
};

// A tile's pixels: tile × tile values, row-major (x fastest), in the source's own units; NaN
// where the image holds nothing (past its edge, a chunk never written: a job's tiles not yet
// generated), which the section view leaves transparent.
using TilePixels = std::vector<float>;

// The part of tile (row, col) of `level` that lies inside the image: its first pixel and size
// at that level; empty for a level, channel, plane or tile the image does not have.
struct TileWindow {
  std::int64_t x0 = 0, y0 = 0, width = 0, height = 0;
  bool empty() const { return width <= 0 || height <= 0; }
};
TileWindow tileWindow(const PyramidInfo& info, int level, int channel, int plane, std::int64_t row,
                      std::int64_t col);
// A tile holding nothing yet: tile × tile NaN.
TilePixels emptyTile(const PyramidInfo& info);

// A multiscale section image read tile by tile: our OME-Zarr outputs, any NGFF 0.4/0.5 image,
// a tiled TIFF with its cached pyramid, or an image computed from the data (molecule counts,
// atlas labels, attention maps). Read by the section view's worker threads: readTile must be
// thread-safe, and may take long (disk, network file systems) but never waits on the GUI.
class PyramidSource {
 public:
  virtual ~PyramidSource() = default;
  virtual const PyramidInfo& info() const = 0;
  // Throws FileError naming the file and the tile for data it cannot read.
  virtual TilePixels readTile(int level, int channel, int plane, std::int64_t row,
                              std::int64_t col) const = 0;
};

// Which tile of which source: the key of the section view's cache.
struct TileKey {
  int source = 0;  // the id the section scene gave the source
  int level = 0, channel = 0, plane = 0;
  std::int64_t row = 0, col = 0;
  bool operator==(const TileKey& o) const {
    return source == o.source && level == o.level && channel == o.channel && plane == o.plane &&
           row == o.row && col == o.col;
  }
};

struct TileKeyHash {
  std::size_t operator()(const TileKey& k) const {
    std::size_t h = std::hash<std::int64_t>()(k.row * 1000003 + k.col);
    h ^= std::hash<std::int64_t>()((std::int64_t(k.source) << 40) ^ (std::int64_t(k.level) << 32) ^
                                   (std::int64_t(k.channel) << 16) ^ k.plane) +
         0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
  }
};

}  // namespace teramind
