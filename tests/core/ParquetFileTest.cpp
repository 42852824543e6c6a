// The Parquet reader against independent writers and an independent reader: node writes files
// with hyparquet-writer (data page v2, dictionaries, delta encodings; UNCOMPRESSED, SNAPPY, GZIP)
// and parquet-wasm (arrow-rs: data page v1 and v2; UNCOMPRESSED, SNAPPY, GZIP, ZSTD), hyparquet
// reads them back, and every value of every row group must equal ours. Damaged files (patched
// bytes of those files, and small files built here byte by byte) must end in a FileError naming
// the file and the place. Skipped, saying why, when node or the packages are absent
// (tests/tools/install-node-packages.sh installs them).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "io/ParquetFile.h"
#include "support/TestData.h"
#include "support/ThriftCompactWriter.h"

namespace {

using teramind::FileError;
using teramind::ParquetFile;
namespace fs = std::filesystem;

const fs::path kTools = TERAMIND_TEST_TOOLS_DIR;

// Runs `command` through the shell; returns its exit status and stdout.
int run(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buffer[65536];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

std::string readAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeAll(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

// The files node wrote, once for all tests; empty with `skipReason` set when node cannot.
struct WrittenFiles {
  fs::path folder;
  std::string skipReason;
};

const WrittenFiles& writtenFiles() {
  static const WrittenFiles files = [] {
    WrittenFiles w;
    std::string out;
    const int probe = run("node " + quoted(kTools / "write-parquet.mjs") + " 2>&1", out);
    if (probe == 127 || probe == -1) {
      w.skipReason = "node is not installed (Debian: apt-get install nodejs npm)";
      return w;
    }
    if (probe == 3) {
      w.skipReason = out;
      return w;
    }
    if (run("node " + quoted(kTools / "read-parquet.mjs") + " 2>&1", out) == 3) {
      w.skipReason = out;
      return w;
    }
    w.folder = fs::temp_directory_path() / ("teramind-parquet-" + std::to_string(getpid()));
    fs::create_directories(w.folder);
    static const fs::path folder = w.folder;
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(folder, ignored);
    });
    const int status =
        run("node " + quoted(kTools / "write-parquet.mjs") + " " + quoted(w.folder) + " 2>&1", out);
    if (status != 0) {
      ADD_FAILURE() << "write-parquet.mjs failed (" << status << "):\n" << out;
      w.folder.clear();
      w.skipReason = "the writers failed";
    }
    return w;
  }();
  return files;
}

#define REQUIRE_WRITTEN_FILES()                                   \
  const WrittenFiles& written = writtenFiles();                   \
  if (written.folder.empty()) GTEST_SKIP() << written.skipReason; \
  static_assert(true, "")

nlohmann::json readWithHyparquet(const fs::path& file) {
  std::string out;
  const int status =
      run("node " + quoted(kTools / "read-parquet.mjs") + " " + quoted(file) + " 2>&1", out);
  if (status != 0) {
    ADD_FAILURE() << "hyparquet could not read " << file << ":\n" << out;
    return {};
  }
  return nlohmann::json::parse(out);
}

bool contains(const nlohmann::json& list, const std::string& value) {
  for (const auto& v : list)
    if (v == value) return true;
  return false;
}

// Compares every value of every row group of `file` as we read it and as hyparquet does.
// `requiredDeclared`: the writer marked the columns without nulls required (hyparquet-writer
// does when told; arrow-rs writes every column optional).
void expectSameAsHyparquet(const fs::path& file, const std::string& codec,
                           const std::string& pageType, bool requiredDeclared) {
  SCOPED_TRACE(file.filename().string());
  const nlohmann::json reference = readWithHyparquet(file);
  ASSERT_FALSE(reference.is_null());
  // The file holds what it is meant to test.
  EXPECT_TRUE(contains(reference["codecs"], codec)) << reference["codecs"];
  EXPECT_TRUE(contains(reference["pageTypes"], pageType)) << reference["pageTypes"];
  EXPECT_TRUE(contains(reference["pageTypes"], "DICTIONARY_PAGE")) << reference["pageTypes"];

  const ParquetFile parquet(file);
  const auto& groups = reference["rowGroups"];
  ASSERT_EQ(parquet.rowGroupCount(), groups.size());
  ASSERT_GE(parquet.rowGroupCount(), 3u);
  std::uint64_t total = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    EXPECT_EQ(parquet.rowGroupRows(g), groups[g].get<std::uint64_t>());
    total += groups[g].get<std::uint64_t>();
  }
  EXPECT_EQ(parquet.rowCount(), total);

