#include "io/ParquetFile.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include <fmt/format.h>
#include <zlib.h>

#include "common/FileError.h"
#include "common/NameList.h"
#include "io/ParquetBytes.h"
#include "io/ParquetCodecs.h"
#include "io/ParquetEncodings.h"
#include "io/ParquetFooter.h"
#include "io/ParquetPage.h"
#include "io/ParquetValues.h"
#include "io/ThriftCompactReader.h"

namespace teramind {

using namespace parquet;  // the reader's private parts
using Thrift = ThriftCompactReader;

namespace {

// Bounds that keep a damaged or hostile file from asking for unbounded memory.
constexpr std::uint64_t kMaxFooterBytes = std::uint64_t(64) << 20;
constexpr std::uint64_t kMaxPageBytes = std::uint64_t(1) << 30;
// One chunk's decoded values: each row charges its value's size (a std::string's header for
// strings, 8 bytes for numbers) and its temporaries (a level or dictionary index), and strings
// their bytes. An RLE run can claim millions of rows in a few bytes, so this is the cap.
constexpr std::uint64_t kMaxChunkMemory = std::uint64_t(2) << 30;
constexpr std::uint64_t kMaxRowsPerRowGroup = std::uint64_t(1) << 26;
// A row group of constant columns compresses to almost nothing; real tables take at least a
// byte a row. More rows than this per byte of file is a damaged count, not data.
constexpr std::uint64_t kMaxRowsPerFileByte = 64;
constexpr std::uint64_t kMinRowAllowance = 65536;
std::vector<std::uint8_t> readRange(const std::filesystem::path& file, std::uint64_t offset,
                                    std::uint64_t bytes, const std::string& what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw FileError(file, "cannot open for reading");
  std::vector<std::uint8_t> data(static_cast<std::size_t>(bytes));
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(bytes));
  if (!in || static_cast<std::uint64_t>(in.gcount()) != bytes)
    throw FileError(file, "cannot read " + what + " (bytes " + std::to_string(offset) + "-" +
                              std::to_string(offset + bytes) +
                              "): the file is shorter or unreadable");
  return data;
}

}  // namespace

// --- the file ---

