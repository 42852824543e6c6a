#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transcriptomics/ReadProgress.h"

namespace teramind {

// Streams a delimited text table (CSV, TSV, whitespace-separated), plain or gzip-compressed,
// one record at a time. A background thread reads and inflates the file in blocks of a few MiB
// (at most kBlocksInFlight at once) so decompression overlaps parsing; memory stays at those
// blocks plus one line (at most 64 MiB) however large the file. Fields may be RFC-4180 quoted.
// Every error is a FileError naming the file, the line and the problem.
class DelimitedTextReader {
 public:
  enum class Delimiter { Comma, Tab, Whitespace };

  // Decompressed bytes per block and blocks alive at once (parsed, queued, being filled).
  static constexpr std::size_t kBlockBytes = std::size_t(1) << 20;
  static constexpr std::size_t kBlocksInFlight = 4;

  DelimitedTextReader(const std::filesystem::path& file, Delimiter delimiter = Delimiter::Comma,
                      ReadProgress progress = {});
  ~DelimitedTextReader();
  DelimitedTextReader(const DelimitedTextReader&) = delete;
  DelimitedTextReader& operator=(const DelimitedTextReader&) = delete;

  // Reads the first record as column names; throws if the file is empty.
  const std::vector<std::string>& readHeader();
  const std::vector<std::string>& header() const { return header_; }
  std::optional<std::size_t> findColumn(const std::string& name) const;
  // Throws FileError "missing column 'name' (has: a, b, c)".
  std::size_t column(const std::string& name) const;

  // Advances to the next non-empty record; false at the end of the file. Views returned by
  // field() stay valid until the next call.
  bool next();
  std::size_t fieldCount() const { return fields_.size(); }
  std::string_view field(std::size_t index) const;
  // The field as a number a float can hold; throws FileError naming line and column otherwise.
  double number(std::size_t index) const;
  // A finite, non-negative number (a count).
  double count(std::size_t index) const;
  // Throws unless the record has exactly the header's field count.
  void requireHeaderWidth() const;

  std::uint64_t lineNumber() const { return line_; }
  const std::filesystem::path& file() const { return file_; }
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  class BlockSource;  // the background reader/inflater

  bool nextBlock();
  bool readLine();
  void split();
  bool splitUnquoted(std::string_view text, char sep);
  void requireLineFits(std::size_t bytes) const;
  std::string columnName(std::size_t index) const;

  std::filesystem::path file_;
  Delimiter delimiter_;
  ReadProgress progress_;
  std::unique_ptr<BlockSource> source_;
  std::uint64_t fileBytes_ = 0;
  std::uint64_t line_ = 0;
  std::uint64_t lastProgressLine_ = 0;
  double lastProgress_ = 0;
  // The block being parsed: its bytes, how far lines were taken, file bytes consumed for it.
  const char* block_ = nullptr;
  std::size_t blockSize_ = 0;
  std::size_t blockPos_ = 0;
  std::uint64_t inputOffset_ = 0;
  // A line that spans blocks is assembled here; `lineText_` views either this or the block.
  std::string carry_;
  bool lineInCarry_ = false;
  std::string_view lineText_;
  std::string unquoted_;  // quoted records' fields, unescaped; reserved so views stay valid
  std::vector<std::string> header_;
  std::vector<std::string_view> fields_;
};

}  // namespace teramind
