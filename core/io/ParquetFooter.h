#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ParquetFooter.h is private to teramind_io (the Parquet reader)"
#endif

// Private to the Parquet reader: the footer (parquet.thrift's FileMetaData) as far as a flat
// reader needs it. Lists are capped by length before their elements are kept, so a footer's
// memory stays a small multiple of its bytes.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/ThriftCompactReader.h"

namespace teramind::parquet {

struct SchemaElement {
  std::optional<std::int32_t> type;
  std::int32_t typeLength = 0;
  std::optional<std::int32_t> repetition;  // 0 required, 1 optional, 2 repeated
  std::string name;
  std::int32_t numChildren = 0;
  std::optional<std::int32_t> convertedType;
  std::int32_t scale = 0;
  std::optional<int> logicalType;  // the LogicalType union's field id
  bool logicalUnsigned = false;
};

struct ColumnMeta {
  std::int32_t type = -1;
  std::vector<std::string> path;
  std::int32_t codec = 0;
  std::int64_t numValues = -1;
  std::int64_t compressedBytes = -1;
  std::int64_t dataPageOffset = -1;
  std::optional<std::int64_t> dictionaryPageOffset;
};

struct ColumnChunkMeta {
  bool external = false;   // file_path: the data lies in another file
  bool encrypted = false;  // crypto_metadata or encrypted_column_metadata
  std::optional<ColumnMeta> meta;
};

struct RowGroupMeta {
  std::vector<ColumnChunkMeta> columns;
  std::int64_t rows = -1;
};

struct FileMeta {
  std::vector<SchemaElement> schema;
  std::int64_t rows = -1;
  std::vector<RowGroupMeta> rowGroups;
};

// A footer list longer than the reader keeps (not damage: a limit).
class FooterLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads the footer; ThriftError when it is damaged, FooterLimitError when a list is longer
// than the reader keeps.
FileMeta readFileMeta(ThriftCompactReader& t);

}  // namespace teramind::parquet
