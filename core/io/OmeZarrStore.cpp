#include "io/OmeZarrStore.h"

#include <blosc.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "io/OmeZarrMetadata.h"
#include "io/ZarrShard.h"

namespace teramind {
namespace {

using nlohmann::json;

std::vector<std::uint8_t> readBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

// Whether the file holds exactly these bytes (its size first, so a large file is not read).
bool fileHolds(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  return !ec && size == bytes.size() && readBytes(file) == bytes;
}

void writeBytes(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes) {
  std::error_code ignored;  // another process may create it at the same time
  std::filesystem::create_directories(file.parent_path(), ignored);
  writeFileAtomically(file, [&](const std::filesystem::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out.flush()) throw FileError(file, "cannot write");
  });
}

}  // namespace

OmeZarrStore OmeZarrStore::create(const std::filesystem::path& path, const OmeZarrLayout& layout,
                                  const std::string& attributes) {
  writeOmeZarrMetadata(path, layout, attributes);
  OmeZarrStore store;
  store.path_ = path;
  store.layout_ = layout;
  store.shardIndexes_ = std::make_shared<ShardIndexCache>();
  store.separator_ = '/';
  return store;
}

OmeZarrStore OmeZarrStore::open(const std::filesystem::path& path) {
  auto metadata = readOmeZarrMetadata(path);
  OmeZarrStore store;
  store.path_ = path;
  store.layout_ = std::move(metadata.layout);
  store.separator_ = metadata.separator;
  store.shardIndexes_ = std::make_shared<ShardIndexCache>();
  return store;
}

std::string OmeZarrStore::attributes() const {
  return readOmeZarrAttributes(path_, layout_.format);
}

std::filesystem::path OmeZarrStore::chunkPath(int level, int channel, int plane, std::int64_t row,
                                              std::int64_t col) const {
  const char s = separator_;
  return path_ / std::to_string(level) /
         fmt::format("{}{}{}{}{}{}{}", channel, s, plane, s, row, s, col);
}

std::filesystem::path OmeZarrStore::shardPath(int level, int channel, int plane,
                                              std::int64_t shardRow, std::int64_t shardCol) const {
  return path_ / std::to_string(level) / "c" / std::to_string(channel) / std::to_string(plane) /
         std::to_string(shardRow) / std::to_string(shardCol);
}

std::filesystem::path OmeZarrStore::pendingDirectory(int level, int channel, int plane,
                                                     std::int64_t shardRow,
                                                     std::int64_t shardCol) const {
  return path_ / std::to_string(level) / ".pending" /
         fmt::format("{}.{}.{}.{}", channel, plane, shardRow, shardCol);
}

std::size_t OmeZarrStore::innerIndex(std::int64_t row, std::int64_t col) const {
  const int k = layout_.shardChunks();
  return std::size_t(row % k) * std::size_t(k) + std::size_t(col % k);
}

std::vector<std::uint8_t> OmeZarrStore::compress(const std::filesystem::path& file,
                                                 const std::vector<std::uint8_t>& pixels) const {
  const std::size_t n = std::size_t(layout_.chunk) * std::size_t(layout_.chunk);
  if (pixels.size() != n)
    throw FileError(file, fmt::format("a chunk holds {} bytes, {} were given", n, pixels.size()));
  std::vector<std::uint8_t> packed(n + BLOSC_MAX_OVERHEAD);
  const int size = blosc_compress_ctx(5, BLOSC_SHUFFLE, 1, n, pixels.data(), packed.data(),
                                      packed.size(), "zstd", 0, 1);
  if (size <= 0) throw FileError(file, "blosc could not compress the chunk");
  packed.resize(std::size_t(size));
  return packed;
}

