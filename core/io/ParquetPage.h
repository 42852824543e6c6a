#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ParquetPage.h is private to teramind_io (the Parquet reader)"
#endif

// Private to the Parquet reader: a page's header (parquet.thrift's PageHeader with its data,
// dictionary or data v2 header), as far as a flat reader needs it.

#include <cstdint>
#include <optional>
#include <string>

#include "io/ThriftCompactReader.h"

namespace teramind::parquet {

// Parquet's enumerations (parquet.thrift).
enum PageType { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 };
enum Encoding {
  Plain = 0,
  PlainDictionary = 2,
  Rle = 3,
  BitPacked = 4,
  DeltaBinaryPacked = 5,
  DeltaLengthByteArray = 6,
  DeltaByteArray = 7,
  RleDictionary = 8,
  ByteStreamSplit = 9
};

// "PLAIN", "RLE_DICTIONARY", … or "encoding 42".
std::string encodingName(std::int32_t encoding);

struct PageHeader {
  std::int32_t type = -1;
  std::int32_t uncompressedBytes = -1;
  std::int32_t compressedBytes = -1;
  std::optional<std::int32_t> crc;
  std::int32_t numValues = -1;
  std::int32_t encoding = -1;
  std::int32_t definitionEncoding = Rle;
  // Data page v2.
  std::int32_t numNulls = 0;
  std::int32_t definitionBytes = 0;
  std::int32_t repetitionBytes = 0;
  bool valuesCompressed = true;
  bool hasTypeHeader = false;
};

// Reads one page header; ThriftError when it is damaged.
PageHeader readPageHeader(ThriftCompactReader& t);

}  // namespace teramind::parquet
