#include "sectionview/PyramidCache.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>

#include <fmt/core.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "common/OperationCancelled.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::uintmax_t kMaxMetadataBytes = 1u << 20;
// A folder of the app cache without metadata that changed this recently is taken as a build
// under way in another process, never pruned; older, it is a dead build's litter.
constexpr auto kUnfinishedBuildAge = std::chrono::minutes(15);
// How often a build waiting for another build of its folder asks whether it is cancelled.
constexpr auto kBuildWaitPoll = std::chrono::milliseconds(50);

// Pyramid folders that this process's sources read or build now, with how many use each, and
// those being built: pruning never removes them; a second build of one waits. Leaked, so that
// a source destroyed while the process exits still finds it.
struct FolderRegistry {
  std::mutex mutex;
  std::condition_variable buildEnded;
  std::map<fs::path, int> inUse;
  std::set<fs::path> building;
};
FolderRegistry& registry() {
  static auto* r = new FolderRegistry;
  return *r;
}

fs::path folderKey(const fs::path& folder) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(folder, ec);
  return (ec ? folder : absolute).lexically_normal();
}

// FNV-1a, 64 bits: a cache folder's name that stays the same across runs and builds.
std::string hashOf(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

// Whether JSON text nests deeper than `depth`.
bool nestsDeeper(const std::string& text, int depth) {
  int level = 0;
  bool inString = false, escaped = false;
  for (const char ch : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (ch == '\\')
        escaped = true;
      else if (ch == '"')
        inString = false;
    } else if (ch == '"') {
      inString = true;
    } else if (ch == '[' || ch == '{') {
      if (++level > depth) return true;
    } else if (ch == ']' || ch == '}') {
      --level;
    }
  }
  return false;
}

// A name TiffPyramidSource writes in a pyramid folder: level<n>.tif, the metadata, last-used.
bool isPyramidFileName(const std::string& name) {
  if (name == kPyramidMetadataName || name == kPyramidLastUsedName) return true;
  const std::string prefix = "level", suffix = ".tif";
  if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  return std::all_of(name.begin() + std::ptrdiff_t(prefix.size()),
                     name.end() - std::ptrdiff_t(suffix.size()),
                     [](char ch) { return ch >= '0' && ch <= '9'; });
}

// A writer's temporary (common/AtomicFileWrite's naming) whose writer is not another live
// process: never valid data. Another process's live one is left to it.
bool isDeadTemporary(const std::string& name) {
  const auto pid = temporaryWriterPid(name);
  if (!pid) return false;
  if (*pid == long(::getpid()) || *pid <= 0) return true;
  return ::kill(pid_t(*pid), 0) != 0 && errno == ESRCH;
}

// One pyramid folder of the app cache, as pruning sees it.
struct CacheEntry {
  fs::path folder;
  std::uintmax_t bytes = 0;
  fs::file_time_type lastUsed;  // last-used's time, else the metadata's, else the newest file's
  fs::file_time_type changed;   // its newest file's time
  bool hasMetadata = false;
  std::optional<FileStamp> source;  // what the metadata says it was made of
};

// Nullopt when the folder's own time cannot be read (nothing known to judge it by).
std::optional<CacheEntry> describeEntry(const fs::path& folder) {
  CacheEntry e;
  e.folder = folder;
  std::error_code ec;
  e.changed = fs::last_write_time(folder, ec);
  if (ec) return std::nullopt;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code fileEc;
    if (!it->is_regular_file(fileEc)) continue;
    const auto size = it->file_size(fileEc);
    if (!fileEc) e.bytes += size;
    const auto time = it->last_write_time(fileEc);
    if (!fileEc && time > e.changed) e.changed = time;
  }
  e.lastUsed = e.changed;
  const auto metadataTime = fs::last_write_time(folder / kPyramidMetadataName, ec);
  e.hasMetadata = !ec;
  if (e.hasMetadata) e.lastUsed = metadataTime;
  const auto usedTime = fs::last_write_time(folder / kPyramidLastUsedName, ec);
  if (!ec) e.lastUsed = usedTime;
  if (!e.hasMetadata) return e;
  try {
    const auto text = readPyramidMetadataText(folder);
    if (!text) return e;
    const json j = json::parse(*text);
    FileStamp stamp;
    stamp.absolute = j.at("source").get<std::string>();
    stamp.size = j.at("size").get<std::uintmax_t>();
    stamp.mtime = j.at("mtime").get<std::int64_t>();
    e.source = stamp;
  } catch (const std::exception&) {  // unreadable metadata: a pyramid of nothing known
  }
  return e;
}