std::vector<std::uint8_t> OmeZarrStore::decompress(const std::filesystem::path& file,
                                                   const std::vector<std::uint8_t>& packed) const {
  const std::size_t n = std::size_t(layout_.chunk) * std::size_t(layout_.chunk);
  std::vector<std::uint8_t> pixels(n, 0);
  std::size_t nbytes = 0, cbytes = 0, blocksize = 0;
  if (packed.size() >= BLOSC_MIN_HEADER_LENGTH)
    blosc_cbuffer_sizes(packed.data(), &nbytes, &cbytes, &blocksize);
  if (packed.size() < BLOSC_MIN_HEADER_LENGTH || nbytes != n || cbytes != packed.size())
    throw FileError(
        file, fmt::format("not a blosc chunk of {} bytes ({} bytes on disk)", n, packed.size()));
  if (blosc_decompress_ctx(packed.data(), pixels.data(), n, 1) != static_cast<int>(n))
    throw FileError(file, "blosc could not decompress the chunk");
  return pixels;
}

// Shard indexes opened recently, so reading a level chunk by chunk reads each index once. An
// entry is used only while the file is the one it was opened from (inode, size and time:
// every write replaces the file by a rename, and another process may do that); the store also
// forgets the shards it writes or removes.
struct OmeZarrStore::ShardIndexCache {
  struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t bytes = 0;
    std::int64_t seconds = 0, nanoseconds = 0;
    bool operator==(const Identity& o) const {
      return device == o.device && inode == o.inode && bytes == o.bytes && seconds == o.seconds &&
             nanoseconds == o.nanoseconds;
    }
  };
  struct Entry {
    std::shared_ptr<const ZarrShard> shard;
    Identity identity;
    std::uint64_t used = 0;
  };
  static constexpr std::size_t kEntries = 16;  // an index is at most 16 MiB
  std::mutex mutex;
  std::map<std::filesystem::path, Entry> entries;
  std::uint64_t clock = 0;
};

std::shared_ptr<const ZarrShard> OmeZarrStore::openShard(const std::filesystem::path& file) const {
  struct stat st {};
  const bool exists = ::stat(file.c_str(), &st) == 0;
  ShardIndexCache::Identity identity;
  if (exists) {
    identity.device = st.st_dev;
    identity.inode = st.st_ino;
    identity.bytes = st.st_size;
#ifdef __APPLE__
    identity.seconds = st.st_mtimespec.tv_sec;
    identity.nanoseconds = st.st_mtimespec.tv_nsec;
#else
    identity.seconds = st.st_mtim.tv_sec;
    identity.nanoseconds = st.st_mtim.tv_nsec;
#endif
  }
  auto& cache = *shardIndexes_;
  {
    const std::lock_guard<std::mutex> lock(cache.mutex);
    const auto it = cache.entries.find(file);
    if (it != cache.entries.end()) {
      if (exists && it->second.identity == identity) {
        it->second.used = ++cache.clock;
        return it->second.shard;
      }
      cache.entries.erase(it);
    }
  }
  if (!exists) return nullptr;
  const std::size_t k = std::size_t(layout_.shardChunks());
  auto shard = std::make_shared<const ZarrShard>(ZarrShard::open(file, k * k, maxPackedBytes()));
  const std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.entries.size() >= ShardIndexCache::kEntries) {
    auto oldest = cache.entries.begin();
    for (auto it = cache.entries.begin(); it != cache.entries.end(); ++it)
      if (it->second.used < oldest->second.used) oldest = it;
    cache.entries.erase(oldest);
  }
  cache.entries[file] = {shard, identity, ++cache.clock};
  return shard;
}

void OmeZarrStore::forgetShard(const std::filesystem::path& file) const {
  const std::lock_guard<std::mutex> lock(shardIndexes_->mutex);
  shardIndexes_->entries.erase(file);
}

std::filesystem::path OmeZarrStore::builtMarker(int level, int channel, int plane,
                                                std::int64_t shardRow,
                                                std::int64_t shardCol) const {
  return path_ / std::to_string(level) / ".built" /
         fmt::format("{}.{}.{}.{}", channel, plane, shardRow, shardCol);
}

