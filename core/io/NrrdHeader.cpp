#include "io/NrrdHeader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <zlib.h>

#include "common/AsciiCase.h"
#include "common/FileError.h"

namespace teramind {
namespace {

// NrrdIO's own limits (NRRD_DIM_MAX, NRRD_SPACE_DIM_MAX) and the largest grid Image3D accepts.
constexpr int kMaxDimension = 16;
constexpr int kMaxSpaceDimension = 8;
constexpr std::uint64_t kMaxValues = std::uint64_t{1} << 42;
// zlib's deflate cannot compress better than about 1032:1, so a gzip stream of n bytes holds
// at most ~1032 n bytes: a tiny file cannot honestly declare a huge grid.
constexpr std::uint64_t kGzipMaxRatio = 1032;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

}  // namespace

std::string quotedNrrdValue(std::string_view value) {
  constexpr std::size_t kShown = 40;
  if (value.size() <= kShown) return "\"" + std::string(value) + "\"";
  return "\"" + std::string(value.substr(0, kShown)) + "...\" (" + std::to_string(value.size()) +
         " characters)";
}

namespace {

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::optional<std::int64_t> parseInteger(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parseNumber(std::string_view text, bool allowNan) {
  if (allowNan && asciiLower(text) == "nan") return std::nan("");
  const std::string copy(text);
  if (copy.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

struct TypeName {
  const char* canonical;
  int bytes;
};

// Every spelling teem accepts for a scalar type ("block" is refused: ITK cannot read it).
const std::map<std::string, TypeName>& typeNames() {
  static const std::map<std::string, TypeName> names = [] {
    std::map<std::string, TypeName> m;
    const auto add = [&](TypeName type, std::initializer_list<const char*> spellings) {
      for (const char* s : spellings) m.emplace(s, type);
    };
    add({"signed char", 1}, {"signed char", "int8", "int8_t"});
    add({"unsigned char", 1}, {"uchar", "unsigned char", "uint8", "uint8_t"});
    add({"short", 2},
        {"short", "short int", "signed short", "signed short int", "int16", "int16_t"});
    add({"unsigned short", 2},
        {"ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"});
    add({"int", 4}, {"int", "signed int", "int32", "int32_t"});
    add({"unsigned int", 4}, {"uint", "unsigned int", "uint32", "uint32_t"});
    add({"long long", 8}, {"longlong", "long long", "long long int", "signed long long",
                           "signed long long int", "int64", "int64_t"});
    add({"unsigned long long", 8},
        {"ulonglong", "unsigned long long", "unsigned long long int", "uint64", "uint64_t"});
    add({"float", 4}, {"float"});
    add({"double", 8}, {"double"});
    return m;
  }();
  return names;
}

int spaceDimensionOf(const std::string& space) {
  static const std::map<std::string, int> spaces = {{"right-anterior-superior", 3},
                                                    {"ras", 3},
                                                    {"left-anterior-superior", 3},
                                                    {"las", 3},
                                                    {"left-posterior-superior", 3},
                                                    {"lps", 3},
                                                    {"right-anterior-superior-time", 4},
                                                    {"rast", 4},
                                                    {"left-anterior-superior-time", 4},
                                                    {"last", 4},
                                                    {"left-posterior-superior-time", 4},
                                                    {"lpst", 4},
                                                    {"scanner-xyz", 3},
                                                    {"scanner-xyz-time", 4},
                                                    {"3d-right-handed", 3},
                                                    {"3d-left-handed", 3},
                                                    {"3d-right-handed-time", 4},
                                                    {"3d-left-handed-time", 4}};
  const auto it = spaces.find(space);
  return it == spaces.end() ? 0 : it->second;
}

// Field names as teem spells them, spaces removed ("spacedirections" and "space directions"
// are both accepted there).
const std::map<std::string, std::string>& fieldNames() {
  static const std::map<std::string, std::string> names = [] {
    std::map<std::string, std::string> m;
    for (const char* name : {"content",
                             "number",
                             "type",
                             "block size",
                             "dimension",
                             "space",
                             "space dimension",
                             "sizes",
                             "space directions",
                             "spacings",
                             "thicknesses",
                             "axis mins",
                             "axis maxs",
                             "centers",
                             "centerings",
                             "kinds",
                             "labels",
                             "units",
                             "min",
                             "max",
                             "old min",
                             "old max",
                             "endian",
                             "encoding",
                             "line skip",
                             "byte skip",
                             "data file",
                             "space units",
                             "space origin",
                             "measurement frame",
                             "sample units"}) {
      std::string key = name;
      key.erase(std::remove(key.begin(), key.end(), ' '), key.end());
      m.emplace(key, name);
    }
    m["centerings"] = "centers";
    return m;
  }();
  return names;
}

class HeaderParser {
 public:
  HeaderParser(const std::filesystem::path& file, std::uint64_t fileSize)
      : file_(file), fileSize_(fileSize) {}

  NrrdHeader parse(std::string_view text);

 private:
  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw FileError(file_,
                    field + ": " + problem +
                        (line_ > 0 ? " (corrupt header, line " + std::to_string(line_) + ")" : ""));
  }
  void needDimension(const std::string& field) const {
    if (header_.dimension == 0) fail(field, "comes before the dimension field");
  }
  void needSpace(const std::string& field) const {
    if (header_.spaceDimension == 0) fail(field, "comes before a space or space dimension field");
  }
  void parseField(const std::string& field, std::string_view value);
  void parsePerAxisNumbers(const std::string& field, std::string_view value);
  void parsePerAxisWords(const std::string& field, std::string_view value);
  void parsePerAxisQuoted(const std::string& field, std::string_view value);
  std::vector<std::optional<std::vector<double>>> parseVectors(const std::string& field,
                                                               std::string_view value) const;
  void parseDataFile(std::string_view value);
  void checkComplete(std::uint64_t headerEnd);

  std::filesystem::path file_;
  std::uint64_t fileSize_;
  NrrdHeader header_;
  std::set<std::string> seen_;
  int line_ = 0;
  bool typeSet_ = false, encodingSet_ = false;
  std::int64_t byteSkip_ = 0;
  bool detached_ = false;
};

std::vector<std::optional<std::vector<double>>> HeaderParser::parseVectors(
    const std::string& field, std::string_view value) const {
  std::vector<std::optional<std::vector<double>>> vectors;
  std::size_t i = 0;
  while (true) {
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    if (i == value.size()) break;
    if (asciiLower(value.substr(i, 4)) == "none") {
      vectors.emplace_back(std::nullopt);
      i += 4;
      continue;
    }
    if (value[i] != '(')
      fail(field,
           "expected a vector like (1,0,0) or none, got " + quotedNrrdValue(value.substr(i)));
    const std::size_t close = value.find(')', i);
    if (close == std::string_view::npos) fail(field, "a vector has no closing parenthesis");
    std::vector<double> components;
    std::string_view inside = value.substr(i + 1, close - i - 1);
    while (true) {
      const std::size_t comma = inside.find(',');
      const auto number = parseNumber(trim(inside.substr(0, comma)), false);
      if (!number)
        fail(field, "not a finite number: " + quotedNrrdValue(trim(inside.substr(0, comma))));
      components.push_back(*number);
      if (comma == std::string_view::npos) break;
      inside.remove_prefix(comma + 1);
    }
    if (static_cast<int>(components.size()) != header_.spaceDimension)
      fail(field, "a vector has " + std::to_string(components.size()) +
                      " components, the space has " + std::to_string(header_.spaceDimension));
    vectors.emplace_back(std::move(components));
    i = close + 1;
  }
  return vectors;
}

void HeaderParser::parsePerAxisNumbers(const std::string& field, std::string_view value) {
  needDimension(field);
  const auto tokens = words(value);
  if (static_cast<int>(tokens.size()) != header_.dimension)
    fail(field, std::to_string(tokens.size()) + " values for " + std::to_string(header_.dimension) +
                    " axes");
  for (auto token : tokens)
    if (!parseNumber(token, true)) fail(field, "not a number: " + quotedNrrdValue(token));
}

void HeaderParser::parsePerAxisWords(const std::string& field, std::string_view value) {
  needDimension(field);
  const auto tokens = words(value);
  if (static_cast<int>(tokens.size()) != header_.dimension)
    fail(field, std::to_string(tokens.size()) + " values for " + std::to_string(header_.dimension) +
                    " axes");
}

void HeaderParser::parsePerAxisQuoted(const std::string& field, std::string_view value) {
  needDimension(field);
  int count = 0;
  std::size_t i = 0;
  while (true) {
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    if (i == value.size()) break;
    if (value[i] != '"')
      fail(field, "expected quoted strings, got " + quotedNrrdValue(value.substr(i)));
    ++i;
    while (i < value.size() && value[i] != '"') i += value[i] == '\\' ? 2 : 1;
    if (i >= value.size()) fail(field, "a quoted string is not closed");
    ++i;
    ++count;
  }
  if (count != header_.dimension)
    fail(field,
         std::to_string(count) + " strings for " + std::to_string(header_.dimension) + " axes");
}

void HeaderParser::parseDataFile(std::string_view value) {
  if (value.empty()) fail("data file", "is empty");
  if (asciiLower(value.substr(0, 4)) == "list" || value.find('%') != std::string_view::npos ||
      words(value).size() != 1)
    fail("data file",
         "lists and numbered file patterns are not supported, got " + quotedNrrdValue(value));
  std::filesystem::path data(std::string{value});
  if (data.is_relative()) data = file_.parent_path() / data;
  std::error_code error;
  if (!std::filesystem::is_regular_file(data, error))
    fail("data file", quotedNrrdValue(value) + " is not a readable file beside the header");
  header_.dataFile = data;
  header_.dataOffset = 0;
  detached_ = true;
}

void HeaderParser::parseField(const std::string& field, std::string_view value) {
  if (field == "dimension") {
    const auto d = parseInteger(value);
    if (!d || *d < 1 || *d > kMaxDimension)
      fail(field, "must be an integer from 1 to " + std::to_string(kMaxDimension) + ", got " +
                      quotedNrrdValue(value));
    header_.dimension = static_cast<int>(*d);
  } else if (field == "type") {
    const auto& names = typeNames();
    const auto it = names.find(asciiLower(value));
    if (asciiLower(value) == "block") fail(field, "block is not supported");
    if (it == names.end()) fail(field, "unknown type " + quotedNrrdValue(value));
    header_.type = it->second.canonical;
    header_.bytesPerValue = it->second.bytes;
    typeSet_ = true;
  } else if (field == "sizes") {
    needDimension(field);
    const auto tokens = words(value);
    if (static_cast<int>(tokens.size()) != header_.dimension)
      fail(field, std::to_string(tokens.size()) + " sizes for dimension " +
                      std::to_string(header_.dimension));
    std::uint64_t count = 1;
    for (auto token : tokens) {
      const auto size = parseInteger(token);
      if (!size || *size < 1)
        fail(field, "each size must be a positive integer, got " + quotedNrrdValue(token));
      if (static_cast<std::uint64_t>(*size) > kMaxValues / count)
        fail(field, "too large, more than 2^42 values");
      count *= static_cast<std::uint64_t>(*size);
      header_.sizes.push_back(*size);
    }
    header_.valueCount = count;
  } else if (field == "encoding") {
    const std::string e = asciiLower(value);
    if (e == "raw")
      header_.encoding = NrrdEncoding::Raw;
    else if (e == "txt" || e == "text" || e == "ascii")
      header_.encoding = NrrdEncoding::Ascii;
    else if (e == "hex")
      header_.encoding = NrrdEncoding::Hex;
    else if (e == "gz" || e == "gzip")
      header_.encoding = NrrdEncoding::Gzip;
    else if (e == "bz2" || e == "bzip2")
      fail(field, "bzip2 is not supported (use raw or gzip)");
    else
      fail(field, "unknown encoding " + quotedNrrdValue(value));
    encodingSet_ = true;
  } else if (field == "endian") {
    const std::string e = asciiLower(value);
    if (e != "little" && e != "big")
      fail(field, "must be little or big, got " + quotedNrrdValue(value));
    header_.endian = e;
  } else if (field == "space") {
    if (header_.spaceDimension != 0) fail(field, "given with a space dimension");
    header_.spaceDimension = spaceDimensionOf(asciiLower(value));
    if (header_.spaceDimension == 0) fail(field, "unknown space " + quotedNrrdValue(value));
  } else if (field == "space dimension") {
    if (header_.spaceDimension != 0) fail(field, "given with a space");
    const auto d = parseInteger(value);
    if (!d || *d < 1 || *d > kMaxSpaceDimension)
      fail(field, "must be an integer from 1 to " + std::to_string(kMaxSpaceDimension) + ", got " +
                      quotedNrrdValue(value));
    header_.spaceDimension = static_cast<int>(*d);
  } else if (field == "space directions") {
    needDimension(field);
    needSpace(field);
    const auto vectors = parseVectors(field, value);
    if (static_cast<int>(vectors.size()) != header_.dimension)
      fail(field, std::to_string(vectors.size()) + " entries for " +
                      std::to_string(header_.dimension) + " axes");
  } else if (field == "space origin") {
    needSpace(field);
    const auto vectors = parseVectors(field, value);
    if (vectors.size() != 1 || !vectors[0]) fail(field, "must be one vector like (0,0,0)");
  } else if (field == "measurement frame") {
    needSpace(field);
    const auto vectors = parseVectors(field, value);
    if (static_cast<int>(vectors.size()) != header_.spaceDimension)
      fail(field, "needs " + std::to_string(header_.spaceDimension) + " vectors");
  } else if (field == "space units") {
    needSpace(field);
  } else if (field == "spacings" || field == "thicknesses" || field == "axis mins" ||
             field == "axis maxs") {
    parsePerAxisNumbers(field, value);
  } else if (field == "kinds" || field == "centers") {
    parsePerAxisWords(field, value);
  } else if (field == "labels" || field == "units") {
    parsePerAxisQuoted(field, value);
  } else if (field == "min" || field == "max" || field == "old min" || field == "old max") {
    if (!parseNumber(value, true)) fail(field, "not a number: " + quotedNrrdValue(value));
  } else if (field == "line skip") {
    const auto skip = parseInteger(value);
    if (!skip || *skip < 0)
      fail(field, "must be a non-negative integer, got " + quotedNrrdValue(value));
    if (*skip > 0) header_.dataOffsetKnown = false;
    header_.lineSkip = *skip;
  } else if (field == "byte skip") {
    const auto skip = parseInteger(value);
    if (!skip || *skip < -1) fail(field, "must be an integer >= -1, got " + quotedNrrdValue(value));
    byteSkip_ = *skip;
    header_.byteSkip = *skip;
  } else if (field == "data file") {
    parseDataFile(value);
  } else if (field == "block size") {
    fail(field, "block types are not supported");
  }
  // content, number, sample units: free text, never parsed by ITK.
}

void HeaderParser::checkComplete(std::uint64_t headerEnd) {
  line_ = 0;
  if (header_.dimension == 0) fail("dimension", "missing");
  if (!typeSet_) fail("type", "missing");
  if (header_.sizes.empty()) fail("sizes", "missing");
  if (!encodingSet_) fail("encoding", "missing");
  if (header_.bytesPerValue > 1 && header_.encoding != NrrdEncoding::Ascii &&
      header_.endian.empty())
    fail("endian", "missing, and " + header_.type + " values need it");
  if (!detached_) {
    header_.dataFile = file_;
    header_.dataOffset = headerEnd;
  }
  std::uint64_t available = 0;
  if (detached_) {
    std::error_code error;
    available = std::filesystem::file_size(header_.dataFile, error);
    if (error) fail("data file", "cannot read the size of " + header_.dataFile.string());
  } else {
    available = fileSize_ > headerEnd ? fileSize_ - headerEnd : 0;
  }
  if (byteSkip_ > 0) {
    header_.dataOffsetKnown = false;
    available = available > static_cast<std::uint64_t>(byteSkip_)
                    ? available - static_cast<std::uint64_t>(byteSkip_)
                    : 0;
  } else if (byteSkip_ < 0) {
    header_.dataOffsetKnown = false;  // the raw data is the file's last bytes
  }
  std::string grid;
  for (auto s : header_.sizes) grid += (grid.empty() ? "" : "x") + std::to_string(s);
  const std::uint64_t bytes = header_.dataBytes();
  const std::string where = detached_ ? "the data file holds " : "the file holds ";
  const std::string need = grid + " " + header_.type + " values need ";
  switch (header_.encoding) {
    case NrrdEncoding::Raw:
      if (available < bytes)
        fail("sizes", need + std::to_string(bytes) + " bytes of raw data; " + where +
                          std::to_string(available));
      break;
    case NrrdEncoding::Hex:
      if (available / 2 < bytes)
        fail("sizes", need + std::to_string(2 * bytes) + " hex digits; " + where +
                          std::to_string(available) + " bytes");
      break;
    case NrrdEncoding::Ascii:
      if (available / 2 + 1 < header_.valueCount)
        fail("sizes", need + "at least " + std::to_string(2 * header_.valueCount - 1) +
                          " characters of text; " + where + std::to_string(available));
      break;
    case NrrdEncoding::Gzip:
      if (bytes / kGzipMaxRatio > available + 1024)
        fail("sizes", need + std::to_string(bytes) + " bytes, more than a gzip stream of " +
                          std::to_string(available) + " bytes can hold");
      break;
  }
}

NrrdHeader HeaderParser::parse(std::string_view text) {
  if (text.substr(0, 7) != "NRRD000")
    fail("magic", "the file does not start with NRRD000x, it is not a NRRD file");
  std::size_t pos = 0;
  bool ended = false;  // a blank line ends an attached header
  while (pos < text.size()) {
    const std::size_t newline = text.find('\n', pos);
    if (newline == std::string_view::npos && text.size() < fileSize_)
      fail("header", "longer than " + std::to_string(kNrrdMaxHeaderBytes / 1024) +
                         " KiB, or no blank line ends it");
    std::string_view line = text.substr(
        pos, newline == std::string_view::npos ? std::string_view::npos : newline - pos);
    pos = newline == std::string_view::npos ? text.size() : newline + 1;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\0') != std::string_view::npos) fail("header", "holds a NUL byte");
    if (line_ == 1) {
      if (line.size() != 8 || line.substr(0, 7) != "NRRD000" || line[7] < '1' || line[7] > '5')
        fail("magic", "the first line must be NRRD0001 to NRRD0005, got " + quotedNrrdValue(line));
      header_.version = line[7] - '0';
      continue;
    }
    if (line.empty()) {
      ended = true;
      break;
    }
    if (line.front() == '#') continue;
    // teem takes every line holding ":=" as a key/value pair and never parses its value.
    if (line.find(":=") != std::string_view::npos) continue;
    const std::size_t colon = line.find(": ");
    if (line.size() > kNrrdMaxFieldLine)
      fail(colon == std::string_view::npos ? "header" : asciiLower(trim(line.substr(0, colon))),
           "field line of " + std::to_string(line.size()) + " characters, longer than " +
               std::to_string(kNrrdMaxFieldLine));
    if (colon == std::string_view::npos) fail("header", "no \": \" in " + quotedNrrdValue(line));
    std::string key = asciiLower(trim(line.substr(0, colon)));
    key.erase(std::remove(key.begin(), key.end(), ' '), key.end());
    const auto& names = fieldNames();
    const auto it = names.find(key);
    if (it == names.end())
      fail("header", "unknown field " + quotedNrrdValue(line.substr(0, colon)));
    const std::string& field = it->second;
    if (!seen_.insert(field).second) fail(field, "given twice");
    parseField(field, trim(line.substr(colon + 2)));
  }
  if (!ended && !detached_)
    fail("header", text.size() < fileSize_ ? "no blank line ends it"
                                           : "no blank line ends it and no data file is named");
  checkComplete(pos);
  return header_;
}

}  // namespace

NrrdHeader parseNrrdHeader(const std::filesystem::path& file, std::string_view text,
                           std::uint64_t fileSize) {
  return HeaderParser(file, fileSize).parse(text);
}

NrrdHeader readNrrdHeader(const std::filesystem::path& file) {
  std::error_code error;
  const std::uint64_t fileSize = std::filesystem::file_size(file, error);
  if (error) throw FileError(file, "cannot read its size: " + error.message());
  std::ifstream in(file, std::ios::binary);
  if (!in) throw FileError(file, "cannot be opened");
  std::string text(static_cast<std::size_t>(std::min<std::uint64_t>(fileSize, kNrrdMaxHeaderBytes)),
                   '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parseNrrdHeader(file, text, fileSize);
}

}  // namespace teramind
