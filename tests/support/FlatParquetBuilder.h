#pragma once

// Small flat Parquet files built byte by byte for tests: one row group, each column required,
// PLAIN, one uncompressed data page v1. For readers' tests that need a column type the node
// writers do not give (INT64 ids above 2^53) or an exact byte layout.

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "support/ThriftCompactWriter.h"

namespace teramind::test {

// A column: its name, parquet.thrift physical type and each value's PLAIN bytes.
struct FlatParquetColumn {
  enum Type { Int32 = 1, Int64 = 2, Double = 5, ByteArray = 6 };
  std::string name;
  Type type = Int64;
  std::vector<std::string> values;
  bool isString = false;  // BYTE_ARRAY annotated UTF8
};

inline std::string plainInt64(std::int64_t v) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += char((std::uint64_t(v) >> (8 * i)) & 0xFF);
  return out;
}

inline std::string plainDouble(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return plainInt64(std::int64_t(bits));
}

inline std::string plainString(const std::string& s) {
  std::string out;
  for (int i = 0; i < 4; ++i) out += char((s.size() >> (8 * i)) & 0xFF);
  return out + s;
}

// The file's bytes; every column must hold the same number of values.
inline std::string flatParquet(const std::vector<FlatParquetColumn>& columns) {
  const std::int64_t rows = columns.empty() ? 0 : std::int64_t(columns[0].values.size());
  std::string body = "PAR1";
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks;  // offset, bytes
  for (const FlatParquetColumn& c : columns) {
    std::string data;
    for (const std::string& v : c.values) data += v;
    ThriftCompactWriter h;
    h.i32(1, 0);  // DATA_PAGE
    h.i32(2, std::int64_t(data.size()));
    h.i32(3, std::int64_t(data.size()));
    h.beginStruct(5);
    h.i32(1, std::int64_t(c.values.size()));
    h.i32(2, 0);  // PLAIN
    h.i32(3, 3), h.i32(4, 3);
    h.end();
    h.end();
    chunks.emplace_back(std::int64_t(body.size()), std::int64_t(h.bytes.size() + data.size()));
    body += h.bytes + data;
  }
  ThriftCompactWriter f;
  f.i32(1, 1);
  f.list(2, 12, columns.size() + 1);
  f.beginElement(), f.binary(4, "schema"), f.i32(5, std::int64_t(columns.size())), f.end();
  for (const FlatParquetColumn& c : columns) {
    f.beginElement(), f.i32(1, c.type), f.i32(3, 0), f.binary(4, c.name);
    if (c.isString) f.i32(6, 0);
    f.end();
  }
  f.i64(3, rows);
  f.list(4, 12, 1);
  f.beginElement();
  f.list(1, 12, columns.size());
  std::int64_t total = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    f.beginElement();
    f.i64(2, chunks[i].first);
    f.beginStruct(3);
    f.i32(1, columns[i].type);
    f.list(2, 5, 1), f.zigzag(0);
    f.list(3, 8, 1), f.rawBinary(columns[i].name);
    f.i32(4, 0);
    f.i64(5, rows);
    f.i64(6, chunks[i].second);
    f.i64(7, chunks[i].second);
    f.i64(9, chunks[i].first);
    f.end();  // ColumnMetaData
    f.end();  // ColumnChunk
    total += chunks[i].second;
  }
  f.i64(2, total);
  f.i64(3, rows);
  f.end();          // RowGroup
  f.bytes += '\0';  // FileMetaData's stop
  std::string length(4, '\0');
  for (int i = 0; i < 4; ++i) length[std::size_t(i)] = char((f.bytes.size() >> (8 * i)) & 0xFF);
  return body + f.bytes + length + "PAR1";
}

}  // namespace teramind::test