  const auto& columns = reference["columns"];
  ASSERT_EQ(parquet.columns().size(), columns.size());
  for (const auto& [name, values] : columns.items()) {
    SCOPED_TRACE("column " + name);
    const std::size_t c = parquet.column(name);
    const ParquetFile::Column& column = parquet.columns()[c];
    const bool numeric = column.type != ParquetFile::PhysicalType::ByteArray;
    if (name.rfind("opt_", 0) == 0 || requiredDeclared) {
      EXPECT_EQ(column.optional, name.rfind("opt_", 0) == 0);
    }
    EXPECT_EQ(column.isString, !numeric);
    std::size_t row = 0;
    int mismatches = 0;
    for (std::size_t g = 0; g < parquet.rowGroupCount(); ++g) {
      std::vector<bool> numberNulls, stringNulls;
      std::vector<double> numbers;
      if (numeric) numbers = parquet.readNumbers(g, c, &numberNulls);
      const std::vector<std::string> strings = parquet.readStrings(g, c, &stringNulls);
      ASSERT_EQ(strings.size(), parquet.rowGroupRows(g));
      for (std::size_t i = 0; i < strings.size(); ++i, ++row) {
        const auto& expected = values.at(row);
        bool same;
        if (expected.is_null()) {
          same = stringNulls[i] && (!numeric || (numberNulls[i] && std::isnan(numbers[i])));
        } else if (expected.is_string()) {
          // Strings, and INT64 as exact decimal text.
          same = !stringNulls[i] && strings[i] == expected.get<std::string>();
        } else if (expected.is_boolean()) {
          same = numbers[i] == (expected.get<bool>() ? 1.0 : 0.0) &&
                 strings[i] == (expected.get<bool>() ? "true" : "false");
        } else {
          same = !numberNulls[i] && numbers[i] == expected.get<double>();
        }
        if (!same && ++mismatches <= 5)
          ADD_FAILURE() << "row " << row << " (row group " << g << "): hyparquet " << expected
                        << ", ours '" << strings[i] << "'"
                        << (numeric ? " / " + std::to_string(numbers[i]) : "");
      }
    }
    EXPECT_EQ(row, values.size());
    EXPECT_EQ(mismatches, 0);
  }
}

TEST(ParquetFile, HyparquetWriterFilesReadAsHyparquetReadsThem) {
  REQUIRE_WRITTEN_FILES();
  expectSameAsHyparquet(written.folder / "hyparquet-uncompressed.parquet", "UNCOMPRESSED",
                        "DATA_PAGE_V2", true);
  expectSameAsHyparquet(written.folder / "hyparquet-snappy.parquet", "SNAPPY", "DATA_PAGE_V2",
                        true);
  expectSameAsHyparquet(written.folder / "hyparquet-gzip.parquet", "GZIP", "DATA_PAGE_V2", true);
}

