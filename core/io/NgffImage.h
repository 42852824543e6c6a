#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace teramind {

// One level (dataset) of an NGFF multiscale image: its y × x size, chunk and placement.
struct NgffImageLevel {
  std::string path;  // the array's folder inside the image ("0", "s1")
  std::int64_t width = 0, height = 0;
  std::int64_t chunkWidth = 0, chunkHeight = 0;
  // µm per pixel along x and y (the level's scale, the unit converted), and where pixel
  // (0, 0)'s centre lies in µm (its translation: NGFF places pixel centres).
  double pixelUmX = 1, pixelUmY = 1;
  double translationXUm = 0, translationYUm = 0;
  std::int64_t chunkRows() const { return (height + chunkHeight - 1) / chunkHeight; }
  std::int64_t chunkCols() const { return (width + chunkWidth - 1) / chunkWidth; }
};

// An NGFF multiscale image group, read by window: NGFF 0.4 (".zattrs" with "multiscales" on
// Zarr v2) or 0.5 (zarr.json's attributes.ome.multiscales on Zarr v3). teramind generate's
// own outputs (v2 and v3-sharded, with a running job's pending chunks) are read through
// OmeZarrStore; other tools' (ome-zarr-py, bioformats2raw, SpatialData images: Zarr v2, or v3
// without sharding; unsigned 8- or 16-bit; any axes holding y and x; any chunk shape) through
// the SpatialData image reader. Units µm, nm and mm are converted to µm (none or an unknown
// unit: taken as µm). Copies share the open image; thread-safe.
class NgffImage {
 public:
  // Throws FileError naming the file and the field for anything it does not read.
  static NgffImage open(const std::filesystem::path& path);
  // Whether `path` is a folder whose metadata file (.zattrs, or zarr.json's attributes) holds
  // "multiscales"; never throws.
  static bool isNgffImage(const std::filesystem::path& path);

  const std::filesystem::path& path() const;
  const std::string& version() const;                 // "0.4", "0.5" ("" when not stated)
  const std::vector<std::string>& axes() const;       // as the metadata names them ("c", "y", "x")
  const std::vector<NgffImageLevel>& levels() const;  // finest first
  const std::vector<std::string>& channels() const;   // omero labels, else "channel k"
  int planes() const;                                 // z indices (1 without a z axis)
  double planeUm() const;                             // level 0's z scale in µm (0 without z)
  int bitsPerSample() const;                          // 8 or 16
  bool isTeramindOutput() const;

  // The values of [x0, x0 + w) × [y0, y0 + h) px of `level`, channel and z index, row-major;
  // 0 (the fill value) outside the image and in chunks never written. FileError for a damaged
  // chunk, naming its file.
  std::vector<std::uint16_t> readWindow(int level, int channel, int z, std::int64_t x0,
                                        std::int64_t y0, std::int64_t w, std::int64_t h) const;
  // Whether chunk (chunkRow, chunkCol) of the level's y × x grid was written (ours: also a
  // running job's pending chunk). Read anew on every call: a chunk written since shows.
  bool hasChunk(int level, int channel, int z, std::int64_t chunkRow, std::int64_t chunkCol) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace teramind
