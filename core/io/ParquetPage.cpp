#include "io/ParquetPage.h"

namespace teramind::parquet {

using Thrift = ThriftCompactReader;

std::string encodingName(std::int32_t encoding) {
  switch (encoding) {
    case Plain:
      return "PLAIN";
    case PlainDictionary:
      return "PLAIN_DICTIONARY";
    case Rle:
      return "RLE";
    case BitPacked:
      return "BIT_PACKED";
    case DeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case DeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case DeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case RleDictionary:
      return "RLE_DICTIONARY";
    case ByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
    default:
      return "encoding " + std::to_string(encoding);
  }
}

PageHeader readPageHeader(Thrift& t) {
  PageHeader h;
  // A page-type header (fields 5, 7, 8) is read only under a page of its type, else skipped.
  const auto typeHeader = [&](const Thrift::Field& f, std::int32_t pageType, auto readField) {
    if (h.type != pageType) return false;
    expectStruct(t, f.type);
    h.hasTypeHeader = true;
    readStruct(t, readField);
    return true;
  };
  // Fields 1 and 2 of DataPageHeader and DictionaryPageHeader.
  const auto valuesAndEncoding = [&](const Thrift::Field& d) {
    if (d.id == 1)
      h.numValues = t.readI32(d);
    else if (d.id == 2)
      h.encoding = t.readI32(d);
    else
      return false;
    return true;
  };
  readStruct(t, [&](const Thrift::Field& f) {
    switch (f.id) {
      case 1:
        h.type = t.readI32(f);
        return true;
      case 2:
        h.uncompressedBytes = t.readI32(f);
        return true;
      case 3:
        h.compressedBytes = t.readI32(f);
        return true;
      case 4:
        h.crc = t.readI32(f);
        return true;
      case 5:  // DataPageHeader
        return typeHeader(f, DataPage, [&](const Thrift::Field& d) {
          if (d.id != 3) return valuesAndEncoding(d);
          h.definitionEncoding = t.readI32(d);
          return true;
        });
      case 7:  // DictionaryPageHeader
        return typeHeader(f, DictionaryPage, valuesAndEncoding);
      case 8:  // DataPageHeaderV2
        return typeHeader(f, DataPageV2, [&](const Thrift::Field& d) {
          switch (d.id) {
            case 1:
              h.numValues = t.readI32(d);
              return true;
            case 2:
              h.numNulls = t.readI32(d);
              return true;
            case 4:
              h.encoding = t.readI32(d);
              return true;
            case 5:
              h.definitionBytes = t.readI32(d);
              return true;
            case 6:
              h.repetitionBytes = t.readI32(d);
              return true;
            case 7:
              h.valuesCompressed = t.readBool(d);
              return true;
            default:
              return false;
          }
        });
      default:
        return false;
    }
  });
  return h;
}

}  // namespace teramind::parquet
