#include "sectionview/TiffPyramidSource.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "common/OperationCancelled.h"
#include "io/StainImageSource.h"
#include "io/TiffImage.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kMetadataFormat = 1;
constexpr const char* kMetadataName = "pyramid.json";
// Touched when a cached pyramid is opened: the cache's pruning removes the least recently used.
constexpr const char* kLastUsedName = "last-used";
// A folder of the app cache without metadata that changed this recently is taken as a build
// under way in another process, never pruned; older, it is a dead build's litter.
constexpr auto kUnfinishedBuildAge = std::chrono::minutes(15);
constexpr std::uintmax_t kMaxMetadataBytes = 1u << 20;
constexpr int kMaxLevels = 40;
// Threads that build a level, each holding a band of 2 × tile source rows of the full width.
constexpr unsigned kMaxBuildThreads = 4;
// Decoded blocks a reader keeps: the section view's tile cache holds what was shown, so the
// file's own blocks are kept only where a tile takes parts of several (strips, larger tiles);
// the cached levels' tiles are the view's tiles.
constexpr std::int64_t kLevel0BlockCacheBytes = std::int64_t(16) << 20;
constexpr std::int64_t kCachedLevelBlockCacheBytes = 0;
// The most source bytes a band of the build reads at once (more only when 2 × tile rows of the
// full width take more).
constexpr std::int64_t kMaxBandBytes = std::int64_t(128) << 20;

struct FileStamp {
  fs::path absolute;
  std::uintmax_t size = 0;
  std::int64_t mtime = 0;  // the file clock's ticks
};

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

// FNV-1a, 64 bits: a cache folder's name that stays the same across runs and builds.
std::string hashOf(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

fs::path defaultAppCache() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) return fs::path(xdg) / "teramind" / "pyramids";
  const char* home = std::getenv("HOME");
  if (home && *home) return fs::path(home) / ".cache" / "teramind" / "pyramids";
  return fs::temp_directory_path() / "teramind-pyramids";
}

fs::path cacheFolderOf(const FileStamp& s, const TiffPyramidOptions& options) {
  if (options.place == PyramidCachePlace::BesideData) return s.absolute.string() + ".pyramid";
  const fs::path base = options.appCache.empty() ? defaultAppCache() : options.appCache;
  return base / hashOf(fmt::format("{}\n{}\n{}", s.absolute.string(), s.size, s.mtime));
}

// The sides of levels 1… of a width × height image: halved (rounded up) until it fits one tile.
std::vector<std::pair<std::int64_t, std::int64_t>> levelSides(std::int64_t width,
                                                              std::int64_t height, int tile) {
  std::vector<std::pair<std::int64_t, std::int64_t>> sides;
  while (std::max(width, height) > tile && int(sides.size()) < kMaxLevels) {
    width = (width + 1) / 2, height = (height + 1) / 2;
    sides.emplace_back(width, height);
  }
  return sides;
}

std::string levelFileName(std::size_t level) {
  return fmt::format("level{}.tif", level);
}

// What the cache folder's metadata says, when it describes this file at this tile size.
struct CachedPyramid {
  std::vector<std::pair<std::int64_t, std::int64_t>> sides;  // levels 1…
  double contrastMax = 0;
};

// Whether JSON text nests deeper than `depth` (so that parsing it cannot exhaust the stack).
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

std::optional<CachedPyramid> readMetadata(const fs::path& folder, const FileStamp& s, int tile) {
  try {
    const fs::path file = folder / kMetadataName;
    std::error_code ec;
    const auto bytes = fs::file_size(file, ec);
    if (ec || bytes > kMaxMetadataBytes) return std::nullopt;
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (nestsDeeper(text, 8)) return std::nullopt;
    const json j = json::parse(text);
    if (j.at("format") != kMetadataFormat || j.at("source") != s.absolute.string() ||
        j.at("size") != s.size || j.at("mtime") != s.mtime || j.at("tile") != tile)
      return std::nullopt;
    CachedPyramid p;
    p.contrastMax = j.at("contrastMax").get<double>();
    const json& levels = j.at("levels");
    if (!levels.is_array() || levels.size() > std::size_t(kMaxLevels)) return std::nullopt;
    for (std::size_t l = 0; l < levels.size(); ++l) {
      p.sides.emplace_back(levels[l].at("width").get<std::int64_t>(),
                           levels[l].at("height").get<std::int64_t>());
      if (!fs::is_regular_file(folder / levelFileName(l + 1), ec)) return std::nullopt;
    }
    return p;
  } catch (const std::exception&) {  // unreadable, not JSON, a field missing: not cached
    return std::nullopt;
  }
}

