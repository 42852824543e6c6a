#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ParquetEncodings.h is private to teramind_io (the Parquet reader)"
#endif

// Private to the Parquet reader: the value and level encodings of Parquet pages, on bytes in
// memory. Each decoder produces exactly the number of values asked for, checks every read
// against the bytes it was given, and throws ParquetEncodingError (without the file or page:
// the caller adds them) when the bytes cannot hold what they claim.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace teramind::parquet {

class ParquetEncodingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ParquetEncodingError: the one way the page decoders and codecs report damage.
[[noreturn]] void encodingFail(const std::string& problem);

struct ByteSpan {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  ByteSpan tail(std::size_t from) const;  // the bytes from `from` on (checked)
};

// The RLE / bit-packing hybrid (levels, dictionary indices, RLE booleans) of `bitWidth`
// (0..32) bits a value, without a length prefix. Returns the bytes consumed.
std::size_t decodeRleHybrid(ByteSpan in, int bitWidth, std::size_t count, std::uint32_t* out);

// The same, with the 4-byte little-endian length prefix page v1 levels and RLE booleans carry.
// Returns the bytes consumed, prefix included.
std::size_t decodeRleHybridWithLength(ByteSpan in, int bitWidth, std::size_t count,
                                      std::uint32_t* out);

// DELTA_BINARY_PACKED; the header's value count must be `count`. 32-bit columns wrap as
// 32-bit arithmetic would once truncated. Returns the bytes consumed.
std::size_t decodeDeltaBinaryPacked(ByteSpan in, std::size_t count, std::int64_t* out);

// PLAIN BYTE_ARRAY values (4-byte length, bytes). Returns the bytes consumed. `budget` is
// what the strings may still total; it is reduced by what they take.
std::size_t decodePlainByteArrays(ByteSpan in, std::size_t count, std::vector<std::string>& out,
                                  std::uint64_t& budget);

// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (strings), appended to `out`.
std::size_t decodeDeltaLengthByteArrays(ByteSpan in, std::size_t count,
                                        std::vector<std::string>& out, std::uint64_t& budget);
std::size_t decodeDeltaByteArrays(ByteSpan in, std::size_t count, std::vector<std::string>& out,
                                  std::uint64_t& budget);

// BYTE_STREAM_SPLIT: `count` values of `width` bytes, interleaved back into `out`.
void decodeByteStreamSplit(ByteSpan in, std::size_t count, std::size_t width, std::uint8_t* out);

}  // namespace teramind::parquet