ParquetFile::ParquetFile(const std::filesystem::path& file) : file_(file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  if (error) throw FileError(file, "cannot open: " + error.message());
  fileBytes_ = size;
  if (fileBytes_ < 12)
    throw FileError(file,
                    "is " + std::to_string(fileBytes_) +
                        " bytes, too short for Parquet (magic, footer, footer length, magic)");
  const auto head = readRange(file, 0, 4, "the leading magic");
  const auto tail = readRange(file, fileBytes_ - 8, 8, "the footer length and magic");
  if (std::memcmp(tail.data() + 4, "PARE", 4) == 0)
    throw FileError(file, "encrypted Parquet (PARE footer) is not supported");
  if (std::memcmp(head.data(), "PAR1", 4) != 0)
    throw FileError(file, "not a Parquet file: it does not start with PAR1");
  if (std::memcmp(tail.data() + 4, "PAR1", 4) != 0)
    throw FileError(file, "not a Parquet file or truncated: it does not end with PAR1 (byte " +
                              std::to_string(fileBytes_ - 4) + ")");
  const std::uint64_t footerBytes = parquet::loadLe32(tail.data());
  if (footerBytes > fileBytes_ - 12)
    throw FileError(file, "footer length " + std::to_string(footerBytes) + " (byte " +
                              std::to_string(fileBytes_ - 8) + ") is more than the file's " +
                              std::to_string(fileBytes_ - 12) + " bytes of data and footer");
  if (footerBytes > kMaxFooterBytes)
    throw FileError(file, "footer of " + std::to_string(footerBytes) +
                              " bytes is over the reader's limit of 64 MiB");
  const std::uint64_t footerStart = fileBytes_ - 8 - footerBytes;
  const auto footer = readRange(file, footerStart, footerBytes, "the footer");
  const std::string footerPlace = "footer (bytes " + std::to_string(footerStart) + "-" +
                                  std::to_string(footerStart + footerBytes) + "): ";

  FileMeta meta;
  try {
    Thrift t(footer.data(), footer.size());
    meta = readFileMeta(t);
  } catch (const ThriftError& e) {
    throw FileError(file, footerPlace + "damaged: " + e.what() + " of the footer");
  } catch (const FooterLimitError& e) {
    throw FileError(file, footerPlace + e.what());
  }

  // The schema: a root and its leaves, nothing nested or repeated.
  if (meta.schema.empty()) throw FileError(file, footerPlace + "no schema");
  const SchemaElement& root = meta.schema[0];
  if (root.numChildren < 0 || std::size_t(root.numChildren) + 1 != meta.schema.size()) {
    for (std::size_t i = 1; i < meta.schema.size(); ++i)
      if (meta.schema[i].numChildren > 0)
        throw FileError(file, "column '" + meta.schema[i].name +
                                  "' is nested (a group); only flat schemas are supported");
    throw FileError(file, footerPlace + "the schema's root has " +
                              std::to_string(root.numChildren) + " children but " +
                              std::to_string(meta.schema.size() - 1) + " elements follow");
  }
  for (std::size_t i = 1; i < meta.schema.size(); ++i) {
    const SchemaElement& e = meta.schema[i];
    if (e.numChildren > 0 || !e.type)
      throw FileError(
          file, "column '" + e.name + "' is nested (a group); only flat schemas are supported");
    if (e.repetition && *e.repetition == 2)
      throw FileError(
          file, "column '" + e.name + "' is repeated (a list); only flat schemas are supported");
    if (*e.type < 0 || *e.type > 7)
      throw FileError(file, footerPlace + "column '" + e.name + "' has unknown physical type " +
                                std::to_string(*e.type));
    Column column;
    column.name = e.name;
    column.type = static_cast<PhysicalType>(*e.type);
    column.optional = e.repetition && *e.repetition == 1;
    const int converted = e.convertedType.value_or(-1);
    const int logical = e.logicalType.value_or(-1);
    column.isString = column.type == PhysicalType::ByteArray &&
                      (converted == 0 || converted == 4 || converted == 19 || logical == 1 ||
                       logical == 4 || logical == 12);
    column.isUnsigned =
        (converted >= 11 && converted <= 14) || (logical == 10 && e.logicalUnsigned);
    ColumnCoding coding;
    coding.typeLength = e.typeLength;
    if (column.type == PhysicalType::FixedLenByteArray &&
        (e.typeLength <= 0 || e.typeLength > (1 << 20)))
      throw FileError(file, footerPlace + "column '" + e.name + "' is FIXED_LEN_BYTE_ARRAY of " +
                                std::to_string(e.typeLength) + " bytes");
    coding.decimal = (converted == 5 || logical == 5) &&
                     (column.type == PhysicalType::Int32 || column.type == PhysicalType::Int64);
    coding.scale = e.scale;
    if (coding.decimal && (e.scale < 0 || e.scale > 38))
      throw FileError(file, footerPlace + "column '" + e.name + "' has decimal scale " +
                                std::to_string(e.scale));
    columns_.push_back(std::move(column));
    codings_.push_back(coding);
  }

  // Row groups: every chunk inside the data part of the file, rows adding up.
  if (meta.rows < 0) throw FileError(file, footerPlace + "negative row count");
  rowCount_ = std::uint64_t(meta.rows);
  const std::uint64_t maxRows = kMaxRowsPerFileByte * fileBytes_ + kMinRowAllowance;
  std::uint64_t rowsSeen = 0;
  for (std::size_t g = 0; g < meta.rowGroups.size(); ++g) {
    const RowGroupMeta& group = meta.rowGroups[g];
    const std::string groupPlace = "row group " + std::to_string(g) + ": ";
    if (group.rows < 0) throw FileError(file, footerPlace + groupPlace + "negative row count");
    if (group.columns.size() != columns_.size())
      throw FileError(file, footerPlace + groupPlace + std::to_string(group.columns.size()) +
                                " column chunks for " + std::to_string(columns_.size()) +
                                " columns");
    if (std::uint64_t(group.rows) > kMaxRowsPerRowGroup)
      throw FileError(file, footerPlace + groupPlace + std::to_string(group.rows) +
                                " rows are over the reader's limit of " +
                                std::to_string(kMaxRowsPerRowGroup) + " rows a row group");
    RowGroup rowGroup;
    rowGroup.rows = std::uint64_t(group.rows);
    rowsSeen += rowGroup.rows;
    if (rowsSeen > maxRows)
      throw FileError(file, footerPlace + groupPlace + "claims " + std::to_string(rowsSeen) +
                                " rows so far in a file of " + std::to_string(fileBytes_) +
                                " bytes: a damaged count");
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const ColumnChunkMeta& chunk = group.columns[c];
      const std::string place = groupPlace + "column '" + columns_[c].name + "': ";
      if (chunk.encrypted) throw FileError(file, place + "encrypted columns are not supported");
      if (chunk.external)
        throw FileError(file, place + "column data in another file (file_path) is not supported");
      if (!chunk.meta) throw FileError(file, footerPlace + place + "no column metadata");
      const ColumnMeta& m = *chunk.meta;
      if (m.path.size() != 1 || m.path[0] != columns_[c].name)
        throw FileError(file, footerPlace + place + "the chunk's path does not name the column");
      if (m.type != std::int32_t(columns_[c].type))
        throw FileError(file, footerPlace + place + "the chunk's type differs from the schema's");
      if (m.numValues < 0 || std::uint64_t(m.numValues) != rowGroup.rows)
        throw FileError(file, footerPlace + place + std::to_string(m.numValues) + " values for " +
                                  std::to_string(rowGroup.rows) + " rows");
      std::int64_t start = m.dataPageOffset;
      if (m.dictionaryPageOffset && *m.dictionaryPageOffset > 0 && *m.dictionaryPageOffset < start)
        start = *m.dictionaryPageOffset;
      if (start < 4 || m.compressedBytes < 0 || std::uint64_t(start) > footerStart ||
          std::uint64_t(m.compressedBytes) > footerStart - std::uint64_t(start))
        throw FileError(file, footerPlace + place + "the chunk's bytes (" + std::to_string(start) +
                                  ", " + std::to_string(m.compressedBytes) +
                                  " long) lie outside the file's data (bytes 4-" +
                                  std::to_string(footerStart) + ")");
      rowGroup.chunks.push_back({std::uint64_t(start), std::uint64_t(m.compressedBytes), m.codec});
    }
    rowGroups_.push_back(std::move(rowGroup));
  }
  if (rowsSeen != rowCount_)
    throw FileError(file, footerPlace + "the row groups hold " + std::to_string(rowsSeen) +
                              " rows, the file states " + std::to_string(rowCount_));
}

