#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transcriptomics/ReadProgress.h"

namespace teramind {

// Streams a delimited text table (CSV, TSV, whitespace-separated), plain or gzip-compressed,
// one record at a time: memory stays at one line (at most 64 MiB) however large the file. Fields
// may be RFC-4180 quoted. Every error is a FileError naming the file, the line and the problem.
class DelimitedTextReader {
 public:
  enum class Delimiter { Comma, Tab, Whitespace };

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

  // Advances to the next non-empty record; false at the end of the file.
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
  bool readLine();
  void split();
  std::string columnName(std::size_t index) const;

  std::filesystem::path file_;
  Delimiter delimiter_;
  ReadProgress progress_;
  void* gz_ = nullptr;  // gzFile; zlib reads plain files through the same calls
  std::uint64_t fileBytes_ = 0;
  std::uint64_t line_ = 0;
  std::uint64_t lastProgressLine_ = 0;
  double lastProgress_ = 0;
  std::string text_;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
};

}  // namespace teramind
