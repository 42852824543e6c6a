#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ParquetBytes.h is private to teramind_io (the Parquet reader)"
#endif

// Private to the Parquet reader: the byte-level decoding its Thrift footer, page headers and
// page encodings share (little-endian words, ULEB128 varints, zigzag).

#include <cstdint>
#include <optional>

namespace teramind::parquet {

inline std::uint32_t loadLe32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
         std::uint32_t(p[3]) << 24;
}

inline std::uint64_t loadLe64(const std::uint8_t* p) {
  return std::uint64_t(loadLe32(p)) | std::uint64_t(loadLe32(p + 4)) << 32;
}

inline std::int64_t zigzagDecode(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// A ULEB128 varint from `nextByte()` (which checks bounds and throws at the end of the data);
// nullopt when it runs past 10 bytes.
template <typename NextByte>
std::optional<std::uint64_t> decodeVarint(NextByte nextByte) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const std::uint8_t b = nextByte();
    value |= std::uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) return value;
  }
  return std::nullopt;
}

}  // namespace teramind::parquet