TEST(ParquetFile, DeltaAndByteStreamSplitEncodingsReadAsHyparquetReadsThem) {
  REQUIRE_WRITTEN_FILES();
  const fs::path file = written.folder / "hyparquet-delta.parquet";
  const nlohmann::json reference = readWithHyparquet(file);
  for (const char* encoding :
       {"DELTA_BINARY_PACKED", "BYTE_STREAM_SPLIT", "DELTA_BYTE_ARRAY", "DELTA_LENGTH_BYTE_ARRAY"})
    EXPECT_TRUE(contains(reference["encodings"], encoding)) << encoding;
  expectSameAsHyparquet(file, "UNCOMPRESSED", "DATA_PAGE_V2", true);
}

TEST(ParquetFile, ArrowRsFilesReadAsHyparquetReadsThem) {
  REQUIRE_WRITTEN_FILES();
  expectSameAsHyparquet(written.folder / "arrow-rs-uncompressed-v1.parquet", "UNCOMPRESSED",
                        "DATA_PAGE", false);
  expectSameAsHyparquet(written.folder / "arrow-rs-snappy-v1.parquet", "SNAPPY", "DATA_PAGE",
                        false);
  expectSameAsHyparquet(written.folder / "arrow-rs-gzip-v1.parquet", "GZIP", "DATA_PAGE", false);
  expectSameAsHyparquet(written.folder / "arrow-rs-zstd-v1.parquet", "ZSTD", "DATA_PAGE", false);
  expectSameAsHyparquet(written.folder / "arrow-rs-zstd-v2.parquet", "ZSTD", "DATA_PAGE_V2", false);
}

