#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ParquetFile.h is private to teramind_io (Xenium and SpatialData readers; tests)"
#endif

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace teramind {

// A flat Parquet file as pandas, pyarrow, polars, 10x Xenium, SpatialData and hyparquet write
// them: required or optional top-level columns (no nesting, no repetition); PLAIN,
// PLAIN_DICTIONARY / RLE_DICTIONARY, RLE (booleans, levels), DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT encodings; data page v1 and
// v2; uncompressed, SNAPPY, GZIP and ZSTD pages. Debian 12 has no Arrow.
// Reads one column of one row group at a time, so memory is one column chunk. Anything else
// (nested schemas, other codecs or encodings, a damaged footer or page) is a FileError naming
// the file, the column and the feature or problem, thrown before any value is returned.
class ParquetFile {
 public:
  enum class PhysicalType {
    Boolean,
    Int32,
    Int64,
    Int96,
    Float,
    Double,
    ByteArray,
    FixedLenByteArray
  };

  struct Column {
    std::string name;  // the top-level field's name
    PhysicalType type = PhysicalType::Double;
    bool optional = false;    // may hold nulls
    bool isString = false;    // BYTE_ARRAY annotated UTF8/STRING/ENUM/JSON
    bool isUnsigned = false;  // INT annotated unsigned (e.g. Xenium's transcript_id)
  };

  // Reads and checks the footer (magic, length, schema, row groups against the file size).
  explicit ParquetFile(const std::filesystem::path& file);

  const std::filesystem::path& file() const { return file_; }
  std::uint64_t rowCount() const { return rowCount_; }
  const std::vector<Column>& columns() const { return columns_; }
  std::optional<std::size_t> findColumn(const std::string& name) const;
  // Throws FileError "missing column 'name' (has: a, b, c)".
  std::size_t column(const std::string& name) const;
  std::size_t rowGroupCount() const { return rowGroups_.size(); }
  std::uint64_t rowGroupRows(std::size_t group) const;

  // One column chunk's values, in row order. Numbers (any numeric or boolean type) as double,
  // nulls as NaN; strings (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY) as bytes, nulls as "" with
  // `nulls` (when given) set to which rows were null.
  std::vector<double> readNumbers(std::size_t group, std::size_t column,
                                  std::vector<bool>* nulls = nullptr) const;
  std::vector<std::string> readStrings(std::size_t group, std::size_t column,
                                       std::vector<bool>* nulls = nullptr) const;

 private:
  // Where a column chunk lies and how it is coded, checked against the file at open.
  struct ChunkPlace {
    std::uint64_t start = 0;  // the first page header's byte (dictionary page or data page)
    std::uint64_t bytes = 0;  // all its pages, headers included
    std::int32_t codec = 0;   // Parquet's CompressionCodec number
  };
  struct RowGroup {
    std::uint64_t rows = 0;
    std::vector<ChunkPlace> chunks;  // one per column
  };
  // What a column's values need beyond Column: FIXED_LEN_BYTE_ARRAY's width, DECIMAL's scale.
  struct ColumnCoding {
    std::int32_t typeLength = 0;
    bool decimal = false;
    std::int32_t scale = 0;
  };
  struct DecodedChunk;  // one column chunk's values (ParquetFile.cpp)

  void decodeChunk(std::size_t group, std::size_t column, DecodedChunk& out) const;
  void checkIndices(std::size_t group, std::size_t column) const;

  std::filesystem::path file_;
  std::uint64_t fileBytes_ = 0;
  std::uint64_t rowCount_ = 0;
  std::vector<Column> columns_;
  std::vector<ColumnCoding> codings_;
  std::vector<RowGroup> rowGroups_;
};

}  // namespace teramind