std::optional<std::size_t> ParquetFile::findColumn(const std::string& name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return i;
  return std::nullopt;
}

std::size_t ParquetFile::column(const std::string& name) const {
  if (const auto found = findColumn(name)) return *found;
  std::vector<std::string> names;
  for (const Column& c : columns_) names.push_back(c.name);
  throw FileError(file_, "missing column '" + name + "' (has: " + nameList(names) + ")");
}

std::uint64_t ParquetFile::rowGroupRows(std::size_t group) const {
  if (group >= rowGroups_.size())
    throw FileError(file_, "row group " + std::to_string(group) + " does not exist (" +
                               std::to_string(rowGroups_.size()) + " row groups)");
  return rowGroups_[group].rows;
}

void ParquetFile::checkIndices(std::size_t group, std::size_t column) const {
  rowGroupRows(group);
  if (column >= columns_.size())
    throw FileError(file_, "column " + std::to_string(column) + " does not exist (" +
                               std::to_string(columns_.size()) + " columns)");
}

struct ParquetFile::DecodedChunk {
  std::vector<bool> nulls;  // one per row
  ValueKind kind = ValueKind::Integer;
  Values values;  // one per row; nulls hold 0 or ""
};

void ParquetFile::decodeChunk(std::size_t group, std::size_t column, DecodedChunk& out) const {
  checkIndices(group, column);
  const Column& col = columns_[column];
  const ChunkPlace& place = rowGroups_[group].chunks[column];
  const std::uint64_t rows = rowGroups_[group].rows;
  const std::string chunkPlace = "column '" + col.name + "', row group " + std::to_string(group);
  if (!parquet::codecSupported(place.codec))
    throw FileError(file_, chunkPlace + ": compression codec " + parquet::codecName(place.codec) +
                               " is not supported (only UNCOMPRESSED, SNAPPY, GZIP and ZSTD)");
  const auto codec = static_cast<parquet::Codec>(place.codec);
  const ValueCoding coding{col.type, std::size_t(codings_[column].typeLength), col.isUnsigned};
  const ValueKind kind = kindOf(col.type);
  const int maxDefinition = col.optional ? 1 : 0;

  const auto chunk = readRange(file_, place.start, place.bytes, chunkPlace + ": its pages");
  const ByteSpan bytes{chunk.data(), chunk.size()};

  DecodedChunk decoded;
  decoded.kind = kind;
  std::optional<Values> dictionary;
  std::uint64_t budget = kMaxChunkMemory;
  // Memory a row takes while decoded: its value in the page's and the chunk's vectors and a
  // level or dictionary index.
  const std::uint64_t rowMemory =
      2 * (kind == ValueKind::Bytes ? sizeof(std::string) : sizeof(std::int64_t)) +
      sizeof(std::uint32_t);
  const auto charge = [&](std::uint64_t values, const char* what) {
    if (values > budget / rowMemory)
      encodingFail(std::to_string(values) + " " + what + " take " +
                   std::to_string(values * rowMemory) +
                   " bytes of memory decoded, over what is left of the reader's limit of " +
                   std::to_string(kMaxChunkMemory >> 30) + " GiB for a column chunk");
    budget -= values * rowMemory;
  };
  std::size_t position = 0;
  bool sawDataPage = false;
  std::uint64_t done = 0;
  while (done < rows) {
    const std::uint64_t pageByte = place.start + position;
    const std::string pagePlace = chunkPlace + ", page at byte " + std::to_string(pageByte) + ": ";
    if (position >= bytes.size)
      throw FileError(file_, chunkPlace + ": the chunk's pages end after " + std::to_string(done) +
                                 " of " + std::to_string(rows) + " values");
    try {
      PageHeader h;
      {
        Thrift t(bytes.data + position, bytes.size - position);
        try {
          h = readPageHeader(t);
        } catch (const ThriftError& e) {
          throw ParquetEncodingError(std::string("damaged page header: ") + e.what() +
                                     " of the header");
        }
        position += t.position();
      }
      if (h.compressedBytes < 0 || h.uncompressedBytes < 0) encodingFail("negative page size");
      if (std::uint64_t(h.uncompressedBytes) > kMaxPageBytes)
        encodingFail("page of " + std::to_string(h.uncompressedBytes) +
                     " bytes is over the reader's limit of 1 GiB");
      if (std::size_t(h.compressedBytes) > bytes.size - position)
        encodingFail("page of " + std::to_string(h.compressedBytes) +
                     " bytes runs past the column chunk's end (byte " +
                     std::to_string(place.start + place.bytes) + ")");
      const ByteSpan page{bytes.data + position, std::size_t(h.compressedBytes)};
      position += page.size;
      if (h.crc) {
        const auto crc =
            static_cast<std::uint32_t>(crc32(0, page.data, static_cast<uInt>(page.size)));
        if (crc != static_cast<std::uint32_t>(*h.crc))
          encodingFail("the page's CRC does not match its bytes: the page is damaged");
      }
      if (h.type == IndexPage) continue;
      if (h.type != DictionaryPage && h.type != DataPage && h.type != DataPageV2)
        encodingFail("unknown page type " + std::to_string(h.type));
      if (!h.hasTypeHeader) encodingFail("the page header lacks its type's header");
      if (h.numValues < 0) encodingFail("negative value count");

      if (h.type == DictionaryPage) {
        if (sawDataPage || dictionary)
          encodingFail("a dictionary page that is not the chunk's first page");
        if (h.encoding != Plain && h.encoding != PlainDictionary)
          encodingFail("dictionary page encoding " + encodingName(h.encoding) +
                       " is not supported");
        const auto plain = parquet::decompressPage(codec, page, std::size_t(h.uncompressedBytes));
        // Each entry takes a byte at least (booleans a bit): a count beyond that is damage.
        if (std::uint64_t(h.numValues) > 8 * plain.size() + 8)
          encodingFail("dictionary of " + std::to_string(h.numValues) + " entries in " +
                       std::to_string(plain.size()) + " bytes");
        charge(std::uint64_t(h.numValues), "dictionary entries");
        dictionary.emplace();
        decodeValues({plain.data(), plain.size()}, Plain, std::size_t(h.numValues), coding, nullptr,
                     *dictionary, budget);
        continue;
      }

      sawDataPage = true;
      const std::size_t n = std::size_t(h.numValues);
      if (std::uint64_t(n) > rows - done)
        encodingFail(std::to_string(n) + " values, but only " + std::to_string(rows - done) +
                     " of the row group's " + std::to_string(rows) + " rows are left");
      charge(n, "values");
      std::vector<std::uint32_t> levels;
      std::vector<std::uint8_t> plain;
      ByteSpan values;
      if (h.type == DataPage) {
        plain = parquet::decompressPage(codec, page, std::size_t(h.uncompressedBytes));
        values = {plain.data(), plain.size()};
        if (maxDefinition > 0) {
          if (h.definitionEncoding != Rle)
            encodingFail("definition level encoding " + encodingName(h.definitionEncoding) +
                         " is not supported");
          levels.resize(n);
          const std::size_t used = parquet::decodeRleHybridWithLength(values, 1, n, levels.data());
          values = values.tail(used);
        }
      } else {
        if (h.repetitionBytes != 0) encodingFail("repetition levels in a flat column");
        if (h.definitionBytes < 0 || std::size_t(h.definitionBytes) > page.size)
          encodingFail("definition levels of " + std::to_string(h.definitionBytes) +
                       " bytes in a page of " + std::to_string(page.size));
        if (h.definitionBytes > h.uncompressedBytes)
          encodingFail("definition levels longer than the uncompressed page");
        const ByteSpan definitions{page.data, std::size_t(h.definitionBytes)};
        if (maxDefinition > 0) {
          levels.resize(n);
          parquet::decodeRleHybrid(definitions, 1, n, levels.data());
        } else if (h.numNulls != 0) {
          encodingFail(std::to_string(h.numNulls) + " nulls in a required column");
        }
        const ByteSpan stored = page.tail(definitions.size);
        const std::size_t plainBytes = std::size_t(h.uncompressedBytes - h.definitionBytes);
        if (h.valuesCompressed && codec != parquet::Codec::Uncompressed) {
          plain = parquet::decompressPage(codec, stored, plainBytes);
          values = {plain.data(), plain.size()};
        } else {
          if (stored.size != plainBytes)
            encodingFail("the page holds " + std::to_string(stored.size) +
                         " bytes of values, its header states " + std::to_string(plainBytes));
          values = stored;
        }
      }
      std::size_t nonNull = n;
      if (!levels.empty()) {
        nonNull = 0;
        for (const std::uint32_t level : levels) {
          if (level > std::uint32_t(maxDefinition))
            encodingFail("definition level " + std::to_string(level) + " over the column's 1");
          nonNull += level;
        }
        if (h.type == DataPageV2 && std::size_t(h.numNulls) != n - nonNull)
          encodingFail("the header states " + std::to_string(h.numNulls) + " nulls, the levels " +
                       std::to_string(n - nonNull));
      }
      Values page_values;
      decodeValues(values, h.encoding, nonNull, coding, dictionary ? &*dictionary : nullptr,
                   page_values, budget);
      if (page_values.size(kind) != nonNull)
        encodingFail("decoded " + std::to_string(page_values.size(kind)) + " values, expected " +
                     std::to_string(nonNull));
      // Scatter the non-null values over the rows.
      std::size_t next = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const bool isNull = !levels.empty() && levels[i] == 0;
        decoded.nulls.push_back(isNull);
        if (kind == ValueKind::Integer)
          decoded.values.integers.push_back(isNull ? 0 : page_values.integers[next]);
        else if (kind == ValueKind::Real)
          decoded.values.reals.push_back(isNull ? 0.0 : page_values.reals[next]);
        else if (isNull)
          decoded.values.bytes.emplace_back();
        else
          decoded.values.bytes.push_back(std::move(page_values.bytes[next]));
        if (!isNull) ++next;
      }
      done += n;
    } catch (const ParquetEncodingError& e) {
      throw FileError(file_, pagePlace + e.what());
    }
  }
  out = std::move(decoded);
}

