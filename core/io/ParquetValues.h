#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ParquetValues.h is private to teramind_io (the Parquet reader)"
#endif

// Private to the Parquet reader: a page's values decoded from their encoding (PLAIN,
// dictionary, RLE, delta, byte stream split) into integers, reals or byte strings.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "io/ParquetEncodings.h"
#include "io/ParquetFile.h"

namespace teramind::parquet {

// "INT32", "BYTE_ARRAY", …
const char* typeName(ParquetFile::PhysicalType type);

// The three ways values are held while a chunk is decoded.
enum class ValueKind { Integer, Real, Bytes };

inline ValueKind kindOf(ParquetFile::PhysicalType type) {
  switch (type) {
    case ParquetFile::PhysicalType::Boolean:
    case ParquetFile::PhysicalType::Int32:
    case ParquetFile::PhysicalType::Int64:
      return ValueKind::Integer;
    case ParquetFile::PhysicalType::Float:
    case ParquetFile::PhysicalType::Double:
      return ValueKind::Real;
    default:
      return ValueKind::Bytes;
  }
}

// Values of one kind: a page's non-null values, or a dictionary.
struct Values {
  std::vector<std::int64_t> integers;
  std::vector<double> reals;
  std::vector<std::string> bytes;
  std::size_t size(ValueKind kind) const {
    return kind == ValueKind::Integer ? integers.size()
           : kind == ValueKind::Real  ? reals.size()
                                      : bytes.size();
  }
};

struct ValueCoding {
  ParquetFile::PhysicalType type;
  std::size_t typeLength;  // FIXED_LEN_BYTE_ARRAY
  bool isUnsigned;
};

// Decodes `n` non-null values of `encoding` from `in` (the rest of a page) into `out`;
// `dictionary` for the dictionary encodings. `budget` is the memory the values may still
// take (string bytes are charged against it). ParquetEncodingError when the bytes cannot
// hold what they claim.
void decodeValues(ByteSpan in, std::int32_t encoding, std::size_t n, const ValueCoding& c,
                  const Values* dictionary, Values& out, std::uint64_t& budget);

// A DECIMAL's unscaled integer with its scale's decimal point: exact, unlike a double
// (1.23 at scale 2 stays "1.23", not "1.2300000000000002").
std::string decimalText(std::int64_t unscaled, int scale);

}  // namespace teramind::parquet
