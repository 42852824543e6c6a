#include "sectionview/TiffPyramidSource.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
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
#include "sectionview/PyramidCache.h"

namespace teramind {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kMetadataFormat = 1;
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

// What the cache folder's metadata says, when it describes this file at this tile size.
struct CachedPyramid {
  std::vector<std::pair<std::int64_t, std::int64_t>> sides;  // levels 1…
  double contrastMax = 0;
};

std::optional<CachedPyramid> readMetadata(const fs::path& folder, const FileStamp& s, int tile) {
  try {
    const auto text = readPyramidMetadataText(folder);
    if (!text) return std::nullopt;
    const json j = json::parse(*text);
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
      std::error_code ec;
      if (!fs::is_regular_file(folder / pyramidLevelFileName(l + 1), ec)) return std::nullopt;
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
  writeTextFileAtomically(folder / kPyramidMetadataName, j.dump(2) + "\n");
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
  for (const std::string& failure : notRemoved) text += "; " + failure;
  return text;
}

// Per plane, its readers finest first: the file itself, then the cached levels; and the
// pyramid folders it reads (or builds), kept from the cache's pruning while it lives.
struct TiffPyramidSource::Levels {
  std::vector<std::vector<std::unique_ptr<TiffImageReader>>> planes;
  std::vector<PyramidFolderUse> folders;
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
    source->levels_->folders.emplace_back(folder);
    // No other build of this folder in this process runs meanwhile (nor its cleanup).
    const PyramidBuildLock buildLock(folder, planes[p], options.cancelled);
    auto cachedPyramid = readMetadata(folder, stamp, options.tile);
    if (cachedPyramid && cachedPyramid->sides == sides) {
      try {
        for (std::size_t l = 0; l < sides.size(); ++l) {
          readers.push_back(std::make_unique<TiffImageReader>(folder / pyramidLevelFileName(l + 1),
                                                              kCachedLevelBlockCacheBytes));
          if (readers.back()->info().width != sides[l].first ||
              readers.back()->info().height != sides[l].second)
            throw FileError(folder / pyramidLevelFileName(l + 1), "not the size the metadata says");
        }
        if (!contrast) contrast = cachedPyramid->contrastMax;
        if (options.place == PyramidCachePlace::AppCache) markPyramidUsed(folder);
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
    fs::remove(folder / kPyramidMetadataName, ec);  // a half-remade cache is never taken as whole
    report.built = true;
    CachedPyramid made;
    made.sides = sides;
    made.contrastMax = first.bitsPerSample == 16
                           ? double(StainImageSource(planes[p], pixelUm).intensityMax())
                           : 255.0;
    fs::path finer = planes[p];
    try {
      for (std::size_t l = 0; l < sides.size(); ++l) {
        const fs::path level = folder / pyramidLevelFileName(l + 1);
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
      for (std::size_t l = 0; l < sides.size(); ++l)
        fs::remove(folder / pyramidLevelFileName(l + 1), ec);
      if (!folderWasThere) {
        fs::remove(folder / kPyramidLastUsedName, ec);
        fs::remove(folder, ec);  // only when empty
      }
      throw OperationCancelled(planes[p].string() + ": the pyramid's build was cancelled");
    }
    writeMetadata(folder, stamp, options.tile, made);
    if (options.place == PyramidCachePlace::AppCache) markPyramidUsed(folder);
    if (!contrast) contrast = made.contrastMax;
    source->levels_->planes.push_back(std::move(readers));
  }
  if (!contrast && first.bitsPerSample == 16)
    contrast = double(StainImageSource(planes.front(), pixelUm).intensityMax());
  if (contrast && *contrast > 0) info.contrastMax = std::min(*contrast, info.valueMax);
  report.seconds = seconds(start);
  if (report.built && options.place == PyramidCachePlace::AppCache) {
    PruneResult pruned =
        pruneAppCache(report.cache.parent_path(), options.appCacheCapBytes, options.cancelled);
    report.removed = std::move(pruned.removed);
    report.notRemoved = std::move(pruned.failures);
  }
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