std::vector<double> ParquetFile::readNumbers(std::size_t group, std::size_t column,
                                             std::vector<bool>* nulls) const {
  checkIndices(group, column);
  const Column& col = columns_[column];
  if (kindOf(col.type) == ValueKind::Bytes)
    throw FileError(
        file_, "column '" + col.name + "' holds " + typeName(col.type) + " values, not numbers");
  DecodedChunk chunk;
  decodeChunk(group, column, chunk);
  const ColumnCoding& coding = codings_[column];
  const double unscale = coding.decimal ? std::pow(10.0, -coding.scale) : 1.0;
  const std::size_t rows = chunk.nulls.size();
  std::vector<double> numbers(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    if (chunk.nulls[i]) {
      numbers[i] = std::numeric_limits<double>::quiet_NaN();
    } else if (chunk.kind == ValueKind::Real) {
      numbers[i] = chunk.values.reals[i];
    } else {
      const std::int64_t v = chunk.values.integers[i];
      const double d = col.isUnsigned && col.type == PhysicalType::Int64
                           ? double(static_cast<std::uint64_t>(v))
                           : double(v);
      numbers[i] = coding.decimal ? d * unscale : d;
    }
  }
  if (nulls) *nulls = std::move(chunk.nulls);
  return numbers;
}