TEST(ParquetFile, UnsignedAndTypesAreDescribed) {
  REQUIRE_WRITTEN_FILES();
  const ParquetFile parquet(written.folder / "arrow-rs-snappy-v1.parquet");
  const auto& u32 = parquet.columns()[parquet.column("u32")];
  EXPECT_TRUE(u32.isUnsigned);
  EXPECT_EQ(u32.type, ParquetFile::PhysicalType::Int32);
  EXPECT_EQ(parquet.readNumbers(0, parquet.column("u32"))[0], 4294967295.0);
  EXPECT_FALSE(parquet.columns()[parquet.column("i32")].isUnsigned);
  EXPECT_EQ(parquet.columns()[parquet.column("flag")].type, ParquetFile::PhysicalType::Boolean);
  EXPECT_FALSE(parquet.findColumn("nope").has_value());
  try {
    parquet.column("nope");
    ADD_FAILURE() << "no error for a missing column";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("missing column 'nope' (has: i32, i64, u32"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parquet.readNumbers(0, parquet.column("gene")), FileError);
  EXPECT_THROW(parquet.readNumbers(3, 0), FileError);
  EXPECT_THROW(parquet.readNumbers(0, 99), FileError);
}

// The FileError's message, which must name the file; "" when nothing was thrown.
template <typename Read>
std::string errorOf(const fs::path& file, Read read) {
  try {
    read();
  } catch (const FileError& e) {
    EXPECT_EQ(e.file(), file);
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    return e.problem();
  }
  ADD_FAILURE() << "no FileError for " << file;
  return "";
}

std::string readEverything(const fs::path& file) {
  return errorOf(file, [&] {
    const ParquetFile parquet(file);
    for (std::size_t g = 0; g < parquet.rowGroupCount(); ++g)
      for (std::size_t c = 0; c < parquet.columns().size(); ++c) parquet.readStrings(g, c);
  });
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "'" << (text) << "' lacks '" << (part) << "'"

TEST(ParquetFile, RefusesCodecsItDoesNotSupportByName) {
  REQUIRE_WRITTEN_FILES();
  for (const auto& [name, codec] : std::map<std::string, std::string>{
           {"arrow-rs-lz4raw.parquet", "LZ4_RAW"}, {"arrow-rs-brotli.parquet", "BROTLI"}}) {
    const std::string problem = readEverything(written.folder / name);
    EXPECT_CONTAINS(problem, "column 'i32', row group 0");
    EXPECT_CONTAINS(problem, "codec " + codec + " is not supported");
  }
}

TEST(ParquetFile, RefusesNestedSchemas) {
  REQUIRE_WRITTEN_FILES();
  const std::string problem = readEverything(written.folder / "arrow-rs-nested.parquet");
  EXPECT_CONTAINS(problem, "column 'tags' is nested");
  EXPECT_CONTAINS(problem, "only flat schemas are supported");
}

class DamagedParquet : public ::testing::Test {
 protected:
  void SetUp() override {
    const WrittenFiles& w = writtenFiles();
    if (w.folder.empty()) GTEST_SKIP() << w.skipReason;
    source_ = readAll(w.folder / "hyparquet-gzip.parquet");
    ASSERT_GT(source_.size(), 1000u);
  }
  fs::path damaged(const std::string& bytes) {
    const fs::path file = scratch_ / "damaged.parquet";
    writeAll(file, bytes);
    return file;
  }
  teramind::test::ScratchDirectory scratch_;
  std::string source_;
};

TEST_F(DamagedParquet, TruncatedFile) {
  const fs::path file = damaged(source_.substr(0, source_.size() / 2));
  EXPECT_CONTAINS(readEverything(file), "does not end with PAR1");
  EXPECT_CONTAINS(readEverything(damaged("PAR1PAR1")), "too short for Parquet");
  EXPECT_CONTAINS(readEverything(damaged("")), "too short for Parquet");
}

TEST_F(DamagedParquet, CorruptFooterLengthAndMagic) {
  std::string bytes = source_;
  const std::size_t lengthAt = bytes.size() - 8;
  for (int i = 0; i < 4; ++i) bytes[lengthAt + std::size_t(i)] = char(0x7F);
  EXPECT_CONTAINS(readEverything(damaged(bytes)), "footer length 2139062143");
  bytes = source_;
  bytes[bytes.size() - 1] = 'X';
  EXPECT_CONTAINS(readEverything(damaged(bytes)), "does not end with PAR1");
  bytes = source_;
  bytes[0] = 'X';
  EXPECT_CONTAINS(readEverything(damaged(bytes)), "does not start with PAR1");
}

TEST_F(DamagedParquet, CorruptFooterThrift) {
  std::string bytes = source_;
  const std::size_t length = std::size_t(std::uint8_t(bytes[bytes.size() - 8])) |
                             std::size_t(std::uint8_t(bytes[bytes.size() - 7])) << 8 |
                             std::size_t(std::uint8_t(bytes[bytes.size() - 6])) << 16;
  const std::size_t footer = bytes.size() - 8 - length;
  // A field header of type 15 (no such thrift type) where the footer's fields begin.
  bytes[footer] = char(0x1F);
  std::string problem = readEverything(damaged(bytes));
  EXPECT_CONTAINS(problem, "footer (bytes " + std::to_string(footer) + "-");
  EXPECT_CONTAINS(problem, "thrift field of unknown type 15 at byte 1 of the footer");
  // The footer cut short: its last bytes are missing.
  bytes = source_;
  const std::string shorter =
      bytes.substr(0, bytes.size() - 8 - 40) + bytes.substr(bytes.size() - 8);
  std::string lengthBytes(4, '\0');
  const std::size_t cut = length - 40;
  for (int i = 0; i < 4; ++i) lengthBytes[std::size_t(i)] = char((cut >> (8 * i)) & 0xFF);
  problem = readEverything(damaged(shorter.substr(0, shorter.size() - 8) + lengthBytes + "PAR1"));
  EXPECT_CONTAINS(problem, "damaged: thrift");
}

TEST_F(DamagedParquet, DamagedCompressedPage) {
  // The first gzip stream is column i32's first data page (hyparquet-writer gzips each page).
  std::string bytes = source_;
  const std::size_t gzip = bytes.find("\x1f\x8b\x08", 4);
  ASSERT_NE(gzip, std::string::npos);
  for (std::size_t i = gzip + 12; i < gzip + 40; ++i) bytes[i] = char(bytes[i] ^ 0x5A);
  const std::string problem = readEverything(damaged(bytes));
  EXPECT_CONTAINS(problem, "column 'i32', row group 0, page at byte ");
  EXPECT_CONTAINS(problem, "GZIP");
}

// --- files built byte by byte: one BYTE_ARRAY column, a dictionary page and a data page v1 ---

using teramind::test::ThriftCompactWriter;

struct HandMade {
  int codec = 0;
  int repetition = 0;     // 0 required, 2 repeated
  int index = 1;          // the dictionary index every row refers to (the dictionary has 2)
  std::int64_t rows = 4;  // as the footer states them (the pages hold 4)
  std::int64_t uncompressedDataPage = 3;  // as the data page's header states it
  std::int64_t run = 4;                   // the data page's one RLE run (its value count)
  std::size_t padding = 0;                // zero bytes between the magic and the pages
  bool dictionaryBomb = false;  // a dictionary page of 5 bytes claiming 2^30 - 1 uncompressed
};

std::string varintBytes(std::uint64_t v) {
  ThriftCompactWriter w;
  w.varint(v);
  return w.bytes;
}

// The footer's 4-byte length and the closing magic.
std::string footerTail(const std::string& footer) {
  std::string length(4, '\0');
  for (int i = 0; i < 4; ++i) length[std::size_t(i)] = char((footer.size() >> (8 * i)) & 0xFF);
  return footer + length + "PAR1";
}

std::string pageHeader(int type, std::size_t size, int numValues, int encoding,
                       std::int64_t uncompressedSize = -1) {
  ThriftCompactWriter w;
  w.i32(1, type);
  w.i32(2, uncompressedSize >= 0 ? uncompressedSize : std::int64_t(size));
  w.i32(3, std::int64_t(size));
  w.beginStruct(type == 2 ? 7 : 5);
  w.i32(1, numValues);
  w.i32(2, encoding);
  if (type == 0) w.i32(3, 3), w.i32(4, 3);
  w.end();
  w.end();
  return w.bytes;
}

std::string handMadeParquet(const HandMade& spec) {
  const std::string dictionaryData = spec.dictionaryBomb
                                         ? varintBytes((std::uint64_t(1) << 30) - 1)
                                         : std::string("\x01\0\0\0a\x01\0\0\0b", 10);
  // Bit width 2, then one RLE run of `run` values (header run << 1) of `index`.
  const std::string indices = "\x02" + varintBytes(std::uint64_t(spec.run) << 1) + char(spec.index);
  const std::string dictionaryPage =
      pageHeader(2, dictionaryData.size(), 2, 0,
                 spec.dictionaryBomb ? (std::int64_t(1) << 30) - 1 : -1) +
      dictionaryData;
  const std::string dataPage =
      pageHeader(0, indices.size(), int(spec.run), 8,
                 spec.uncompressedDataPage == 3 ? std::int64_t(indices.size())
                                                : spec.uncompressedDataPage) +
      indices;
  const std::size_t dictionaryAt = 4 + spec.padding, dataAt = dictionaryAt + dictionaryPage.size();
  const std::size_t chunkBytes = dictionaryPage.size() + dataPage.size();

  ThriftCompactWriter f;
  f.i32(1, 1);
  f.list(2, 12, 2);
  f.beginElement(), f.binary(4, "schema"), f.i32(5, 1), f.end();
  f.beginElement(), f.i32(1, 6), f.i32(3, spec.repetition), f.binary(4, "gene"), f.i32(6, 0),
      f.end();
  f.i64(3, spec.rows);
  f.list(4, 12, 1);
  f.beginElement();
  f.list(1, 12, 1);
  f.beginElement();
  f.i64(2, std::int64_t(dictionaryAt));
  f.beginStruct(3);
  f.i32(1, 6);
  f.list(2, 5, 2), f.zigzag(0), f.zigzag(8);
  f.list(3, 8, 1), f.rawBinary("gene");
  f.i32(4, spec.codec);
  f.i64(5, spec.rows);
  f.i64(6, std::int64_t(chunkBytes));
  f.i64(7, std::int64_t(chunkBytes));
  f.i64(9, std::int64_t(dataAt));
  f.i64(11, std::int64_t(dictionaryAt));
  f.end();  // ColumnMetaData
  f.end();  // ColumnChunk
  f.i64(2, std::int64_t(chunkBytes));
  f.i64(3, spec.rows);
  f.end();          // RowGroup
  f.bytes += '\0';  // FileMetaData's stop

  std::string length(4, '\0');
  for (int i = 0; i < 4; ++i) length[std::size_t(i)] = char((f.bytes.size() >> (8 * i)) & 0xFF);
  return "PAR1" + std::string(spec.padding, '\0') + dictionaryPage + dataPage + f.bytes + length +
         "PAR1";
}

TEST(ParquetFileHandMade, ReadsTheWellFormedFile) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "hand.parquet";
  writeAll(file, handMadeParquet({}));
  const ParquetFile parquet(file);
  ASSERT_EQ(parquet.rowCount(), 4u);
  ASSERT_EQ(parquet.columns().size(), 1u);
  EXPECT_TRUE(parquet.columns()[0].isString);
  EXPECT_EQ(parquet.readStrings(0, 0), (std::vector<std::string>{"b", "b", "b", "b"}));
}

TEST(ParquetFileHandMade, DictionaryIndexOutOfRange) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "hand.parquet";
  HandMade spec;
  spec.index = 3;
  writeAll(file, handMadeParquet(spec));
  const std::string problem = readEverything(file);
  EXPECT_CONTAINS(problem, "column 'gene', row group 0, page at byte ");
  EXPECT_CONTAINS(problem, "dictionary index 3 (value 0) is out of range: the dictionary has 2");
}