bool OmeZarrStore::hasChunk(int level, int channel, int plane, std::int64_t row,
                            std::int64_t col) const {
  if (layout_.format == OmeZarrFormat::V2)
    return std::filesystem::exists(chunkPath(level, channel, plane, row, col));
  const int k = layout_.shardChunks();
  const auto sr = row / k, sc = col / k;
  if (std::filesystem::exists(pendingDirectory(level, channel, plane, sr, sc) /
                              fmt::format("{}.{}", row, col)))
    return true;
  const auto shard = openShard(shardPath(level, channel, plane, sr, sc));
  return shard && shard->has(innerIndex(row, col));
}

std::vector<bool> OmeZarrStore::chunksInShard(int level, int channel, int plane,
                                              std::int64_t shardRow, std::int64_t shardCol) const {
  const int k = layout_.shardChunks();
  std::vector<bool> present(std::size_t(k) * std::size_t(k), false);
  std::shared_ptr<const ZarrShard> shard;
  const bool v3 = layout_.format == OmeZarrFormat::V3Sharded;
  if (v3) shard = openShard(shardPath(level, channel, plane, shardRow, shardCol));
  const auto pending = pendingDirectory(level, channel, plane, shardRow, shardCol);
  const bool anyPending = v3 && std::filesystem::exists(pending);
  for (std::int64_t r = shardRow * k; r < std::min(layout_.chunkRows(level), (shardRow + 1) * k);
       ++r)
    for (std::int64_t q = shardCol * k; q < std::min(layout_.chunkCols(level), (shardCol + 1) * k);
         ++q) {
      const auto i = innerIndex(r, q);
      if (!v3)
        present[i] = hasChunk(level, channel, plane, r, q);
      else
        present[i] = (shard && shard->has(i)) ||
                     (anyPending && std::filesystem::exists(pending / fmt::format("{}.{}", r, q)));
    }
  return present;
}

bool OmeZarrStore::hasPyramidAbove(int level, int channel, int plane, std::int64_t shardRow,
                                   std::int64_t shardCol) const {
  return level + 1 < layout_.levels &&
         hasShard(level + 1, channel, plane, shardRow / 2, shardCol / 2);
}

void OmeZarrStore::removePyramidAbove(int level, int channel, int plane, std::int64_t shardRow,
                                      std::int64_t shardCol) const {
  for (int l = level + 1; l < layout_.levels; ++l) {
    shardRow /= 2;
    shardCol /= 2;
    if (layout_.format == OmeZarrFormat::V2) {
      std::filesystem::remove(builtMarker(l, channel, plane, shardRow, shardCol));
    } else {
      const auto file = shardPath(l, channel, plane, shardRow, shardCol);
      std::filesystem::remove(file);
      forgetShard(file);
    }
  }
}

void OmeZarrStore::writeChunk(int level, int channel, int plane, std::int64_t row, std::int64_t col,
                              const std::vector<std::uint8_t>& pixels) const {
  const int k = layout_.shardChunks();
  const auto sr = row / k, sc = col / k;
  if (layout_.format == OmeZarrFormat::V2) {
    const auto file = chunkPath(level, channel, plane, row, col);
    const auto packed = compress(file, pixels);
    // A pyramid built from this chunk's old bytes is built again.
    if (hasPyramidAbove(level, channel, plane, sr, sc) && !fileHolds(file, packed))
      removePyramidAbove(level, channel, plane, sr, sc);
    writeBytes(file, packed);
    return;
  }
  const auto shardFile = shardPath(level, channel, plane, sr, sc);
  const auto pending = pendingDirectory(level, channel, plane, sr, sc);
  const auto packed = compress(shardFile, pixels);
  const auto shard = openShard(shardFile);
  if (shard && !std::filesystem::exists(pending)) {
    // A finished shard: rewritten with the chunk (a resumed job rewrites the same bytes).
    if (shard->read(innerIndex(row, col)) == packed) return;
    auto chunks = shard->readAll();
    chunks[innerIndex(row, col)] = packed;
    if (hasPyramidAbove(level, channel, plane, sr, sc))
      removePyramidAbove(level, channel, plane, sr, sc);
    writeBytes(shardFile, ZarrShard::encode(chunks));
    forgetShard(shardFile);
    return;
  }
  const auto file = pending / fmt::format("{}.{}", row, col);
  if (hasPyramidAbove(level, channel, plane, sr, sc)) {
    auto before = std::filesystem::exists(file) ? readChunkFile(file) : std::vector<std::uint8_t>{};
    if (before.empty() && shard) before = shard->read(innerIndex(row, col));
    if (before != packed) removePyramidAbove(level, channel, plane, sr, sc);
  }
  writeBytes(file, packed);
}

