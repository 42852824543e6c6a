#pragma once

// The Thrift compact protocol written by hand, for tests that build Parquet footers and page
// headers byte by byte (FlatParquetBuilder.h, ParquetFileTest's damaged files).

#include <cstdint>
#include <string>
#include <vector>

namespace teramind::test {

// Thrift compact protocol, as much as a Parquet footer needs.
class ThriftCompactWriter {
 public:
  std::string bytes;
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      bytes += char((v & 0x7F) | 0x80);
      v >>= 7;
    }
    bytes += char(v);
  }
  void zigzag(std::int64_t v) { varint((std::uint64_t(v) << 1) ^ std::uint64_t(v >> 63)); }
  void field(std::int16_t id, std::uint8_t type) {
    const int delta = id - last_.back();
    if (delta > 0 && delta <= 15) {
      bytes += char(delta << 4 | type);
    } else {
      bytes += char(type);
      zigzag(id);
    }
    last_.back() = id;
  }
  void i32(std::int16_t id, std::int64_t v) { field(id, 5), zigzag(v); }
  void i64(std::int16_t id, std::int64_t v) { field(id, 6), zigzag(v); }
  void binary(std::int16_t id, const std::string& s) { field(id, 8), rawBinary(s); }
  void rawBinary(const std::string& s) { varint(s.size()), bytes += s; }
  void list(std::int16_t id, std::uint8_t elementType, std::size_t n) {
    field(id, 9);
    bytes += char((n < 15 ? n : 15) << 4 | elementType);
    if (n >= 15) varint(n);
  }
  void beginStruct(std::int16_t id) { field(id, 12), last_.push_back(0); }
  void beginElement() { last_.push_back(0); }  // a struct in a list
  void end() { bytes += '\0', last_.pop_back(); }

 private:
  std::vector<std::int16_t> last_{0};
};

}  // namespace teramind::test
