#include "io/NrrdDataCheck.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <zlib.h>

#include "common/FileError.h"

namespace teramind {

namespace {

class DataReader {
 public:
  explicit DataReader(const NrrdHeader& header)
      : header_(header), in_(header.dataFile, std::ios::binary) {
    if (!in_) fail("cannot be opened");
    offset_ = header.dataOffset;
    in_.seekg(static_cast<std::streamoff>(offset_));
  }

  void check() {
    for (std::int64_t line = 0; line < header_.lineSkip; ++line) skipLine();
    if (header_.byteSkip < 0 && header_.encoding != NrrdEncoding::Raw)
      throw FileError(header_.dataFile,
                      "byte skip: -1 (the data at the file's end) works only "
                      "with raw encoding");
    switch (header_.encoding) {
      case NrrdEncoding::Raw:
        return;
      case NrrdEncoding::Gzip:
        return checkGzip();
      case NrrdEncoding::Hex:
        skipBytes(static_cast<std::uint64_t>(header_.byteSkip));
        return checkHex();
      case NrrdEncoding::Ascii:
        skipBytes(static_cast<std::uint64_t>(header_.byteSkip));
        return checkAscii();
    }
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw FileError(header_.dataFile, "data: " + problem);
  }
  std::string at() const { return " (byte offset " + std::to_string(offset_) + ")"; }

  // The next byte, or -1 at the end of the file.
  int next() {
    const int ch = in_.get();
    if (ch != std::char_traits<char>::eof()) ++offset_;
    return ch == std::char_traits<char>::eof() ? -1 : ch;
  }
  void skipLine() {
    for (int ch = next(); ch != '\n'; ch = next())
      if (ch < 0) fail("the file ends inside the lines \"line skip\" skips" + at());
  }
  void skipBytes(std::uint64_t count) {
    for (std::uint64_t i = 0; i < count; ++i)
      if (next() < 0) fail("the file ends inside the bytes \"byte skip\" skips" + at());
  }

  void checkGzip() {
    const std::uint64_t needed = static_cast<std::uint64_t>(header_.byteSkip) + header_.dataBytes();
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) fail("zlib cannot start");
    struct End {
      z_stream* s;
      ~End() { inflateEnd(s); }
    } end{&stream};
    std::vector<unsigned char> input(1 << 16), output(1 << 16);
    std::uint64_t produced = 0;
    const std::uint64_t start = offset_;
    int status = Z_OK;
    while (status != Z_STREAM_END) {
      if (stream.avail_in == 0) {
        in_.read(reinterpret_cast<char*>(input.data()), static_cast<std::streamsize>(input.size()));
        const auto got = static_cast<uInt>(in_.gcount());
        if (got == 0)
          fail("truncated gzip stream: it breaks off after " + std::to_string(produced) + " of " +
               std::to_string(needed) + " bytes (byte offset " +
               std::to_string(start + stream.total_in) + ", the end of the file)");
        stream.next_in = input.data();
        stream.avail_in = got;
      }
      stream.next_out = output.data();
      stream.avail_out = static_cast<uInt>(output.size());
      status = inflate(&stream, Z_NO_FLUSH);
      produced += output.size() - stream.avail_out;
      if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR)
        fail(std::string("corrupt gzip stream: ") + (stream.msg ? stream.msg : "inflate failed") +
             " (byte offset " + std::to_string(start + stream.total_in) + ", after " +
             std::to_string(produced) + " of " + std::to_string(needed) + " bytes)");
      if (produced > needed)
        fail("the gzip stream holds more than the " + std::to_string(needed) +
             " bytes the header declares (byte offset " + std::to_string(start + stream.total_in) +
             ")");
    }
    if (produced < needed)
      fail("truncated gzip stream: it ends after " + std::to_string(produced) + " of the " +
           std::to_string(needed) + " bytes the header declares (byte offset " +
           std::to_string(start + stream.total_in) + ")");
  }

  void checkHex() {
    const std::uint64_t needed = 2 * header_.dataBytes();
    for (std::uint64_t digits = 0; digits < needed;) {
      const int ch = next();
      if (ch < 0)
        fail("the file ends after " + std::to_string(digits) + " of " + std::to_string(needed) +
             " hex digits" + at());
      if (std::isxdigit(ch))
        ++digits;
      else if (!std::isspace(ch))
        fail("not a hex digit" + at());
    }
  }

  void checkAscii() {
    constexpr std::size_t kLongestValue = 128;
    std::string token;
    for (std::uint64_t values = 0; values < header_.valueCount;) {
      const int ch = next();
      if (ch >= 0 && !std::isspace(ch) && ch != ',') {
        token += static_cast<char>(ch);
        if (token.size() > kLongestValue)
          fail("a value longer than " + std::to_string(kLongestValue) + " characters" + at());
        continue;
      }
      if (!token.empty()) {
        char* end = nullptr;
        std::strtod(token.c_str(), &end);
        if (end != token.c_str() + token.size())
          fail("not a number: " + quotedNrrdValue(token) + at());
        token.clear();
        ++values;
      } else if (ch < 0) {
        fail("the file ends after " + std::to_string(values) + " of " +
             std::to_string(header_.valueCount) + " values" + at());
      }
    }
  }

  const NrrdHeader& header_;
  std::ifstream in_;
  std::uint64_t offset_ = 0;
};

}  // namespace

void checkNrrdData(const NrrdHeader& header) {
  DataReader(header).check();
}

}  // namespace teramind