std::vector<std::uint8_t> OmeZarrStore::readChunk(int level, int channel, int plane,
                                                  std::int64_t row, std::int64_t col) const {
  if (layout_.format == OmeZarrFormat::V2) {
    const auto file = chunkPath(level, channel, plane, row, col);
    if (!std::filesystem::exists(file))
      return std::vector<std::uint8_t>(std::size_t(layout_.chunk) * std::size_t(layout_.chunk), 0);
    return decompress(file, readChunkFile(file));
  }
  const int k = layout_.shardChunks();
  const auto sr = row / k, sc = col / k;
  const auto pending =
      pendingDirectory(level, channel, plane, sr, sc) / fmt::format("{}.{}", row, col);
  if (std::filesystem::exists(pending)) return decompress(pending, readChunkFile(pending));
  const auto file = shardPath(level, channel, plane, sr, sc);
  std::vector<std::uint8_t> packed;
  if (const auto shard = openShard(file)) packed = shard->read(innerIndex(row, col));
  if (packed.empty())
    return std::vector<std::uint8_t>(std::size_t(layout_.chunk) * std::size_t(layout_.chunk), 0);
  return decompress(file, packed);
}

void OmeZarrStore::finishShard(int level, int channel, int plane, std::int64_t shardRow,
                               std::int64_t shardCol) const {
  if (layout_.format == OmeZarrFormat::V2) return;
  const auto pending = pendingDirectory(level, channel, plane, shardRow, shardCol);
  if (!std::filesystem::exists(pending)) return;
  const int k = layout_.shardChunks();
  const auto file = shardPath(level, channel, plane, shardRow, shardCol);
  const auto shard = openShard(file);
  auto chunks = shard ? shard->readAll() : ZarrShard::Chunks(std::size_t(k) * std::size_t(k));
  for (const auto& f : std::filesystem::directory_iterator(pending)) {
    const auto name = f.path().filename().string();
    if (name.rfind(".partial-", 0) == 0) continue;  // a killed write, never data
    long long row = -1, col = -1;
    char tail = 0;
    // Names that are not ROW.COL are not ours (an NFS silly-rename, an editor's backup).
    if (std::sscanf(name.c_str(), "%lld.%lld%c", &row, &col, &tail) != 2) continue;
    if (row / k != shardRow || col / k != shardCol || row < 0 || col < 0)
      throw FileError(f.path(), fmt::format("pending chunk ({}, {}) is not in shard ({}, {})", row,
                                            col, shardRow, shardCol));
    auto bytes = readChunkFile(f.path());
    decompress(f.path(), bytes);  // a damaged chunk is named here, not baked into the shard
    chunks[innerIndex(row, col)] = std::move(bytes);
  }
  writeBytes(file, ZarrShard::encode(chunks));
  forgetShard(file);
  std::filesystem::remove_all(pending);
  std::error_code ignored;  // the folder goes once its last shard is finished
  std::filesystem::remove(pending.parent_path(), ignored);
}

bool OmeZarrStore::hasShard(int level, int channel, int plane, std::int64_t shardRow,
                            std::int64_t shardCol) const {
  if (layout_.format == OmeZarrFormat::V3Sharded)
    return std::filesystem::exists(shardPath(level, channel, plane, shardRow, shardCol));
  // V2 writes a pyramid block chunk by chunk: only its marker, written after its last chunk,
  // says it is whole.
  if (level > 0)
    return std::filesystem::exists(builtMarker(level, channel, plane, shardRow, shardCol));
  const int k = layout_.shardChunks();
  for (std::int64_t r = shardRow * k; r < std::min(layout_.chunkRows(level), (shardRow + 1) * k);
       ++r)
    for (std::int64_t q = shardCol * k; q < std::min(layout_.chunkCols(level), (shardCol + 1) * k);
         ++q)
      if (hasChunk(level, channel, plane, r, q)) return true;
  return false;
}