TEST(ParquetFileHandMade, UnsupportedCodecAndRepeatedColumn) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "hand.parquet";
  HandMade spec;
  spec.codec = 3;
  writeAll(file, handMadeParquet(spec));
  EXPECT_CONTAINS(readEverything(file), "compression codec LZO is not supported");
  spec = {};
  spec.repetition = 2;
  writeAll(file, handMadeParquet(spec));
  EXPECT_CONTAINS(readEverything(file), "column 'gene' is repeated (a list)");
}

TEST(ParquetFileHandMade, CountsAndSizesBeyondTheBounds) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "hand.parquet";
  HandMade spec;
  spec.rows = 1000000000000;  // a trillion rows in a file of a few hundred bytes
  writeAll(file, handMadeParquet(spec));
  EXPECT_CONTAINS(readEverything(file), "rows are over the reader's limit");
  spec.rows = std::int64_t(1) << 26;  // within the row group limit, but not 64 rows a byte
  writeAll(file, handMadeParquet(spec));
  EXPECT_CONTAINS(readEverything(file), "rows so far in a file of");
  spec = {};
  spec.rows = 5;  // the pages hold 4
  writeAll(file, handMadeParquet(spec));
  EXPECT_CONTAINS(readEverything(file),
                  "column 'gene', row group 0: the chunk's pages end after 4 of 5 values");
  spec = {};
  spec.uncompressedDataPage = (std::int64_t(1) << 30) + 1;
  writeAll(file, handMadeParquet(spec));
  EXPECT_CONTAINS(readEverything(file), "over the reader's limit of 1 GiB");
  spec = {};
  spec.uncompressedDataPage = 2;  // the page holds 3
  writeAll(file, handMadeParquet(spec));
  EXPECT_CONTAINS(readEverything(file), "uncompressed page holds 3 bytes, its header states 2");
}

}  // namespace

