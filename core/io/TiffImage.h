#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace teramind {

// What a TIFF's first image holds, read from its header without touching pixel data.
struct TiffImageInfo {
  std::int64_t width = 0, height = 0;
  int bitsPerSample = 8;  // 8 or 16 (unsigned integer, one sample per pixel)
  bool tiled = false;
  std::int64_t blockWidth = 0, blockHeight = 0;  // tile size, or width × rows per strip
  bool bigTiff = false;
  std::string compression;  // "none", "deflate", "lzw", "zstd", "packbits", "jpeg" …
  // Reduced-resolution images of the first page in its SubIFDs (an OME-TIFF pyramid's levels
  // 1…, which TiffImageReader opens by subImage), 0 when none.
  int subImages = 0;
};

// The most a whole-TIFF read (the volume path: every page decoded into one buffer, which ITK
// then copies once) may decode: 4 GiB, about 10 GB at its peak.
inline constexpr std::int64_t kMaxTiffWholeReadBytes = std::int64_t(4) << 30;

// Checks, from the directories alone and before anything is allocated for pixels, that every
// page of a TIFF can come from the bytes its file holds: the declared size within what its
// compression can produce from the file (stated ratio bounds, e.g. 1032:1 for deflate), no
// tile or strip outside the file or missing (they are counted), none decoding to more than its
// own bytes can produce, and pages × the largest page within maxDecodedBytes. Returns that
// product. Throws FileError naming the file, the page and the tile or strip.
std::int64_t checkTiffFitsFile(const std::filesystem::path& file,
                               std::int64_t maxDecodedBytes = kMaxTiffWholeReadBytes);

// Reads windows of a grayscale TIFF (tiled or striped, classic or BigTIFF, 8- or 16-bit
// unsigned, any compression libtiff decodes) through libtiff, decoding only the tiles or strips
// a window overlaps: a stain mosaic of tens of GB is never read whole. At open, every tile or
// strip must lie inside the file and decode to no more than its bytes can produce, so a window
// costs only its own blocks whatever the header declares. Thread-safe (one libtiff
// handle behind a mutex). Throws FileError naming the file and, for damaged data, the tile or
// strip.
class TiffImageReader {
 public:
  // Decoded tiles or strips kept for the next window, by default: one row of 512-px windows
  // over a 1-row-per-strip mosaic of 30 000 px needs 512 × 60 KB.
  static constexpr std::int64_t kDefaultBlockCacheBytes = std::int64_t(64) << 20;
  // `blockCacheBytes`: what the decoded blocks kept may take (the least recently used go
  // first; the block in use is always kept), less where a cache above holds the windows.
  explicit TiffImageReader(const std::filesystem::path& file,
                           std::int64_t blockCacheBytes = kDefaultBlockCacheBytes);
  // Which image of the file: 0 the first page, k ≥ 1 its SubIFD k (1…info().subImages of the
  // first page), checked as the first page is; a SubIFD's info() says 0 subImages.
  struct SubImage {
    int index = 0;
  };
  TiffImageReader(const std::filesystem::path& file, SubImage subImage,
                  std::int64_t blockCacheBytes = kDefaultBlockCacheBytes);
  ~TiffImageReader();
  TiffImageReader(const TiffImageReader&) = delete;
  TiffImageReader& operator=(const TiffImageReader&) = delete;

  const std::filesystem::path& file() const { return file_; }
  const TiffImageInfo& info() const { return info_; }

  // The window [x0, x0 + width) × [y0, y0 + height) as 16-bit values (8-bit images widened
  // unchanged), row-major, x fastest. Pixels outside the image read as 0.
  std::vector<std::uint16_t> readWindow(std::int64_t x0, std::int64_t y0, std::int64_t width,
                                        std::int64_t height) const;

 private:
  struct Handle;
  std::filesystem::path file_;
  TiffImageInfo info_;
  std::int64_t blockCacheBytes_;
  std::unique_ptr<Handle> handle_;
  mutable std::mutex mutex_;
};

// Writes a 16-bit grayscale BigTIFF tile by tile (deflate-compressed tiles of tile × tile px),
// to a temporary beside the target that commit() renames into place: a killed writer never
// leaves a half image under the target's name. Tiles may come in any order and from several
// threads (each compresses its own); they are appended in tile order, so the bytes do not
// depend on the arrival order. Every tile must be written before commit().
class TiledTiffWriter {
 public:
  TiledTiffWriter(const std::filesystem::path& file, std::int64_t width, std::int64_t height,
                  int tile = 512);
  ~TiledTiffWriter();  // without commit(): the temporary is removed
  TiledTiffWriter(const TiledTiffWriter&) = delete;
  TiledTiffWriter& operator=(const TiledTiffWriter&) = delete;

  std::int64_t tileRows() const { return (height_ + tile_ - 1) / tile_; }
  std::int64_t tileCols() const { return (width_ + tile_ - 1) / tile_; }
  int tile() const { return tile_; }

  // tile × tile values, row-major (edge tiles are full-size; what lies outside is ignored).
  void writeTile(std::int64_t tileRow, std::int64_t tileCol,
                 const std::vector<std::uint16_t>& pixels);
  void commit();

 private:
  struct Handle;
  std::filesystem::path file_, temporary_;
  std::int64_t width_, height_;
  int tile_;
  std::vector<bool> received_;
  std::map<std::int64_t, std::vector<std::uint8_t>> waiting_;  // compressed, not yet appended
  std::int64_t appended_ = 0;                                  // tiles appended, in order
  std::unique_ptr<Handle> handle_;
  std::mutex mutex_;
};

}  // namespace teramind