void OmeZarrStore::buildPyramidShard(int level, int channel, int plane, std::int64_t shardRow,
                                     std::int64_t shardCol) const {
  if (level < 1 || level >= layout_.levels)
    throw FileError(path_, fmt::format("level {} is not a pyramid level", level));
  const int T = layout_.chunk, half = T / 2, k = layout_.shardChunks();
  const bool v3 = layout_.format == OmeZarrFormat::V3Sharded;
  const auto child = [&](std::int64_t r,
                         std::int64_t q) -> std::optional<std::vector<std::uint8_t>> {
    if (r >= layout_.chunkRows(level - 1) || q >= layout_.chunkCols(level - 1)) return {};
    if (!v3) {
      if (!hasChunk(level - 1, channel, plane, r, q)) return {};
      return readChunk(level - 1, channel, plane, r, q);
    }
    const auto pending =
        pendingDirectory(level - 1, channel, plane, r / k, q / k) / fmt::format("{}.{}", r, q);
    if (std::filesystem::exists(pending)) return decompress(pending, readChunkFile(pending));
    const auto file = shardPath(level - 1, channel, plane, r / k, q / k);
    const auto shard = openShard(file);
    if (!shard || !shard->has(innerIndex(r, q))) return {};
    return decompress(file, shard->read(innerIndex(r, q)));
  };
  bool anyBelow = false;  // most of a section's margin is empty: no chunk-by-chunk look
  for (std::int64_t r = 2 * shardRow; r < std::min(layout_.shardRows(level - 1), 2 * shardRow + 2);
       ++r)
    for (std::int64_t q = 2 * shardCol;
         q < std::min(layout_.shardCols(level - 1), 2 * shardCol + 2); ++q)
      anyBelow = anyBelow || hasShard(level - 1, channel, plane, r, q) ||
                 (v3 && std::filesystem::exists(pendingDirectory(level - 1, channel, plane, r, q)));
  if (!anyBelow) return;
  // Pixels past the level below's edge (a chunk's padding) are not averaged in.
  const std::int64_t belowHeight = layout_.levelHeight(level - 1);
  const std::int64_t belowWidth = layout_.levelWidth(level - 1);
  ZarrShard::Chunks built(std::size_t(k) * std::size_t(k));
  bool any = false;
  for (std::int64_t r = shardRow * k; r < std::min(layout_.chunkRows(level), (shardRow + 1) * k);
       ++r)
    for (std::int64_t q = shardCol * k; q < std::min(layout_.chunkCols(level), (shardCol + 1) * k);
         ++q) {
      std::vector<std::uint8_t> out(std::size_t(T) * T, 0);
      bool here = false;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          const auto in = child(2 * r + dy, 2 * q + dx);
          if (!in) continue;
          here = true;
          const std::int64_t top = (2 * r + dy) * T, left = (2 * q + dx) * T;
          const int rows = int(std::clamp<std::int64_t>(belowHeight - top, 0, T));
          const int cols = int(std::clamp<std::int64_t>(belowWidth - left, 0, T));
          for (int y = 0; y < half; ++y)
            for (int x = 0; x < half; ++x) {
              int sum = 0, n = 0;
              for (int yy = 2 * y; yy < std::min(2 * y + 2, rows); ++yy)
                for (int xx = 2 * x; xx < std::min(2 * x + 2, cols); ++xx) {
                  sum += (*in)[std::size_t(yy) * T + xx];
                  ++n;
                }
              if (n > 0)
                out[std::size_t(dy * half + y) * T + dx * half + x] =
                    std::uint8_t((sum + n / 2) / n);
            }
        }
      if (!here) continue;
      any = true;
      if (v3)
        built[innerIndex(r, q)] =
            compress(shardPath(level, channel, plane, shardRow, shardCol), out);
      else
        writeChunk(level, channel, plane, r, q, out);
    }
  if (!any) return;
  if (v3) {
    const auto file = shardPath(level, channel, plane, shardRow, shardCol);
    auto bytes = ZarrShard::encode(built);
    // Built again with other bytes: the levels above were built from the old ones.
    if (hasPyramidAbove(level, channel, plane, shardRow, shardCol) && !fileHolds(file, bytes))
      removePyramidAbove(level, channel, plane, shardRow, shardCol);
    writeBytes(file, bytes);
    forgetShard(file);
  } else {
    writeBytes(builtMarker(level, channel, plane, shardRow, shardCol), {});
  }
}