// Removes a pyramid folder not in use: renamed to a tombstone (".removing-<name>-<pid>", not a
// pyramid folder's name, so no open finds it) under the registry's lock, then emptied of the
// names the app writes and removed. Returns the failure ("in use" when it is: no failure).
enum class Removal { Removed, InUse, Failed };
Removal removeFolder(const fs::path& folder, std::string& failure) {
  const fs::path key = folderKey(folder);
  const fs::path tombstone =
      folder.parent_path() /
      fmt::format(".removing-{}-{}", folder.filename().string(), long(::getpid()));
  {
    FolderRegistry& r = registry();
    const std::lock_guard<std::mutex> lock(r.mutex);
    if (r.inUse.count(key) > 0 || r.building.count(key) > 0) return Removal::InUse;
    std::error_code ec;
    fs::rename(folder, tombstone, ec);
    if (ec) {
      failure = ec.message();
      return Removal::Failed;
    }
  }
  std::error_code ec;
  std::string kept;
  for (fs::directory_iterator it(tombstone, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code typeEc;
    const bool file = it->symlink_status(typeEc).type() == fs::file_type::regular;
    std::error_code removeEc;
    if (file && (isPyramidFileName(name) || isDeadTemporary(name)))
      fs::remove(it->path(), removeEc);
    else if (kept.empty())
      kept = name;
    if (removeEc && failure.empty()) failure = name + ": " + removeEc.message();
  }
  if (ec && failure.empty()) failure = ec.message();
  std::error_code removeEc;
  if (fs::remove(tombstone, removeEc) && !removeEc) return Removal::Removed;
  if (!kept.empty())
    failure = "it holds files the app did not write there (" + kept + "), left as they are";
  else if (failure.empty())
    failure = removeEc.message();
  // Put back under its own name (unless a new build has made that meanwhile).
  std::error_code backEc;
  fs::rename(tombstone, folder, backEc);
  if (backEc) failure += "; left as " + tombstone.string();
  return Removal::Failed;
}

}  // namespace

std::string pyramidLevelFileName(std::size_t level) {
  return fmt::format("level{}.tif", level);
}

std::optional<std::string> readPyramidMetadataText(const fs::path& folder) {
  const fs::path file = folder / kPyramidMetadataName;
  std::error_code ec;
  const auto bytes = fs::file_size(file, ec);
  if (ec || bytes > kMaxMetadataBytes) return std::nullopt;
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxMetadataBytes || nestsDeeper(text, 8)) return std::nullopt;
  return text;
}

FileStamp stampOf(const fs::path& file) {
  std::error_code ec;
  FileStamp s;
  s.absolute = fs::absolute(file, ec).lexically_normal();
  if (ec) throw FileError(file, "cannot be located: " + ec.message());
  s.size = fs::file_size(file, ec);
  if (ec) throw FileError(file, "cannot be read: " + ec.message());
  s.mtime = std::int64_t(fs::last_write_time(file, ec).time_since_epoch().count());
  if (ec) throw FileError(file, "cannot be read: " + ec.message());
  return s;
}

fs::path defaultAppCache() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) return fs::path(xdg) / "teramind" / "pyramids";
  const char* home = std::getenv("HOME");
  if (home && *home) return fs::path(home) / ".cache" / "teramind" / "pyramids";
  // No home: a folder of this user's own in the temporary folder, never a shared one.
  std::error_code ec;
  const fs::path temporary = fs::temp_directory_path(ec);
  const fs::path base =
      (ec ? fs::path("/tmp") : temporary) / fmt::format("teramind-pyramids-{}", long(::geteuid()));
  if (::mkdir(base.c_str(), 0700) != 0 && errno != EEXIST)
    throw FileError(base,
                    std::string("cannot create the pyramid cache folder: ") + std::strerror(errno));
  struct stat st {};
  if (::lstat(base.c_str(), &st) != 0)
    throw FileError(base, std::string("cannot be read: ") + std::strerror(errno));
  if (!S_ISDIR(st.st_mode))
    throw FileError(base, "is not a folder (a link or a file): not used as the pyramid cache");
  if (st.st_uid != ::geteuid())
    throw FileError(base, fmt::format("belongs to user {}, not this user ({}): not used as the "
                                      "pyramid cache",
                                      long(st.st_uid), long(::geteuid())));
  if ((st.st_mode & 077) != 0 && ::chmod(base.c_str(), 0700) != 0)
    throw FileError(base, std::string("cannot be made private: ") + std::strerror(errno));
  return base;
}

fs::path cacheFolderOf(const FileStamp& s, const TiffPyramidOptions& options) {
  if (options.place == PyramidCachePlace::BesideData) return s.absolute.string() + ".pyramid";
  const fs::path base = options.appCache.empty() ? defaultAppCache() : options.appCache;
  return base / hashOf(fmt::format("{}\n{}\n{}", s.absolute.string(), s.size, s.mtime));
}

