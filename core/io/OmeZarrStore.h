#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace teramind {

struct ZarrShard;

// How an OME-Zarr image lies on disk.
enum class OmeZarrFormat {
  // NGFF 0.4 on Zarr v2: one file per chunk (key separator '/'; '.' still read).
  V2,
  // NGFF 0.5 on Zarr v3 with the sharding codec: one file per shard of shard × shard pixels of
  // one channel and plane, whose inner chunks are the chunks.
  V3Sharded,
};

// The shape of a multiscale image stored as OME-Zarr: axes c, z, y, x; 8-bit; chunks of one
// channel × one plane × chunk × chunk pixels, blosc/zstd compressed; level l halves y and x l
// times. Shards (V3Sharded's files; V2's unit of the pyramid built as the job goes) are
// shard × shard pixels at every level.
struct OmeZarrLayout {
  std::vector<std::string> channels;
  int planes = 1;
  std::int64_t height = 0, width = 0;  // level 0, pixels
  int chunk = 256;
  int levels = 1;
  OmeZarrFormat format = OmeZarrFormat::V3Sharded;
  int shard = 4096;  // a multiple of chunk
  double pixelUm = 1, planeUm = 1;
  // The outer corner of pixel (0, 0) of plane 0, µm (translations name pixel centres, so
  // level l's is this plus half of its pixel).
  double originYUm = 0, originXUm = 0, originZUm = 0;
  double levelPixelUm(int level) const { return pixelUm * double(1ll << level); }

  std::int64_t levelHeight(int level) const { return (height + (1ll << level) - 1) >> level; }
  std::int64_t levelWidth(int level) const { return (width + (1ll << level) - 1) >> level; }
  std::int64_t chunkRows(int level) const { return (levelHeight(level) + chunk - 1) / chunk; }
  std::int64_t chunkCols(int level) const { return (levelWidth(level) + chunk - 1) / chunk; }
  int shardChunks() const { return shard / chunk; }  // chunks along a shard's side
  std::int64_t shardRows(int level) const {
    return (chunkRows(level) + shardChunks() - 1) / shardChunks();
  }
  std::int64_t shardCols(int level) const {
    return (chunkCols(level) + shardChunks() - 1) / shardChunks();
  }
  // Levels until the image fits one chunk.
  static int levelsToFit(std::int64_t height, std::int64_t width, int chunk);
  // The shard side for an image: n × n shards of at least `pixels` (n ≥ 1) split its longer
  // side evenly, rounded up to whole chunks — 4096 … 8191 px on a large image (≥ 16.7 Mpx of
  // one channel and plane per full shard), one shard for an image smaller than `pixels`.
  static int shardFor(int chunk, std::int64_t height, std::int64_t width, int pixels = 4096);
};

// An OME-Zarr image on disk, written chunk by chunk, every file atomically, so a reader never
// sees a half-written file and a killed writer leaves every existing chunk whole. Chunks never
// written read as 0 (the array's fill value).
//
// V3Sharded: a chunk written before its shard exists waits as a small file in the level's
// .pending/ folder (readers see it there) until finishShard() assembles the shard; a chunk
// written into an existing shard rewrites that shard.
class OmeZarrStore {
 public:
  // Writes the group, multiscales metadata and array headers; `attributes` (JSON text of an
  // object, may be empty) is stored under "teramind" in the group attributes.
  static OmeZarrStore create(const std::filesystem::path& path, const OmeZarrLayout& layout,
                             const std::string& attributes = {});
  // Reads the layout back (either format), checking every field; throws FileError naming the
  // file and the problem.
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
  // hasChunk() for every chunk of a shard at once (its index read once), in the shard's C
  // order (shardChunks() × shardChunks(), chunks past the image's edge false).
  std::vector<bool> chunksInShard(int level, int channel, int plane, std::int64_t shardRow,
                                  std::int64_t shardCol) const;