namespace {

// --- limits on what a file's counts and sizes may make the reader allocate ---

// A footer whose schema (field 2) is a list of `n` empty structs, then `tail` (more fields).
std::string floodedSchemaFile(std::size_t n, const std::string& tail = "") {
  ThriftCompactWriter f;
  f.i32(1, 1);
  f.list(2, 12, n);
  f.bytes += std::string(n, '\0');  // each an empty struct: one byte of footer
  f.bytes += tail;
  f.bytes += '\0';
  return "PAR1" + footerTail(f.bytes);
}

TEST(ParquetFileLimits, FooterListsAreCappedBeforeTheirElementsAreKept) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "flood.parquet";
  // 200001 one-byte schema elements would take ~20 MB as SchemaElements (60 MB footers: 6 GB).
  writeAll(file, floodedSchemaFile(200001));
  EXPECT_CONTAINS(readEverything(file),
                  "200001 schema elements (at byte 7) are over the reader's limit of 100000");

  // A schema of one column, then a row group listing 1000 chunks.
  ThriftCompactWriter f;
  f.i32(1, 1);
  f.list(2, 12, 2);
  f.beginElement(), f.binary(4, "schema"), f.i32(5, 1), f.end();
  f.beginElement(), f.i32(1, 6), f.binary(4, "gene"), f.end();
  f.i64(3, 0);
  f.list(4, 12, 1);
  f.beginElement();
  f.list(1, 12, 1000);
  f.bytes += std::string(1000, '\0');
  f.end();
  f.bytes += '\0';
  writeAll(file, "PAR1" + footerTail(f.bytes));
  EXPECT_CONTAINS(readEverything(file),
                  "1000 column chunks (at byte 32) are over the reader's limit of 1");

