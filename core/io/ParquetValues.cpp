#include "io/ParquetValues.h"

#include <cstring>

#include "io/ParquetBytes.h"
#include "io/ParquetPage.h"

namespace teramind::parquet {

const char* typeName(ParquetFile::PhysicalType type) {
  switch (type) {
    case ParquetFile::PhysicalType::Boolean:
      return "BOOLEAN";
    case ParquetFile::PhysicalType::Int32:
      return "INT32";
    case ParquetFile::PhysicalType::Int64:
      return "INT64";
    case ParquetFile::PhysicalType::Int96:
      return "INT96";
    case ParquetFile::PhysicalType::Float:
      return "FLOAT";
    case ParquetFile::PhysicalType::Double:
      return "DOUBLE";
    case ParquetFile::PhysicalType::ByteArray:
      return "BYTE_ARRAY";
    case ParquetFile::PhysicalType::FixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "?";
}

namespace {

void needBytes(ByteSpan in, std::size_t n, std::size_t width, const char* what) {
  if (width != 0 && n > in.size / width)
    encodingFail(std::string(what) + ": " + std::to_string(n) + " values need " +
                 std::to_string(n * width) + " bytes, the page has " + std::to_string(in.size));
}

// Fixed-width little-endian values (PLAIN, or BYTE_STREAM_SPLIT once interleaved back).
void appendFixed(const std::uint8_t* data, std::size_t n, const ValueCoding& c, Values& out,
                 std::uint64_t& budget) {
  using T = ParquetFile::PhysicalType;
  switch (c.type) {
    case T::Int32:
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t bits = parquet::loadLe32(data + 4 * i);
        out.integers.push_back(c.isUnsigned ? std::int64_t(bits)
                                            : std::int64_t(static_cast<std::int32_t>(bits)));
      }
      return;
    case T::Int64:
      for (std::size_t i = 0; i < n; ++i)
        out.integers.push_back(static_cast<std::int64_t>(parquet::loadLe64(data + 8 * i)));
      return;
    case T::Float:
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t bits = parquet::loadLe32(data + 4 * i);
        float v;
        std::memcpy(&v, &bits, sizeof v);
        out.reals.push_back(v);
      }
      return;
    case T::Double:
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t bits = parquet::loadLe64(data + 8 * i);
        double v;
        std::memcpy(&v, &bits, sizeof v);
        out.reals.push_back(v);
      }
      return;
    default: {
      const std::size_t width = c.type == T::Int96 ? 12 : c.typeLength;
      if (width * n > budget) encodingFail("strings total more than the reader's limit");
      budget -= width * n;
      for (std::size_t i = 0; i < n; ++i)
        out.bytes.emplace_back(reinterpret_cast<const char*>(data + width * i), width);
    }
  }
}

std::size_t fixedWidth(const ValueCoding& c) {
  using T = ParquetFile::PhysicalType;
  switch (c.type) {
    case T::Int32:
    case T::Float:
      return 4;
    case T::Int64:
    case T::Double:
      return 8;
    case T::Int96:
      return 12;
    case T::FixedLenByteArray:
      return c.typeLength;
    default:
      return 0;
  }
}

}  // namespace