bool isPyramidFolderName(const std::string& name) {
  return name.size() == 16 && std::all_of(name.begin(), name.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

PyramidFolderUse::PyramidFolderUse(const fs::path& folder) : key_(folderKey(folder)) {
  FolderRegistry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  ++r.inUse[key_];
}

PyramidFolderUse::PyramidFolderUse(const PyramidFolderUse& other) : key_(other.key_) {
  FolderRegistry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  ++r.inUse[key_];
}

PyramidFolderUse::~PyramidFolderUse() {
  FolderRegistry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  if (auto found = r.inUse.find(key_); found != r.inUse.end() && --found->second <= 0)
    r.inUse.erase(found);
}

PyramidBuildLock::PyramidBuildLock(const fs::path& folder, const fs::path& tiff,
                                   const std::function<bool()>& cancelled)
    : key_(folderKey(folder)) {
  FolderRegistry& r = registry();
  std::unique_lock<std::mutex> lock(r.mutex);
  while (r.building.count(key_) > 0) {
    if (cancelled) {
      lock.unlock();  // the check may take its time (or take locks of its own)
      const bool stop = cancelled();
      lock.lock();
      if (stop) throw OperationCancelled(tiff.string() + ": the pyramid's build was cancelled");
      if (r.building.count(key_) == 0) break;
    }
    r.buildEnded.wait_for(lock, kBuildWaitPoll);
  }
  r.building.insert(key_);
}

PyramidBuildLock::~PyramidBuildLock() {
  FolderRegistry& r = registry();
  {
    const std::lock_guard<std::mutex> lock(r.mutex);
    r.building.erase(key_);
  }
  r.buildEnded.notify_all();
}

void markPyramidUsed(const fs::path& folder) {
  const fs::path file = folder / kPyramidLastUsedName;
  std::error_code ec;
  if (!fs::exists(file, ec)) std::ofstream(file, std::ios::app).flush();
  fs::last_write_time(file, fs::file_time_type::clock::now(), ec);
}

PruneResult pruneAppCache(const fs::path& base, std::uintmax_t cap,
                          const std::function<bool()>& cancelled) {
  PruneResult result;
  auto stop = [&] { return cancelled && cancelled(); };
  if (stop()) return result;  // a cancelled open removes nothing
  std::vector<CacheEntry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entryEc;
    if (it->symlink_status(entryEc).type() != fs::file_type::directory ||
        !isPyramidFolderName(it->path().filename().string()))
      continue;
    if (auto entry = describeEntry(it->path())) entries.push_back(std::move(*entry));
  }
  auto remove = [&](const CacheEntry& e, std::string why) {
    std::string failure;
    switch (removeFolder(e.folder, failure)) {
      case Removal::Removed:
        result.removed.push_back({e.folder, std::move(why), e.bytes});
        return true;
      case Removal::Failed:
        result.failures.push_back(
            fmt::format("could not remove {}: {}", e.folder.string(), failure));
        return false;
      case Removal::InUse:
        break;
    }
    return false;
  };
  std::vector<CacheEntry> kept;
  for (const CacheEntry& e : entries) {
    if (stop()) return result;
    bool stale = false;
    if (e.source) {
      std::error_code statEc;
      if (fs::exists(e.source->absolute, statEc)) {
        try {
          const FileStamp now = stampOf(e.source->absolute);
          stale = now.size != e.source->size || now.mtime != e.source->mtime;
        } catch (const FileError&) {  // cannot tell: kept
        }
      }
    }
    if (!(stale && remove(e, "an older version of " + e.source->absolute.string())))
      kept.push_back(e);
  }
  if (cap == 0) return result;
  std::uintmax_t total = 0;
  for (const CacheEntry& e : kept) total += e.bytes;
  const auto unfinishedBefore =
      fs::file_time_type::clock::now() -
      std::chrono::duration_cast<fs::file_time_type::duration>(kUnfinishedBuildAge);
  std::vector<const CacheEntry*> order;
  for (const CacheEntry& e : kept)
    if (e.hasMetadata || e.changed < unfinishedBefore) order.push_back(&e);
  // Dead builds first, then the least recently used.
  std::stable_sort(order.begin(), order.end(), [](const CacheEntry* a, const CacheEntry* b) {
    if (a->hasMetadata != b->hasMetadata) return !a->hasMetadata;
    return a->lastUsed < b->lastUsed;
  });
  const std::string capText =
      fmt::format("the cache over its cap of {:.3g} MiB", double(cap) / double(1 << 20));
  for (const CacheEntry* e : order) {
    if (total <= cap || stop()) break;
    const std::string why = e->hasMetadata ? "least recently used, " + capText
                                           : "a build that never finished, " + capText;
    if (remove(*e, why)) total -= std::min(total, e->bytes);
  }
  return result;
}

}  // namespace teramind