std::vector<std::string> ParquetFile::readStrings(std::size_t group, std::size_t column,
                                                  std::vector<bool>* nulls) const {
  checkIndices(group, column);
  const Column& col = columns_[column];
  if (col.type == PhysicalType::Int96)
    throw FileError(file_, "column '" + col.name +
                               "' holds INT96 values (legacy timestamps), which are not supported");
  DecodedChunk chunk;
  decodeChunk(group, column, chunk);
  std::vector<std::string> strings;
  if (chunk.kind == ValueKind::Bytes) {
    strings = std::move(chunk.values.bytes);
  } else {
    // Numbers as text: integers exactly, reals in their shortest round-trip form.
    const ColumnCoding& coding = codings_[column];
    const std::size_t rows = chunk.nulls.size();
    strings.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      if (chunk.nulls[i]) continue;
      if (chunk.kind == ValueKind::Real) {
        strings[i] = fmt::format("{}", chunk.values.reals[i]);
        continue;
      }
      const std::int64_t v = chunk.values.integers[i];
      if (col.type == PhysicalType::Boolean)
        strings[i] = v ? "true" : "false";
      else if (coding.decimal)
        strings[i] = decimalText(v, coding.scale);
      else if (col.isUnsigned && col.type == PhysicalType::Int64)
        strings[i] = std::to_string(static_cast<std::uint64_t>(v));
      else
        strings[i] = std::to_string(v);
    }
  }
  if (nulls) *nulls = std::move(chunk.nulls);
  return strings;
}

}  // namespace teramind
