#include "io/ParquetFooter.h"

#include <algorithm>

namespace teramind::parquet {

namespace {

// An element can take one footer byte but ~100 bytes of memory, so the footer's list lengths
// are capped before anything is kept.
constexpr std::size_t kMaxNameBytes = 1 << 16;
constexpr std::size_t kMaxSchemaElements = 100000;
constexpr std::size_t kMaxRowGroups = std::size_t(1) << 20;
constexpr std::size_t kMaxColumnChunks = std::size_t(1) << 21;  // over all row groups
constexpr std::size_t kMaxPathElements = 16;

using Thrift = ThriftCompactReader;

// Reads a list of at most `limit` elements (`what` names them in the refusal).
template <typename OnElement>
void readList(Thrift& t, const Thrift::Field& f, std::size_t limit, const char* what,
              OnElement onElement) {
  const auto list = t.readListHeader(f);
  if (list.size > limit)
    throw FooterLimitError(std::to_string(list.size) + " " + what + " (at byte " +
                           std::to_string(t.position()) + ") are over the reader's limit of " +
                           std::to_string(limit));
  for (std::size_t i = 0; i < list.size; ++i) onElement(list.elementType);
}

SchemaElement readSchemaElement(Thrift& t) {
  SchemaElement e;
  readStruct(t, [&](const Thrift::Field& f) {
    switch (f.id) {
      case 1:
        e.type = t.readI32(f);
        return true;
      case 2:
        e.typeLength = t.readI32(f);
        return true;
      case 3:
        e.repetition = t.readI32(f);
        return true;
      case 4:
        e.name = t.readBinary(f, kMaxNameBytes);
        return true;
      case 5:
        e.numChildren = t.readI32(f);
        return true;
      case 6:
        e.convertedType = t.readI32(f);
        return true;
      case 7:
        e.scale = t.readI32(f);
        return true;
      case 10:
        expectStruct(t, f.type);
        readStruct(t, [&](const Thrift::Field& member) {
          e.logicalType = member.id;
          if (member.id == 10 && member.type == Thrift::Struct) {  // INTEGER: bitWidth, isSigned
            readStruct(t, [&](const Thrift::Field& g) {
              if (g.id != 2) return false;
              e.logicalUnsigned = !t.readBool(g);
              return true;
            });
            return true;
          }
          return false;
        });
        return true;
      default:
        return false;
    }
  });
  return e;
}

ColumnMeta readColumnMeta(Thrift& t) {
  ColumnMeta m;
  readStruct(t, [&](const Thrift::Field& f) {
    switch (f.id) {
      case 1:
        m.type = t.readI32(f);
        return true;
      case 3:
        readList(t, f, kMaxPathElements, "path elements", [&](std::uint8_t type) {
          m.path.push_back(t.readBinaryElement(type, kMaxNameBytes));
        });
        return true;
      case 4:
        m.codec = t.readI32(f);
        return true;
      case 5:
        m.numValues = t.readInteger(f);
        return true;
      case 7:
        m.compressedBytes = t.readInteger(f);
        return true;
      case 9:
        m.dataPageOffset = t.readInteger(f);
        return true;
      case 11:
        m.dictionaryPageOffset = t.readInteger(f);
        return true;
      default:
        return false;
    }
  });
  return m;
}

}  // namespace

FileMeta readFileMeta(Thrift& t) {
  FileMeta meta;
  std::size_t chunksLeft = kMaxColumnChunks;
  readStruct(t, [&](const Thrift::Field& f) {
    switch (f.id) {
      case 2:
        meta.schema.clear();  // a repeated field replaces, so memory stays bounded
        readList(t, f, kMaxSchemaElements, "schema elements", [&](std::uint8_t type) {
          expectStruct(t, type);
          meta.schema.push_back(readSchemaElement(t));
        });
        return true;
      case 3:
        meta.rows = t.readInteger(f);
        return true;
      case 4:
        meta.rowGroups.clear();
        chunksLeft = kMaxColumnChunks;
        readList(t, f, kMaxRowGroups, "row groups", [&](std::uint8_t type) {
          expectStruct(t, type);
          RowGroupMeta group;
          readStruct(t, [&](const Thrift::Field& g) {
            if (g.id == 1) {
              // A row group has a chunk per column; writers put the schema first.
              const std::size_t columns =
                  meta.schema.empty() ? kMaxSchemaElements : meta.schema.size() - 1;
              readList(t, g, std::min(columns, chunksLeft), "column chunks",
                       [&](std::uint8_t chunkType) {
                         expectStruct(t, chunkType);
                         ColumnChunkMeta chunk;
                         readStruct(t, [&](const Thrift::Field& c) {
                           if (c.id == 1) chunk.external = true;
                           if (c.id == 8 || c.id == 9) chunk.encrypted = true;
                           if (c.id != 3) return false;
                           expectStruct(t, c.type);
                           chunk.meta = readColumnMeta(t);
                           return true;
                         });
                         group.columns.push_back(std::move(chunk));
                       });
              chunksLeft -= group.columns.size();
              return true;
            }
            if (g.id == 3) {
              group.rows = t.readInteger(g);
              return true;
            }
            return false;
          });
          meta.rowGroups.push_back(std::move(group));
        });
        return true;
      default:
        return false;
    }
  });
  return meta;
}

}  // namespace teramind::parquet