void decodeValues(ByteSpan in, std::int32_t encoding, std::size_t n, const ValueCoding& c,
                  const Values* dictionary, Values& out, std::uint64_t& budget) {
  using T = ParquetFile::PhysicalType;
  const ValueKind kind = kindOf(c.type);
  switch (encoding) {
    case Plain:
      if (c.type == T::Boolean) {
        needBytes(in, (n + 7) / 8, 1, "PLAIN booleans");
        for (std::size_t i = 0; i < n; ++i) out.integers.push_back((in.data[i / 8] >> (i % 8)) & 1);
      } else if (c.type == T::ByteArray) {
        parquet::decodePlainByteArrays(in, n, out.bytes, budget);
      } else {
        needBytes(in, n, fixedWidth(c), "PLAIN values");
        appendFixed(in.data, n, c, out, budget);
      }
      return;
    case PlainDictionary:
    case RleDictionary: {
      if (!dictionary) encodingFail(encodingName(encoding) + " values without a dictionary page");
      if (in.size < 1) encodingFail("dictionary indices without their bit width");
      std::vector<std::uint32_t> indices(n);
      parquet::decodeRleHybrid(in.tail(1), in.data[0], n, indices.data());
      const std::size_t entries = dictionary->size(kind);
      for (std::size_t i = 0; i < n; ++i) {
        if (indices[i] >= entries)
          encodingFail("dictionary index " + std::to_string(indices[i]) + " (value " +
                       std::to_string(i) + ") is out of range: the dictionary has " +
                       std::to_string(entries) + " entries");
      }
      if (kind == ValueKind::Integer) {
        for (const std::uint32_t i : indices) out.integers.push_back(dictionary->integers[i]);
      } else if (kind == ValueKind::Real) {
        for (const std::uint32_t i : indices) out.reals.push_back(dictionary->reals[i]);
      } else {
        for (const std::uint32_t i : indices) {
          const std::string& value = dictionary->bytes[i];
          if (value.size() > budget) encodingFail("strings total more than the reader's limit");
          budget -= value.size();
          out.bytes.push_back(value);
        }
      }
      return;
    }
    case Rle: {
      if (c.type != T::Boolean) break;
      std::vector<std::uint32_t> bits(n);
      parquet::decodeRleHybridWithLength(in, 1, n, bits.data());
      for (const std::uint32_t b : bits) out.integers.push_back(b);
      return;
    }
    case DeltaBinaryPacked: {
      if (c.type != T::Int32 && c.type != T::Int64) break;
      std::vector<std::int64_t> values(n);
      parquet::decodeDeltaBinaryPacked(in, n, values.data());
      for (const std::int64_t v : values) {
        if (c.type == T::Int32) {
          const auto bits = static_cast<std::uint32_t>(v);
          out.integers.push_back(c.isUnsigned ? std::int64_t(bits)
                                              : std::int64_t(static_cast<std::int32_t>(bits)));
        } else {
          out.integers.push_back(v);
        }
      }
      return;
    }
    case DeltaLengthByteArray:
      if (c.type != T::ByteArray) break;
      parquet::decodeDeltaLengthByteArrays(in, n, out.bytes, budget);
      return;
    case DeltaByteArray: {
      if (c.type != T::ByteArray && c.type != T::FixedLenByteArray) break;
      const std::size_t before = out.bytes.size();
      parquet::decodeDeltaByteArrays(in, n, out.bytes, budget);
      if (c.type == T::FixedLenByteArray)
        for (std::size_t i = before; i < out.bytes.size(); ++i)
          if (out.bytes[i].size() != c.typeLength)
            encodingFail("a DELTA_BYTE_ARRAY value of " + std::to_string(out.bytes[i].size()) +
                         " bytes in a FIXED_LEN_BYTE_ARRAY(" + std::to_string(c.typeLength) +
                         ") column");
      return;
    }
    case ByteStreamSplit: {
      const std::size_t width = fixedWidth(c);
      if (width == 0) break;
      needBytes(in, n, width, "BYTE_STREAM_SPLIT values");
      std::vector<std::uint8_t> plain(n * width);
      parquet::decodeByteStreamSplit(in, n, width, plain.data());
      appendFixed(plain.data(), n, c, out, budget);
      return;
    }
    default:
      break;
  }
  encodingFail("encoding " + encodingName(encoding) + " of " + typeName(c.type) +
               " values is not supported");
}

std::string decimalText(std::int64_t unscaled, int scale) {
  const bool negative = unscaled < 0;
  // Negated as unsigned: INT64_MIN has no positive int64.
  const std::uint64_t magnitude =
      negative ? std::uint64_t(0) - static_cast<std::uint64_t>(unscaled) : std::uint64_t(unscaled);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= std::size_t(scale))
      digits.insert(0, std::size_t(scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - std::size_t(scale), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

}  // namespace teramind::parquet