  // (1 << 20) + 1 empty row groups.
  ThriftCompactWriter g;
  g.i32(1, 1);
  g.list(4, 12, (std::size_t(1) << 20) + 1);
  g.bytes += std::string((std::size_t(1) << 20) + 1, '\0');
  g.bytes += '\0';
  writeAll(file, "PAR1" + footerTail(g.bytes));
  EXPECT_CONTAINS(readEverything(file),
                  "1048577 row groups (at byte 7) are over the reader's "
                  "limit of 1048576");
}

TEST(ParquetFileLimits, AListWhereAStructBelongsIsRefused) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "list.parquet";
  // The schema's elements declared as lists: before, the list header was read and the struct
  // reader went on inside the list's bytes.
  ThriftCompactWriter f;
  f.i32(1, 1);
  f.list(2, 9, 1);
  f.bytes += "\x1c";  // a list of one struct
  f.beginElement(), f.binary(4, "schema"), f.i32(5, 0), f.end();
  f.bytes += '\0';
  writeAll(file, "PAR1" + footerTail(f.bytes));
  const std::string problem = readEverything(file);
  EXPECT_CONTAINS(problem, "damaged: thrift value of type 9 where a struct belongs at byte 4");
}

TEST(ParquetFileLimits, RowsARowGroupAreCapped) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "rows.parquet";
  HandMade spec;
  spec.rows = (std::int64_t(1) << 26) + 1;
  writeAll(file, handMadeParquet(spec));
  EXPECT_CONTAINS(readEverything(file), "footer (bytes ");
  EXPECT_CONTAINS(readEverything(file),
                  "row group 0: 67108865 rows are over the reader's limit "
                  "of 67108864 rows a row group");
}

TEST(ParquetFileLimits, AnRleRunOfMillionsOfStringsIsRefusedBeforeItIsDecoded) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "amp.parquet";
  // 2^26 rows, one RLE run of a 1-byte string, in a 1 MB file (the rows-per-byte bound lets it
  // through): decoded, 2^26 std::strings and indices would take over 4 GB.
  HandMade spec;
  spec.rows = spec.run = std::int64_t(1) << 26;
  spec.padding = 1 << 20;
  writeAll(file, handMadeParquet(spec));
  const std::string problem = readEverything(file);
  EXPECT_CONTAINS(problem, "column 'gene', row group 0, page at byte ");
  EXPECT_CONTAINS(problem,
                  "67108864 values take 4563402752 bytes of memory decoded, over what "
                  "is left of the reader's limit of 2 GiB for a column chunk");
}