  // What is on disk, found by listing the level's folders, never by trying every index a
  // header declares (100000 × 100000 px in chunks of 64 is 2.4 million per plane): walks over
  // a store are bounded by its files. Names that are not chunk or shard keys inside the image
  // (markers, temporaries, another tool's files) are skipped.
  // (channel, plane) pairs that have a folder or file of chunks at `level`, sorted.
  std::vector<std::pair<int, int>> planesOnDisk(int level) const;
  // (row, col) of every chunk of the plane hasChunk() finds, sorted; V3Sharded opens each
  // shard's index (FileError for a damaged one).
  std::vector<std::pair<std::int64_t, std::int64_t>> chunksOnDisk(int level, int channel,
                                                                  int plane) const;

  // V3Sharded: the shard's pending chunks into its file (with those it already holds), then
  // the pending files removed; nothing when none are pending. V2: nothing to do.
  void finishShard(int level, int channel, int plane, std::int64_t shardRow,
                   std::int64_t shardCol) const;
  // Whether the shard holds data: its file (V3Sharded); at level 0 any of its chunks, above
  // the marker written once its last chunk is (V2).
  bool hasShard(int level, int channel, int plane, std::int64_t shardRow,
                std::int64_t shardCol) const;
  // Shard (shardRow, shardCol) of `level` ≥ 1 from the four shards under it (2 × 2 mean of
  // the pixels inside the level below; outside its edge 0), written whole (V2: chunk by
  // chunk, then a marker); nothing when they hold no data. A chunk written with other bytes
  // under a built pyramid shard removes it and those above it (buildPyramid builds them again).
  void buildPyramidShard(int level, int channel, int plane, std::int64_t shardRow,
                         std::int64_t shardCol) const;
  // What is not yet built: every pending shard finished, then every level-1… shard that does
  // not exist built from the level under it. A shard that exists was built from finished
  // shards and is kept.
  void buildPyramid() const;

  // V3Sharded: shard files whose index does not fit their size or fails its checksum (what
  // a kill or a full disk can leave), each with the problem. V2: none.
  struct DamagedShard {
    int level = 0, channel = 0, plane = 0;
    std::int64_t shardRow = 0, shardCol = 0;
    std::filesystem::path file;
    std::string problem;
  };
  std::vector<DamagedShard> damagedShards() const;

  std::filesystem::path shardPath(int level, int channel, int plane, std::int64_t shardRow,
                                  std::int64_t shardCol) const;

 private:
  // V3Sharded: (shardRow, shardCol) of the plane's shard files and of its shards with
  // pending chunks, each sorted, found by listing.
  std::vector<std::pair<std::int64_t, std::int64_t>> shardFilesOnDisk(int level, int channel,
                                                                      int plane) const;
  std::vector<std::pair<std::int64_t, std::int64_t>> pendingShardsOnDisk(int level, int channel,
                                                                         int plane) const;
  // A chunk file's bytes; FileError when it is larger than a compressed chunk can be.
  std::vector<std::uint8_t> readChunkFile(const std::filesystem::path& file) const;
  std::size_t maxPackedBytes() const;
  struct ShardIndexCache;
  std::shared_ptr<const ZarrShard> openShard(const std::filesystem::path& file) const;  // or null
  void forgetShard(const std::filesystem::path& file) const;
  std::filesystem::path builtMarker(int level, int channel, int plane, std::int64_t shardRow,
                                    std::int64_t shardCol) const;
  bool hasPyramidAbove(int level, int channel, int plane, std::int64_t shardRow,
                       std::int64_t shardCol) const;
  void removePyramidAbove(int level, int channel, int plane, std::int64_t shardRow,
                          std::int64_t shardCol) const;
  std::filesystem::path chunkPath(int level, int channel, int plane, std::int64_t row,
                                  std::int64_t col) const;
  std::filesystem::path pendingDirectory(int level, int channel, int plane, std::int64_t shardRow,
                                         std::int64_t shardCol) const;
  std::size_t innerIndex(std::int64_t row, std::int64_t col) const;
  std::vector<std::uint8_t> compress(const std::filesystem::path& file,
                                     const std::vector<std::uint8_t>& pixels) const;
  std::vector<std::uint8_t> decompress(const std::filesystem::path& file,
                                       const std::vector<std::uint8_t>& packed) const;
  std::filesystem::path path_;
  OmeZarrLayout layout_;
  char separator_ = '/';                           // V2 chunk keys
  std::shared_ptr<ShardIndexCache> shardIndexes_;  // shared by copies: same files
};

}  // namespace teramind
