#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ParquetCodecs.h is private to teramind_io (the Parquet reader)"
#endif

// Private to the Parquet reader: page decompression. A page must decompress to exactly the size
// its header states; anything else (a damaged stream, fewer or more bytes) is a
// ParquetEncodingError.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/ParquetEncodings.h"

namespace teramind::parquet {

// Parquet's CompressionCodec numbers.
enum class Codec : std::int32_t {
  Uncompressed = 0,
  Snappy = 1,
  Gzip = 2,
  Lzo = 3,
  Brotli = 4,
  Lz4 = 5,
  Zstd = 6,
  Lz4Raw = 7
};

// "SNAPPY", "LZ4_RAW", … or "codec 42".
std::string codecName(std::int32_t codec);
bool codecSupported(std::int32_t codec);

// Decompresses `in` (one page's compressed bytes) into exactly `uncompressedSize` bytes.
std::vector<std::uint8_t> decompressPage(Codec codec, ByteSpan in, std::size_t uncompressedSize);

}  // namespace teramind::parquet
