#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sectionview/PyramidSource.h"

namespace teramind {

// Where a TIFF's pyramid is cached when the file has none: in the app's cache (the default:
// data folders are often read-only or shared) or beside the data.
enum class PyramidCachePlace { AppCache, BesideData };

struct TiffPyramidOptions {
  PyramidCachePlace place = PyramidCachePlace::AppCache;
  // The app's cache folder; empty: $XDG_CACHE_HOME/teramind/pyramids or ~/.cache/teramind/pyramids
  // (without HOME, /tmp/teramind-pyramids-<uid>, this user's alone: refused if it is not).
  std::filesystem::path appCache;
  int tile = 256;
  // Asked between bands of rows while a pyramid is built (from the building threads, so it
  // must be thread-safe; e.g. reading an atomic flag): true stops the build within about a
  // band, removes what it wrote, and open() throws OperationCancelled; also asked while waiting
  // for another build of the same pyramid in this process, and before and during the cache's
  // pruning (true: pruning stops, nothing more removed). Empty: never cancelled.
  std::function<bool()> cancelled;
  // The app cache's most bytes: after a build there, the least recently used other pyramids
  // (use: their last open) are removed until the cache is within it. 0: no cap. A pyramid
  // beside the data is never removed, nor one open in this process, and only the files the app
  // writes are removed (a folder holding others is kept, said in the report).
  std::uintmax_t appCacheCapBytes = std::uintmax_t(20) << 30;
};

// A cached pyramid removed after a build (TiffPyramidReport::removed).
struct RemovedPyramid {
  std::filesystem::path folder;
  std::string why;  // "an older version of mosaic.tif", "least recently used, …"
  std::uintmax_t bytes = 0;
};

// What opening a TIFF did about its pyramid, said to the user ("pyramid cached in …, made in
// 12.3 s", "pyramid read from the cache in …").
struct TiffPyramidReport {
  std::filesystem::path file;  // the first plane's TIFF
  int planes = 1;
  std::filesystem::path cache;  // the first plane's pyramid folder; empty when none is needed
  bool built = false;           // made now (false: found in the cache)
  int ownLevels = 0;            // levels the file holds itself (an OME-TIFF's SubIFDs): none cached
  double seconds = 0;
  // Pyramids removed from the app cache after this build: the same file's older versions,
  // then the least recently used while the cache was over its cap.
  std::vector<RemovedPyramid> removed;
  // Removals that failed: "could not remove <folder>: <reason>".
  std::vector<std::string> notRemoved;
  std::string text() const;
};

// A tiled (or striped) TIFF/BigTIFF stain (one file per plane, all the same size) as a pyramid
// source, placed in section µm by an extent (the StainImageSource's: a MERSCOPE transform, a pixel
// size). Level 0 is read from the file by window; coarser levels come from the cached pyramid: 2 ×
// 2 means written once as 16-bit tiled BigTIFFs (one per level), keyed by the file's path, size and
// mtime (a changed file gets a new pyramid), each level written atomically so a killed build leaves
// none half made. An OME-TIFF pyramid (the first page's SubIFDs) is read as it is, nothing
// cached. Contrast limits start at [0, the 99.9th percentile] (StainImageSource's scale).
class TiffPyramidSource : public PyramidSource {
 public:
  // Builds the pyramid when the cache lacks it (reading the file once, by bands of rows);
  // `progress` gets the fraction done (from the building threads, one call at a time). Throws
  // FileError naming the file, or the cache folder when it cannot be written;
  // OperationCancelled when options.cancelled said so (no pyramid of the plane left half made).
  // After a build in the app cache, prunes it (options.appCacheCapBytes; report().removed).
  static std::shared_ptr<TiffPyramidSource> open(const std::vector<std::filesystem::path>& planes,
                                                 double originXUm, double originYUm, double pixelUm,
                                                 std::string name,
                                                 const TiffPyramidOptions& options = {},
                                                 const std::function<void(double)>& progress = {});
  // Whether the pyramid of `tiff` is already cached (opening it reads no pixels then).
  static bool cached(const std::filesystem::path& tiff, const TiffPyramidOptions& options = {});

  const PyramidInfo& info() const override { return info_; }
  TilePixels readTile(int level, int channel, int plane, std::int64_t row,
                      std::int64_t col) const override;
  const TiffPyramidReport& report() const { return report_; }

 private:
  TiffPyramidSource() = default;
  struct Levels;
  std::shared_ptr<Levels> levels_;
  PyramidInfo info_;
  TiffPyramidReport report_;
};

}  // namespace teramind