void writeMetadata(const fs::path& folder, const FileStamp& s, int tile, const CachedPyramid& p) {
  json levels = json::array();
  for (const auto& [w, h] : p.sides) levels.push_back({{"width", w}, {"height", h}});
  const json j = {{"format", kMetadataFormat},
                  {"source", s.absolute.string()},
                  {"size", s.size},
                  {"mtime", s.mtime},
                  {"tile", tile},
                  {"contrastMax", p.contrastMax},
                  {"levels", levels}};
  writeTextFileAtomically(folder / kMetadataName, j.dump(2) + "\n");
}

// Level `target` (width × height) as 2 × 2 means of `source` (its level below), rounded to
// the nearest integer; at an odd edge only the pixels inside the level below count. Read by
// bands of the full width, each 2 × tile source rows or the few whole tile rows that cover the
// source's own blocks (so no block is decoded for two bands), on a few threads, each with its
// own reader (which keeps its last block).
void halve(const fs::path& source, const fs::path& target, std::int64_t width, std::int64_t height,
           int tile, const std::function<void(double)>& done,
           const std::function<bool()>& cancelled) {
  std::int64_t sourceWidth = 0, sourceHeight = 0, blockHeight = 1;
  {
    const TiffImageReader probe(source, kCachedLevelBlockCacheBytes);
    sourceWidth = probe.info().width, sourceHeight = probe.info().height;
    blockHeight = std::max<std::int64_t>(1, probe.info().blockHeight);
  }
  TiledTiffWriter writer(target, width, height, tile);
  const std::int64_t t = tile;
  // Output tile rows per band: enough for a source block, within kMaxBandBytes.
  const std::int64_t perBand =
      std::clamp<std::int64_t>((blockHeight + 2 * t - 1) / (2 * t), 1,
                               std::max<std::int64_t>(1, kMaxBandBytes / (4 * t * sourceWidth)));
  const std::int64_t bands = (writer.tileRows() + perBand - 1) / perBand;
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> failed{false}, stopped{false};
  std::exception_ptr error;
  std::mutex errorMutex;
  auto work = [&] {
    try {
      const TiffImageReader reader(source, kCachedLevelBlockCacheBytes);
      std::vector<std::uint16_t> tilePixels(std::size_t(t * t));
      for (std::int64_t band = next++; band < bands && !failed && !stopped; band = next++) {
        if (cancelled && cancelled()) {
          stopped = true;
          break;
        }
        const std::int64_t sy0 = band * perBand * 2 * t;
        const std::int64_t rows = std::min(perBand * 2 * t, sourceHeight - sy0);
        const auto in = reader.readWindow(0, sy0, sourceWidth, rows);
        const std::int64_t outRows = (rows + 1) / 2;
        std::vector<std::uint16_t> out(std::size_t(outRows * width));
        for (std::int64_t y = 0; y < outRows; ++y)
          for (std::int64_t x = 0; x < width; ++x) {
            std::uint32_t sum = 0, n = 0;
            for (std::int64_t dy = 0; dy < 2 && 2 * y + dy < rows; ++dy)
              for (std::int64_t dx = 0; dx < 2 && 2 * x + dx < sourceWidth; ++dx, ++n)
                sum += in[std::size_t((2 * y + dy) * sourceWidth + 2 * x + dx)];
            out[std::size_t(y * width + x)] = std::uint16_t((sum + n / 2) / n);
          }
        for (std::int64_t r = 0; r * t < outRows; ++r)
          for (std::int64_t col = 0; col < writer.tileCols(); ++col) {
            std::fill(tilePixels.begin(), tilePixels.end(), 0);
            for (std::int64_t y = r * t; y < std::min(outRows, (r + 1) * t); ++y)
              for (std::int64_t x = col * t; x < std::min(width, (col + 1) * t); ++x)
                tilePixels[std::size_t((y - r * t) * t + x - col * t)] =
                    out[std::size_t(y * width + x)];
            writer.writeTile(band * perBand + r, col, tilePixels);
          }
        done(double(rows) / double(sourceHeight));
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(errorMutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  const unsigned threads = std::max(
      1u, std::min({kMaxBuildThreads, std::thread::hardware_concurrency(), unsigned(bands)}));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
  // The writer's temporary goes with it, uncommitted.
  if (stopped) throw OperationCancelled("the pyramid's build was cancelled");
  writer.commit();
}

// Pyramid folders that this process's sources read or build now, with how many use each: the
// cache's pruning never removes them.
std::mutex& openFoldersMutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<fs::path, int>& openFolders() {
  static std::map<fs::path, int> folders;
  return folders;
}

fs::path folderKey(const fs::path& folder) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(folder, ec);
  return (ec ? folder : absolute).lexically_normal();
}

bool folderOpen(const fs::path& folder) {
  const std::lock_guard<std::mutex> lock(openFoldersMutex());
  return openFolders().count(folderKey(folder)) > 0;
}

// The pyramid in `folder` was just opened: its `last-used` file's time is now. Cheap; a cache
// that cannot be written is read all the same.
void markUsed(const fs::path& folder) {
  const fs::path file = folder / kLastUsedName;
  std::error_code ec;
  if (!fs::exists(file, ec)) std::ofstream(file, std::ios::app).flush();
  fs::last_write_time(file, fs::file_time_type::clock::now(), ec);
}

// Whether a name is one of the app cache's pyramid folders (hashOf's 16 hex digits): pruning
// touches nothing else, whatever else the folder holds.
bool isPyramidFolderName(const std::string& name) {
  return name.size() == 16 && std::all_of(name.begin(), name.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
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

CacheEntry describeEntry(const fs::path& folder) {
  CacheEntry e;
  e.folder = folder;
  std::error_code ec;
  e.changed = fs::last_write_time(folder, ec);
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code fileEc;
    if (!it->is_regular_file(fileEc)) continue;
    const auto size = it->file_size(fileEc);
    if (!fileEc) e.bytes += size;
    const auto time = it->last_write_time(fileEc);
    if (!fileEc && time > e.changed) e.changed = time;
  }
  e.lastUsed = e.changed;
  const auto metadataTime = fs::last_write_time(folder / kMetadataName, ec);
  e.hasMetadata = !ec;
  if (e.hasMetadata) e.lastUsed = metadataTime;
  const auto usedTime = fs::last_write_time(folder / kLastUsedName, ec);
  if (!ec) e.lastUsed = usedTime;
  if (!e.hasMetadata) return e;
  try {
    const auto bytes = fs::file_size(folder / kMetadataName, ec);
    if (ec || bytes > kMaxMetadataBytes) return e;
    std::ifstream in(folder / kMetadataName);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (nestsDeeper(text, 8)) return e;
    const json j = json::parse(text);
    FileStamp stamp;
    stamp.absolute = j.at("source").get<std::string>();
    stamp.size = j.at("size").get<std::uintmax_t>();
    stamp.mtime = j.at("mtime").get<std::int64_t>();
    e.source = stamp;
  } catch (const std::exception&) {  // unreadable metadata: a pyramid of nothing known
  }
  return e;
}

// After a build in the app cache `base`: removes the pyramids of files that have changed since
// (their file is there with another size or time: never used again), then, while the cache
// holds more than `cap` bytes, dead builds' litter and the least recently used. Never a folder
// open in this process (the one just built is open), nor one another process is building.
std::vector<RemovedPyramid> pruneAppCache(const fs::path& base, std::uintmax_t cap) {
  std::vector<CacheEntry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entryEc;
    if (it->symlink_status(entryEc).type() != fs::file_type::directory ||
        !isPyramidFolderName(it->path().filename().string()))
      continue;
    entries.push_back(describeEntry(it->path()));
  }
  std::vector<RemovedPyramid> removed;
  auto remove = [&](const CacheEntry& e, std::string why) {
    if (folderOpen(e.folder)) return false;
    std::error_code removeEc;
    fs::remove_all(e.folder, removeEc);
    if (removeEc) return false;
    removed.push_back({e.folder, std::move(why), e.bytes});
    return true;
  };
  std::vector<CacheEntry> kept;
  for (const CacheEntry& e : entries) {
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
  if (cap == 0) return removed;
  std::uintmax_t total = 0;
  for (const CacheEntry& e : kept) total += e.bytes;
  const auto now = fs::file_time_type::clock::now();
  const auto unfinishedAge =
      std::chrono::duration_cast<fs::file_time_type::duration>(kUnfinishedBuildAge);
  std::vector<const CacheEntry*> order;
  for (const CacheEntry& e : kept)
    if (e.hasMetadata || now - e.changed > unfinishedAge) order.push_back(&e);
  // Dead builds first, then the least recently used.
  std::stable_sort(order.begin(), order.end(), [](const CacheEntry* a, const CacheEntry* b) {
    if (a->hasMetadata != b->hasMetadata) return !a->hasMetadata;
    return a->lastUsed < b->lastUsed;
  });
  const std::string capText =
      fmt::format("the cache over its cap of {:.3g} MiB", double(cap) / double(1 << 20));
  for (const CacheEntry* e : order) {
    if (total <= cap) break;
    const std::string why = e->hasMetadata ? "least recently used, " + capText
                                           : "a build that never finished, " + capText;
    if (remove(*e, why)) total -= std::min(total, e->bytes);
  }
  return removed;
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

std::string TiffPyramidReport::text() const {
  std::string what = file.filename().string();
  if (planes > 1) what += fmt::format(" and {} more planes", planes - 1);
  if (ownLevels > 0)
    return fmt::format("pyramid of {}: its own {} reduced-resolution images", what, ownLevels);
  if (cache.empty()) return what + " fits one tile: no pyramid needed";
  std::string text = built ? fmt::format("pyramid of {} made in {:.1f} s, cached in {}", what,
                                         seconds, cache.string())
                           : fmt::format("pyramid of {} read from the cache in {} ({:.2f} s)", what,
                                         cache.string(), seconds);
  for (const RemovedPyramid& r : removed)
    text += fmt::format("; removed the cached pyramid {} ({:.1f} MiB: {})", r.folder.string(),
                        double(r.bytes) / double(1 << 20), r.why);
  return text;
}

// Per plane, its readers finest first: the file itself, then the cached levels; and the
// pyramid folders it reads (or builds), kept from the cache's pruning while it lives.
struct TiffPyramidSource::Levels {
  std::vector<std::vector<std::unique_ptr<TiffImageReader>>> planes;
  std::vector<fs::path> folders;

  Levels() = default;
  Levels(const Levels&) = delete;
  Levels& operator=(const Levels&) = delete;
  ~Levels() {
    const std::lock_guard<std::mutex> lock(openFoldersMutex());
    for (const auto& folder : folders)
      if (auto found = openFolders().find(folder); found != openFolders().end())
        if (--found->second <= 0) openFolders().erase(found);
  }
  void use(const fs::path& folder) {
    const fs::path key = folderKey(folder);
    const std::lock_guard<std::mutex> lock(openFoldersMutex());
    ++openFolders()[key];
    folders.push_back(key);
  }
};

bool TiffPyramidSource::cached(const fs::path& tiff, const TiffPyramidOptions& options) {
  try {
    const FileStamp s = stampOf(tiff);
    if (readMetadata(cacheFolderOf(s, options), s, options.tile)) return true;
    // The header only: a small image needs no pyramid, an OME-TIFF pyramid is its own.
    const TiffImageReader reader(tiff);
    return reader.info().subImages > 0 ||
           levelSides(reader.info().width, reader.info().height, options.tile).empty();
  } catch (const FileError&) {
    return false;
  }
}

std::shared_ptr<TiffPyramidSource> TiffPyramidSource::open(
    const std::vector<fs::path>& planes, double originXUm, double originYUm, double pixelUm,
    std::string name, const TiffPyramidOptions& options,
    const std::function<void(double)>& progress) {
  if (planes.empty()) throw std::invalid_argument("TiffPyramidSource::open: no planes");
  if (!(pixelUm > 0) || !std::isfinite(pixelUm) || !std::isfinite(originXUm) ||
      !std::isfinite(originYUm))
    throw FileError(planes.front(),
                    fmt::format("placed at ({:g}, {:g}) µm with pixels of {:g} µm: not a "
                                "finite origin and a positive pixel size",
                                originXUm, originYUm, pixelUm));
  if (options.tile < 16 || options.tile > 4096 || options.tile % 16 != 0)
    throw std::invalid_argument(
        fmt::format("TiffPyramidSource: tiles of {} px (a multiple of 16, 16…4096)", options.tile));
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<TiffPyramidSource> source(new TiffPyramidSource());
  source->levels_ = std::make_shared<Levels>();
  PyramidInfo& info = source->info_;
  info.name = std::move(name);
  info.channels = {info.name};
  info.planes = static_cast<int>(planes.size());
  info.tile = options.tile;
  info.originXUm = originXUm, info.originYUm = originYUm;

  // Level 0 of every plane first: their sizes, and the work a build would take.
  std::vector<std::unique_ptr<TiffImageReader>> firsts;
  for (const auto& file : planes) {
    firsts.push_back(std::make_unique<TiffImageReader>(file, kLevel0BlockCacheBytes));
    const TiffImageInfo& a = firsts.front()->info();
    const TiffImageInfo& b = firsts.back()->info();
    if (a.width != b.width || a.height != b.height || a.bitsPerSample != b.bitsPerSample)
      throw FileError(file, fmt::format("{} x {} px of {}-bit, but {} is {} x {} px of {}-bit: "
                                        "a section's planes must match",
                                        b.width, b.height, b.bitsPerSample, planes.front().string(),
                                        a.width, a.height, a.bitsPerSample));
  }
  const TiffImageInfo& first = firsts.front()->info();
  info.valueMax = first.bitsPerSample == 16 ? 65535 : 255;
  info.contrastMin = 0;
  info.contrastMax = info.valueMax;
  TiffPyramidReport& report = source->report_;
  report.file = planes.front();
  report.planes = static_cast<int>(planes.size());

  // An OME-TIFF pyramid: the first page's SubIFDs, each smaller than the one before.
  if (first.subImages > 0) {
    info.levels.push_back({first.width, first.height, pixelUm});
    for (std::size_t p = 0; p < planes.size(); ++p) {
      std::vector<std::unique_ptr<TiffImageReader>> readers;
      readers.push_back(std::move(firsts[p]));
      for (int i = 1; i <= first.subImages; ++i) {
        auto reader = std::make_unique<TiffImageReader>(planes[p], TiffImageReader::SubImage{i},
                                                        kLevel0BlockCacheBytes);
        const TiffImageInfo& a = reader->info();
        const TiffImageInfo& finer = readers.back()->info();
        if (p == 0 && (a.width >= finer.width || a.height >= finer.height ||
                       a.bitsPerSample != first.bitsPerSample))
          break;  // not a level of a pyramid: the levels before it are used
        if (p > 0 && std::size_t(i) >= info.levels.size()) break;
        if (p > 0 && (a.width != info.levels[std::size_t(i)].width ||
                      a.height != info.levels[std::size_t(i)].height))
          throw FileError(planes[p], fmt::format("reduced-resolution image {} is {} x {} px, "
                                                 "{}'s {} x {}: a section's planes must match",
                                                 i, a.width, a.height, planes.front().string(),
                                                 info.levels[std::size_t(i)].width,
                                                 info.levels[std::size_t(i)].height));
        if (p == 0)
          info.levels.push_back(
              {a.width, a.height, pixelUm * double(first.width) / double(a.width)});
        readers.push_back(std::move(reader));
      }
      source->levels_->planes.push_back(std::move(readers));
    }
    if (first.bitsPerSample == 16)
      info.contrastMax =
          std::max(1.0, double(StainImageSource(planes.front(), pixelUm).intensityMax()));
    report.ownLevels = static_cast<int>(info.levels.size()) - 1;
    report.seconds = seconds(start);
    if (progress) progress(1.0);
    return source;
  }

  const auto sides = levelSides(first.width, first.height, options.tile);
  info.levels.push_back({first.width, first.height, pixelUm});
  for (std::size_t l = 0; l < sides.size(); ++l)
    info.levels.push_back(
        {sides[l].first, sides[l].second, pixelUm * std::ldexp(1.0, static_cast<int>(l + 1))});

  // Work of a build, in source rows read: every level of every plane.
  double totalRows = 0, doneRows = 0;
  std::int64_t below = first.height;
  for (const auto& side : sides) totalRows += double(below), below = side.second;
  totalRows *= double(planes.size());
  std::mutex progressMutex;
  auto advance = [&](double rows) {
    const std::lock_guard<std::mutex> lock(progressMutex);
    doneRows += rows;
    if (progress && totalRows > 0) progress(std::min(0.999, doneRows / totalRows));
  };

  std::optional<double> contrast;
  for (std::size_t p = 0; p < planes.size(); ++p) {
    const FileStamp stamp = stampOf(planes[p]);
    std::vector<std::unique_ptr<TiffImageReader>> readers;
    readers.push_back(std::move(firsts[p]));
    if (sides.empty()) {
      source->levels_->planes.push_back(std::move(readers));
      continue;
    }
    const fs::path folder = cacheFolderOf(stamp, options);
    if (p == 0) report.cache = folder;
    source->levels_->use(folder);
    auto cachedPyramid = readMetadata(folder, stamp, options.tile);
    if (cachedPyramid && cachedPyramid->sides == sides) {
      try {
        for (std::size_t l = 0; l < sides.size(); ++l) {
          readers.push_back(std::make_unique<TiffImageReader>(folder / levelFileName(l + 1),
                                                              kCachedLevelBlockCacheBytes));
          if (readers.back()->info().width != sides[l].first ||
              readers.back()->info().height != sides[l].second)
            throw FileError(folder / levelFileName(l + 1), "not the size the metadata says");
        }
        if (!contrast) contrast = cachedPyramid->contrastMax;
        if (options.place == PyramidCachePlace::AppCache) markUsed(folder);
        source->levels_->planes.push_back(std::move(readers));
        advance(totalRows / double(planes.size()));
        continue;
      } catch (const FileError&) {  // a damaged cache: made again below
        readers.resize(1);
      }
    }
    if (options.cancelled && options.cancelled())
      throw OperationCancelled(planes[p].string() + ": the pyramid's build was cancelled");
    std::error_code ec;
    const bool folderWasThere = fs::is_directory(folder, ec);
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(folder, ec))
      throw FileError(folder, "cannot create the pyramid cache folder: " +
                                  (ec ? ec.message() : std::string("not a folder")));
    fs::remove(folder / kMetadataName, ec);  // a half-remade cache is never taken as whole
    report.built = true;
    CachedPyramid made;
    made.sides = sides;
    made.contrastMax = first.bitsPerSample == 16
                           ? double(StainImageSource(planes[p], pixelUm).intensityMax())
                           : 255.0;
    fs::path finer = planes[p];
    try {
      for (std::size_t l = 0; l < sides.size(); ++l) {
        const fs::path level = folder / levelFileName(l + 1);
        halve(
            finer, level, sides[l].first, sides[l].second, options.tile,
            [&](double fraction) {
              advance(fraction * double(l == 0 ? first.height : sides[l - 1].second));
            },
            options.cancelled);
        readers.push_back(std::make_unique<TiffImageReader>(level, kCachedLevelBlockCacheBytes));
        finer = level;
      }
    } catch (const OperationCancelled&) {
      // Nothing half made stays: the levels done so far, and the folder when this build made it.
      readers.clear();
      for (std::size_t l = 0; l < sides.size(); ++l) fs::remove(folder / levelFileName(l + 1), ec);
      if (!folderWasThere) {
        fs::remove(folder / kLastUsedName, ec);
        fs::remove(folder, ec);  // only when empty
      }
      throw OperationCancelled(planes[p].string() + ": the pyramid's build was cancelled");
    }
    writeMetadata(folder, stamp, options.tile, made);
    if (options.place == PyramidCachePlace::AppCache) markUsed(folder);
    if (!contrast) contrast = made.contrastMax;
    source->levels_->planes.push_back(std::move(readers));
  }
  if (!contrast && first.bitsPerSample == 16)
    contrast = double(StainImageSource(planes.front(), pixelUm).intensityMax());
  if (contrast && *contrast > 0) info.contrastMax = std::min(*contrast, info.valueMax);
  report.seconds = seconds(start);
  if (report.built && options.place == PyramidCachePlace::AppCache)
    report.removed = pruneAppCache(report.cache.parent_path(), options.appCacheCapBytes);
  if (progress) progress(1.0);  // the bands' fractions, summed in any order, may fall short
  return source;
}

TilePixels TiffPyramidSource::readTile(int level, int channel, int plane, std::int64_t row,
                                       std::int64_t col) const {
  if (level < 0 || level >= static_cast<int>(info_.levels.size()) || channel != 0 || plane < 0 ||
      plane >= info_.planes)
    throw std::out_of_range(fmt::format("{}: level {}, channel {}, plane {} of {}, 1, {}",
                                        info_.name, level, channel, plane, info_.levels.size(),
                                        info_.planes));
  const std::int64_t t = info_.tile;
  TilePixels out(std::size_t(t * t), std::numeric_limits<float>::quiet_NaN());
  const PyramidLevel& L = info_.levels[std::size_t(level)];
  const std::int64_t x0 = col * t, y0 = row * t;
  const std::int64_t w = std::min(x0 + t, L.width) - x0, h = std::min(y0 + t, L.height) - y0;
  if (x0 < 0 || y0 < 0 || w <= 0 || h <= 0) return out;
  const auto values =
      levels_->planes[std::size_t(plane)][std::size_t(level)]->readWindow(x0, y0, w, h);
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x)
      out[std::size_t(y * t + x)] = float(values[std::size_t(y * w + x)]);
  return out;
}

}  // namespace teramind
