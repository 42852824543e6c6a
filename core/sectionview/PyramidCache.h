#pragma once

#ifndef TERAMIND_INSIDE_SECTIONVIEW
#error "sectionview/PyramidCache.h is private to teramind_sectionview (use TiffPyramidSource.h)"
#endif

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sectionview/TiffPyramidSource.h"

namespace teramind {

// The app's pyramid cache as a policy: where its folders are (one per file version, keyed by
// path, size and mtime), which pyramids this process reads or builds now (never removed), one
// build of a folder at a time in this process, and pruning (changed files' pyramids, dead
// builds, the least recently used over a cap). TiffPyramidSource opens and builds; this says
// where and keeps the cache in bounds.

// The names TiffPyramidSource writes in a pyramid folder (and nothing else is ever removed).
inline constexpr const char* kPyramidMetadataName = "pyramid.json";
inline constexpr const char* kPyramidLastUsedName = "last-used";
std::string pyramidLevelFileName(std::size_t level);  // "level<n>.tif"

// A folder's metadata text, when it is there, at most 1 MiB and nested at most 8 deep (so that
// parsing it cannot exhaust the stack); nullopt otherwise.
std::optional<std::string> readPyramidMetadataText(const std::filesystem::path& folder);

// A TIFF as the cache keys it.
struct FileStamp {
  std::filesystem::path absolute;
  std::uintmax_t size = 0;
  std::int64_t mtime = 0;  // the file clock's ticks
};
// Throws FileError naming the file.
FileStamp stampOf(const std::filesystem::path& file);

// $XDG_CACHE_HOME/teramind/pyramids, ~/.cache/teramind/pyramids, else (no HOME) a folder of
// this user's own in the temporary folder, /tmp/teramind-pyramids-<uid>, made 0700. Throws
// FileError when that one is not a folder this user owns (another user could plant files).
std::filesystem::path defaultAppCache();
// The pyramid folder of a file version (may throw FileError from defaultAppCache).
std::filesystem::path cacheFolderOf(const FileStamp& stamp, const TiffPyramidOptions& options);

// Whether `name` is an app-cache pyramid folder's (16 hex digits): nothing else is touched.
bool isPyramidFolderName(const std::string& name);

// A pyramid folder read or built by this process: while it lives, pruning never removes the
// folder. Copies count as further uses.
class PyramidFolderUse {
 public:
  explicit PyramidFolderUse(const std::filesystem::path& folder);
  PyramidFolderUse(const PyramidFolderUse& other);
  PyramidFolderUse& operator=(const PyramidFolderUse&) = delete;
  ~PyramidFolderUse();
  const std::filesystem::path& folder() const { return key_; }

 private:
  std::filesystem::path key_;
};

// Held from reading a folder's metadata through its build (or a cancelled build's cleanup):
// two builds of one folder in this process never overlap (the second waits, then finds the
// pyramid made, or builds after a cancel). Waiting asks `cancelled` every few tens of ms and
// throws OperationCancelled naming `tiff` when it says true.
class PyramidBuildLock {
 public:
  PyramidBuildLock(const std::filesystem::path& folder, const std::filesystem::path& tiff,
                   const std::function<bool()>& cancelled);
  PyramidBuildLock(const PyramidBuildLock&) = delete;
  PyramidBuildLock& operator=(const PyramidBuildLock&) = delete;
  ~PyramidBuildLock();

 private:
  std::filesystem::path key_;
};

// The pyramid in `folder` was just opened: its last-used file's time is now. Cheap; a cache
// that cannot be written is read all the same.
void markPyramidUsed(const std::filesystem::path& folder);

// What pruning did: removals, and removals that failed ("could not remove <folder>: <why>").
struct PruneResult {
  std::vector<RemovedPyramid> removed;
  std::vector<std::string> failures;
};

// After a build in the app cache `base`: removes the pyramids of files that have changed since
// (their file is there with another size or time: never used again), then, while the cache
// holds more than `cap` bytes (0: no cap), dead builds' litter and the least recently used.
// Never a folder in use in this process (the one just built is), nor one another process is
// building. A removal renames the folder to a tombstone under the registry's lock (so no open
// can start reading it), then deletes only the names the app writes there; a folder holding
// anything else is put back and reported. `cancelled` (may be empty) is asked first and
// between folders: true stops pruning there.
PruneResult pruneAppCache(const std::filesystem::path& base, std::uintmax_t cap,
                          const std::function<bool()>& cancelled);

}  // namespace teramind
