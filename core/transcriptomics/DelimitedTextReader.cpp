#include "transcriptomics/DelimitedTextReader.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/FileError.h"

namespace teramind {
namespace {

constexpr std::size_t kMaxLineBytes = std::size_t(64) << 20;
// Tables are stored in float: larger magnitudes would become infinities.
constexpr double kMaxMagnitude = 3.4e38;

}  // namespace

DelimitedTextReader::DelimitedTextReader(const std::filesystem::path& file, Delimiter delimiter,
                                         ReadProgress progress)
    : file_(file), delimiter_(delimiter), progress_(std::move(progress)) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) throw FileError(file, "file does not exist");
  fileBytes_ = std::filesystem::file_size(file, error);
  gz_ = gzopen(file.c_str(), "rb");
  if (!gz_) throw FileError(file, "cannot be opened for reading");
  gzbuffer(static_cast<gzFile>(gz_), 1 << 18);
}

DelimitedTextReader::~DelimitedTextReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

void DelimitedTextReader::fail(const std::string& problem) const {
  throw FileError(file_, "line " + std::to_string(line_) + ": " + problem);
}

bool DelimitedTextReader::readLine() {
  auto* gz = static_cast<gzFile>(gz_);
  text_.clear();
  char buffer[1 << 16];
  bool any = false;
  while (gzgets(gz, buffer, sizeof buffer)) {
    any = true;
    text_.append(buffer);
    if (!text_.empty() && text_.back() == '\n') break;
    if (text_.size() > kMaxLineBytes)
      throw FileError(file_, "line " + std::to_string(line_ + 1) + " is longer than " +
                                 std::to_string(kMaxLineBytes >> 20) + " MiB: not a text table");
  }
  int code = Z_OK;
  const char* message = gzerror(gz, &code);
  if (code != Z_OK && code != Z_STREAM_END)
    throw FileError(
        file_, "line " + std::to_string(line_ + 1) + ": corrupt compressed data (" + message + ")");
  if (!any) return false;
  ++line_;
  while (!text_.empty() && (text_.back() == '\n' || text_.back() == '\r')) text_.pop_back();
  if (progress_ && line_ - lastProgressLine_ >= 4096 && fileBytes_ > 0) {
    lastProgressLine_ = line_;
    const double fraction = std::min(1.0, double(gzoffset(gz)) / double(fileBytes_));
    if (fraction - lastProgress_ >= 0.005) {  // a few hundred calls per file, at most
      lastProgress_ = fraction;
      progress_(fraction);
    }
  }
  return true;
}

void DelimitedTextReader::split() {
  fields_.clear();
  if (delimiter_ == Delimiter::Whitespace) {
    std::size_t i = 0;
    while (i < text_.size()) {
      while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t')) ++i;
      if (i == text_.size()) break;
      std::string field;
      if (text_[i] == '"') {
        const std::size_t close = text_.find('"', i + 1);
        if (close == std::string::npos) fail("unterminated quoted field");
        field = text_.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        const std::size_t end = text_.find_first_of(" \t", i);
        field = text_.substr(i, end == std::string::npos ? std::string::npos : end - i);
        i = end == std::string::npos ? text_.size() : end;
      }
      fields_.push_back(std::move(field));
    }
    return;
  }
  const char sep = delimiter_ == Delimiter::Comma ? ',' : '\t';
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text_.size(); ++i) {
    const char c = text_[i];
    if (quoted) {
      if (c == '"' && i + 1 < text_.size() && text_[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == sep) {
      fields_.push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) fail("unterminated quoted field");
  fields_.push_back(std::move(field));
}

const std::vector<std::string>& DelimitedTextReader::readHeader() {
  if (!next()) throw FileError(file_, "is empty: no header line");
  header_ = fields_;
  if (!header_.empty() && header_[0].rfind("\xEF\xBB\xBF", 0) == 0) header_[0].erase(0, 3);
  return header_;
}

std::optional<std::size_t> DelimitedTextReader::findColumn(const std::string& name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  return std::nullopt;
}

std::size_t DelimitedTextReader::column(const std::string& name) const {
  if (auto index = findColumn(name)) return *index;
  std::string has;
  for (std::size_t i = 0; i < header_.size() && i < 12; ++i)
    has += (i ? ", " : "") + (header_[i].empty() ? std::string("(unnamed)") : header_[i]);
  if (header_.size() > 12) has += ", ...";
  throw FileError(file_, "missing column '" + name + "' (has: " + has + ")");
}

bool DelimitedTextReader::next() {
  while (readLine()) {
    if (text_.find_first_not_of(" \t") == std::string::npos) continue;
    split();
    return true;
  }
  if (progress_) progress_(1.0);
  return false;
}

std::string_view DelimitedTextReader::field(std::size_t index) const {
  if (index >= fields_.size())
    fail("has " + std::to_string(fields_.size()) + " fields, column '" + columnName(index) +
         "' is missing");
  return fields_[index];
}

std::string DelimitedTextReader::columnName(std::size_t index) const {
  if (index < header_.size() && !header_[index].empty()) return header_[index];
  return "#" + std::to_string(index + 1);
}

double DelimitedTextReader::number(std::size_t index) const {
  const std::string_view text = field(index);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    fail("column '" + columnName(index) + "': '" + std::string(text) + "' is not a number");
  if (!std::isfinite(value) || std::abs(value) > kMaxMagnitude)
    fail("column '" + columnName(index) + "': '" + std::string(text) + "' is not finite" +
         (std::isfinite(value) ? " in single precision" : ""));
  return value;
}

double DelimitedTextReader::count(std::size_t index) const {
  const double value = number(index);
  if (value < 0)
    fail("column '" + columnName(index) + "': negative count " + std::string(field(index)));
  return value;
}

void DelimitedTextReader::requireHeaderWidth() const {
  if (fields_.size() != header_.size())
    fail("has " + std::to_string(fields_.size()) + " fields, the header has " +
         std::to_string(header_.size()));
}

}  // namespace teramind