TEST(ParquetFileLimits, ACompressedPageClaimingMoreThanItsCodecCanProduceIsRefused) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "bomb.parquet";
  // A 5-byte SNAPPY dictionary page whose header (and snappy preamble) claim 2^30 - 1 bytes:
  // before, the 1 GiB was allocated and then found damaged.
  HandMade spec;
  spec.codec = 1;
  spec.dictionaryBomb = true;
  writeAll(file, handMadeParquet(spec));
  const std::string problem = readEverything(file);
  EXPECT_CONTAINS(problem, "column 'gene', row group 0, page at byte ");
  EXPECT_CONTAINS(problem,
                  "SNAPPY page of 5 bytes cannot decompress to the 1073741823 bytes its "
                  "header states (at most 32 times its size)");
}

// One required INT64 DECIMAL(18, scale) column, PLAIN, in one page.
std::string decimalParquet(const std::vector<std::int64_t>& values, int scale) {
  std::string data;
  for (const std::int64_t v : values)
    for (int i = 0; i < 8; ++i) data += char((std::uint64_t(v) >> (8 * i)) & 0xFF);
  const std::string page = pageHeader(0, data.size(), int(values.size()), 0) + data;
  ThriftCompactWriter f;
  f.i32(1, 1);
  f.list(2, 12, 2);
  f.beginElement(), f.binary(4, "schema"), f.i32(5, 1), f.end();
  f.beginElement(), f.i32(1, 2), f.i32(3, 0), f.binary(4, "amount"), f.i32(6, 5), f.i32(7, scale),
      f.i32(8, 18), f.end();
  f.i64(3, std::int64_t(values.size()));
  f.list(4, 12, 1);
  f.beginElement();
  f.list(1, 12, 1);
  f.beginElement();
  f.i64(2, 4);
  f.beginStruct(3);
  f.i32(1, 2);
  f.list(2, 5, 1), f.zigzag(0);
  f.list(3, 8, 1), f.rawBinary("amount");
  f.i32(4, 0);
  f.i64(5, std::int64_t(values.size()));
  f.i64(6, std::int64_t(page.size()));
  f.i64(7, std::int64_t(page.size()));
  f.i64(9, 4);
  f.end();  // ColumnMetaData
  f.end();  // ColumnChunk
  f.i64(2, std::int64_t(page.size()));
  f.i64(3, std::int64_t(values.size()));
  f.end();  // RowGroup
  f.bytes += '\0';
  return "PAR1" + page + footerTail(f.bytes);
}

TEST(ParquetFileHandMade, DecimalsAsTextAreExact) {
  teramind::test::ScratchDirectory scratch;
  const fs::path file = scratch / "decimal.parquet";
  writeAll(file, decimalParquet({123, -5, 0, 1234567890123456789, INT64_MIN}, 3));
  const ParquetFile parquet(file);
  // Through a double, 1234567890123456.789 would come back as 1234567890123456.8.
  EXPECT_EQ(parquet.readStrings(0, 0),
            (std::vector<std::string>{"0.123", "-0.005", "0.000", "1234567890123456.789",
                                      "-9223372036854775.808"}));
  writeAll(file, decimalParquet({123, -7}, 0));
  EXPECT_EQ(ParquetFile(file).readStrings(0, 0), (std::vector<std::string>{"123", "-7"}));
  writeAll(file, decimalParquet({123}, 2));
  EXPECT_EQ(ParquetFile(file).readStrings(0, 0), (std::vector<std::string>{"1.23"}));
  EXPECT_NEAR(ParquetFile(file).readNumbers(0, 0)[0], 1.23, 1e-12);
}

}  // namespace