void OmeZarrStore::buildPyramid() const {
  const auto& L = layout_;
  if (L.format == OmeZarrFormat::V3Sharded)
    for (int l = 0; l < L.levels; ++l) {
      const auto pending = path_ / std::to_string(l) / ".pending";
      if (!std::filesystem::is_directory(pending)) continue;
      std::vector<std::filesystem::path> shards;
      for (const auto& f : std::filesystem::directory_iterator(pending)) shards.push_back(f.path());
      for (const auto& s : shards) {
        int c = 0, z = 0;
        long long sr = 0, sc = 0;
        char tail = 0;
        const auto name = s.filename().string();
        if (std::sscanf(name.c_str(), "%d.%d.%lld.%lld%c", &c, &z, &sr, &sc, &tail) != 4 ||
            !std::filesystem::is_directory(s))
          continue;  // not ours (an NFS silly-rename …)
        if (c < 0 || c >= static_cast<int>(L.channels.size()) || z < 0 || z >= L.planes || sr < 0 ||
            sr >= L.shardRows(l) || sc < 0 || sc >= L.shardCols(l))
          throw FileError(s, "pending chunks of a shard outside the image");
        finishShard(l, c, z, sr, sc);
      }
    }
  for (int l = 1; l < L.levels; ++l)
    for (int c = 0; c < static_cast<int>(L.channels.size()); ++c)
      for (int z = 0; z < L.planes; ++z)
        for (std::int64_t sr = 0; sr < L.shardRows(l); ++sr)
          for (std::int64_t sc = 0; sc < L.shardCols(l); ++sc)
            if (!hasShard(l, c, z, sr, sc)) buildPyramidShard(l, c, z, sr, sc);
}

std::vector<OmeZarrStore::DamagedShard> OmeZarrStore::damagedShards() const {
  std::vector<DamagedShard> damaged;
  const auto& L = layout_;
  if (L.format != OmeZarrFormat::V3Sharded) return damaged;
  const std::size_t n = std::size_t(L.shardChunks()) * std::size_t(L.shardChunks());
  for (int l = 0; l < L.levels; ++l)
    for (const auto& [c, z] : planesOnDisk(l))
      for (const auto& [sr, sc] : shardFilesOnDisk(l, c, z)) {
        const auto file = shardPath(l, c, z, sr, sc);
        try {
          ZarrShard::open(file, n, maxPackedBytes());
        } catch (const FileError& e) {
          damaged.push_back({l, c, z, sr, sc, file, e.problem()});
        }
      }
  return damaged;
}

std::size_t OmeZarrStore::maxPackedBytes() const {
  return std::size_t(layout_.chunk) * std::size_t(layout_.chunk) + BLOSC_MAX_OVERHEAD;
}

std::vector<std::uint8_t> OmeZarrStore::readChunkFile(const std::filesystem::path& file) const {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw FileError(file, "cannot read the chunk: " + ec.message());
  if (size > maxPackedBytes())
    throw FileError(file, fmt::format("not a blosc chunk of {} x {} px: {} bytes, more than the {} "
                                      "it can take",
                                      layout_.chunk, layout_.chunk, size, maxPackedBytes()));
  return readBytes(file);
}

}  // namespace teramind
