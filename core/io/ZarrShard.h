#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace teramind {

// CRC-32C (Castagnoli), the checksum of the Zarr v3 crc32c codec.
std::uint32_t crc32c(const std::uint8_t* data, std::size_t size);

// One shard file of the Zarr v3 sharding codec (sharding_indexed) with the index at the end:
// the inner chunks' encoded bytes one after another, then per chunk (offset, nbytes) as
// little-endian uint64 (2⁶⁴ − 1 twice for a chunk never written), then the CRC-32C of that
// index, little-endian.
struct ZarrShard {
  // Inner chunks in the shard's C order; an empty vector is a chunk never written.
  using Chunks = std::vector<std::vector<std::uint8_t>>;

  // The whole file, chunks stored in index order: the same chunks give the same bytes,
  // whatever order they arrived in.
  static std::vector<std::uint8_t> encode(const Chunks& chunks);

  // A shard file opened through its index, which is checked against the file's size and its
  // checksum: a file cut short or damaged throws FileError naming it ("shard cut short: …").
  // Every entry is both 2⁶⁴ − 1 (never written) or neither, lies inside the data before the
  // index, and is at most maxChunkBytes long (what one encoded chunk can take), so reading
  // never allocates more than a chunk.
  static ZarrShard open(const std::filesystem::path& file, std::size_t chunkCount,
                        std::uint64_t maxChunkBytes = kEmpty);

  bool has(std::size_t chunk) const { return entries_.at(chunk).size != kEmpty; }
  // The encoded bytes of one inner chunk; empty when never written.
  std::vector<std::uint8_t> read(std::size_t chunk) const;
  // Every chunk, for rewriting the shard with one changed.
  Chunks readAll() const;

  static constexpr std::uint64_t kEmpty = ~std::uint64_t(0);
  static std::size_t indexBytes(std::size_t chunkCount) { return chunkCount * 16 + 4; }

 private:
  struct Entry {
    std::uint64_t offset = kEmpty, size = kEmpty;
  };
  std::filesystem::path file_;
  std::vector<Entry> entries_;
};

}  // namespace teramind
