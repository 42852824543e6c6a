#include "io/ParquetEncodings.h"

#include <algorithm>
#include <cstring>

#include "io/ParquetBytes.h"

namespace teramind::parquet {

void encodingFail(const std::string& problem) {
  throw ParquetEncodingError(problem);
}

namespace {

std::string count(std::size_t n) {
  return std::to_string(n);
}

// Reads bytes in order with bounds checks.
class Cursor {
 public:
  explicit Cursor(ByteSpan in) : in_(in) {}
  std::size_t position() const { return position_; }
  std::size_t left() const { return in_.size - position_; }
  const std::uint8_t* here() const { return in_.data + position_; }
  void need(std::size_t bytes, const char* what) const {
    if (bytes > left())
      encodingFail(std::string(what) + " needs " + count(bytes) + " bytes, " + count(left()) +
                   " left");
  }
  void advance(std::size_t bytes) { position_ += bytes; }
  std::uint8_t byte(const char* what) {
    need(1, what);
    return in_.data[position_++];
  }
  std::uint64_t varint(const char* what) {
    const auto value = decodeVarint([&] { return byte(what); });
    if (!value) encodingFail(std::string(what) + ": varint longer than 10 bytes");
    return *value;
  }
  std::int64_t zigzag(const char* what) { return zigzagDecode(varint(what)); }
  std::uint32_t le32(const char* what) {
    need(4, what);
    const std::uint32_t value = loadLe32(here());
    position_ += 4;
    return value;
  }

 private:
  ByteSpan in_;
  std::size_t position_ = 0;
};

// Value `index` of `width` bits (at most 64), packed least significant bit first, from `data`
// (which holds at least (index + 1) * width bits).
std::uint64_t unpackOne(const std::uint8_t* data, std::size_t dataBytes, std::size_t index,
                        int width) {
  if (width == 0) return 0;
  const std::size_t bit = index * std::size_t(width);
  const std::size_t first = bit / 8;
  const int shift = int(bit % 8);
  if (width + shift <= 64) {
    std::uint64_t window = 0;
    const std::size_t bytes = std::min<std::size_t>(8, dataBytes - first);
    for (std::size_t i = 0; i < bytes; ++i) window |= std::uint64_t(data[first + i]) << (8 * i);
    window >>= shift;
    return width == 64 ? window : window & ((std::uint64_t(1) << width) - 1);
  }
  std::uint64_t value = 0;
  for (int i = 0; i < width; ++i) {
    const std::size_t b = bit + std::size_t(i);
    value |= std::uint64_t((data[b / 8] >> (b % 8)) & 1) << i;
  }
  return value;
}

}  // namespace

ByteSpan ByteSpan::tail(std::size_t from) const {
  if (from > size)
    encodingFail("data ends at byte " + count(size) + ", before byte " + count(from));
  return {data + from, size - from};
}

std::size_t decodeRleHybrid(ByteSpan in, int bitWidth, std::size_t n, std::uint32_t* out) {
  if (bitWidth < 0 || bitWidth > 32)
    encodingFail("bit width " + std::to_string(bitWidth) + " over 32");
  Cursor c(in);
  const std::size_t valueBytes = std::size_t(bitWidth + 7) / 8;
  std::size_t done = 0;
  while (done < n) {
    const std::uint64_t header = c.varint("an RLE/bit-packed run header");
    if (header & 1) {
      const std::uint64_t groups = header >> 1;
      if (bitWidth > 0 && groups > c.left())
        encodingFail("a bit-packed run of " + std::to_string(groups) +
                     " groups is longer than its data");
      const std::size_t bytes = std::size_t(groups) * std::size_t(bitWidth);
      c.need(bytes, "a bit-packed run");
      const std::size_t take =
          std::size_t(std::min<std::uint64_t>(groups * 8, std::uint64_t(n - done)));
      for (std::size_t i = 0; i < take; ++i)
        out[done + i] = std::uint32_t(unpackOne(c.here(), bytes, i, bitWidth));
      done += take;
      c.advance(bytes);
    } else {
      const std::uint64_t run = header >> 1;
      c.need(valueBytes, "an RLE run's value");
      std::uint64_t value = 0;
      for (std::size_t i = 0; i < valueBytes; ++i) value |= std::uint64_t(c.here()[i]) << (8 * i);
      c.advance(valueBytes);
      if (bitWidth < 32 && value >> bitWidth)
        encodingFail("an RLE run's value " + std::to_string(value) + " does not fit " +
                     std::to_string(bitWidth) + " bits");
      const std::size_t take = std::size_t(std::min<std::uint64_t>(run, std::uint64_t(n - done)));
      std::fill(out + done, out + done + take, std::uint32_t(value));
      done += take;
    }
  }
  return c.position();
}

std::size_t decodeRleHybridWithLength(ByteSpan in, int bitWidth, std::size_t n,
                                      std::uint32_t* out) {
  Cursor c(in);
  const std::uint32_t length = c.le32("an RLE length prefix");
  c.need(length, "RLE data");
  decodeRleHybrid({c.here(), length}, bitWidth, n, out);
  return 4 + std::size_t(length);
}

std::size_t decodeDeltaBinaryPacked(ByteSpan in, std::size_t n, std::int64_t* out) {
  Cursor c(in);
  const std::uint64_t blockSize = c.varint("a DELTA_BINARY_PACKED header");
  const std::uint64_t miniblocks = c.varint("a DELTA_BINARY_PACKED header");
  const std::uint64_t total = c.varint("a DELTA_BINARY_PACKED header");
  std::int64_t first = c.zigzag("a DELTA_BINARY_PACKED header");
  if (blockSize == 0 || blockSize % 128 != 0 || blockSize > (1u << 20))
    encodingFail("DELTA_BINARY_PACKED block size " + std::to_string(blockSize) +
                 " is not a multiple of 128 up to 2^20");
  if (miniblocks == 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0)
    encodingFail("DELTA_BINARY_PACKED has " + std::to_string(miniblocks) +
                 " miniblocks in blocks of " + std::to_string(blockSize));
  if (total != n)
    encodingFail("DELTA_BINARY_PACKED holds " + std::to_string(total) + " values, expected " +
                 count(n));
  if (n == 0) return c.position();
  const std::size_t perMiniblock = std::size_t(blockSize / miniblocks);
  std::uint64_t previous = static_cast<std::uint64_t>(first);
  out[0] = first;
  std::size_t done = 1;
  while (done < n) {
    const std::uint64_t minDelta =
        static_cast<std::uint64_t>(c.zigzag("a DELTA_BINARY_PACKED block header"));
    c.need(std::size_t(miniblocks), "DELTA_BINARY_PACKED bit widths");
    const std::uint8_t* widths = c.here();
    c.advance(std::size_t(miniblocks));
    for (std::size_t m = 0; m < miniblocks && done < n; ++m) {
      const int width = widths[m];
      if (width > 64)
        encodingFail("DELTA_BINARY_PACKED bit width " + std::to_string(width) + " over 64");
      const std::size_t bytes = perMiniblock * std::size_t(width) / 8;
      c.need(bytes, "a DELTA_BINARY_PACKED miniblock");
      const std::size_t take = std::min(perMiniblock, n - done);
      for (std::size_t i = 0; i < take; ++i) {
        // Unsigned arithmetic: deltas wrap as the spec says.
        previous += minDelta + unpackOne(c.here(), bytes, i, width);
        out[done + i] = static_cast<std::int64_t>(previous);
      }
      done += take;
      c.advance(bytes);
    }
  }
  return c.position();
}

namespace {

void take(std::uint64_t& budget, std::size_t bytes) {
  if (bytes > budget) encodingFail("strings total more than the reader's limit");
  budget -= bytes;
}

}  // namespace

std::size_t decodePlainByteArrays(ByteSpan in, std::size_t n, std::vector<std::string>& out,
                                  std::uint64_t& budget) {
  Cursor c(in);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t length = c.le32("a BYTE_ARRAY length");
    c.need(length, "a BYTE_ARRAY value");
    take(budget, length);
    out.emplace_back(reinterpret_cast<const char*>(c.here()), length);
    c.advance(length);
  }
  return c.position();
}

std::size_t decodeDeltaLengthByteArrays(ByteSpan in, std::size_t n, std::vector<std::string>& out,
                                        std::uint64_t& budget) {
  std::vector<std::int64_t> lengths(n);
  std::size_t position = decodeDeltaBinaryPacked(in, n, lengths.data());
  Cursor c(in.tail(position));
  for (std::size_t i = 0; i < n; ++i) {
    if (lengths[i] < 0) encodingFail("a DELTA_LENGTH_BYTE_ARRAY length is negative");
    const std::size_t length = std::size_t(lengths[i]);
    c.need(length, "a DELTA_LENGTH_BYTE_ARRAY value");
    take(budget, length);
    out.emplace_back(reinterpret_cast<const char*>(c.here()), length);
    c.advance(length);
  }
  return position + c.position();
}

std::size_t decodeDeltaByteArrays(ByteSpan in, std::size_t n, std::vector<std::string>& out,
                                  std::uint64_t& budget) {
  std::vector<std::int64_t> prefixes(n);
  const std::size_t position = decodeDeltaBinaryPacked(in, n, prefixes.data());
  std::vector<std::string> suffixes;
  suffixes.reserve(n);
  std::uint64_t suffixBudget = budget;
  const std::size_t used =
      decodeDeltaLengthByteArrays(in.tail(position), n, suffixes, suffixBudget);
  const std::string* previous = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t prefix = prefixes[i];
    const std::size_t previousSize = previous ? previous->size() : 0;
    if (prefix < 0 || std::size_t(prefix) > previousSize)
      encodingFail("a DELTA_BYTE_ARRAY prefix of " + std::to_string(prefix) +
                   " bytes is longer than the value before it");
    take(budget, std::size_t(prefix) + suffixes[i].size());
    std::string value = previous ? previous->substr(0, std::size_t(prefix)) : std::string();
    value += suffixes[i];
    out.push_back(std::move(value));
    previous = &out.back();
  }
  return position + used;
}

void decodeByteStreamSplit(ByteSpan in, std::size_t n, std::size_t width, std::uint8_t* out) {
  if (width == 0 || n > in.size / width)
    encodingFail("BYTE_STREAM_SPLIT data of " + count(in.size) + " bytes does not hold " +
                 count(n) + " values of " + count(width) + " bytes");
  for (std::size_t k = 0; k < width; ++k)
    for (std::size_t i = 0; i < n; ++i) out[i * width + k] = in.data[k * n + i];
}

}  // namespace teramind::parquet
