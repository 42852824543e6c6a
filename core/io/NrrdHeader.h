#pragma once

// Our own reading of a NRRD header, done before ITK sees the file: ITK's NRRD reader formats
// its error messages into a fixed 1 KiB stack buffer, so a long field it cannot parse aborts
// the process (issue 21, finding 1). Everything wrong is a FileError "<field>: <problem>".

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace teramind {

enum class NrrdEncoding { Raw, Ascii, Hex, Gzip };

struct NrrdHeader {
  int version = 0;   // the digit of NRRD000x
  std::string type;  // canonical teem name, e.g. "unsigned short"
  int bytesPerValue = 0;
  int dimension = 0;
  std::vector<std::int64_t> sizes;
  std::uint64_t valueCount = 0;  // product of sizes
  NrrdEncoding encoding = NrrdEncoding::Raw;
  std::string endian;              // "little", "big" or empty (one-byte types, ascii)
  int spaceDimension = 0;          // 0 when the header names no space
  std::filesystem::path dataFile;  // the file holding the data: this one when attached
  std::uint64_t dataOffset = 0;    // where the data starts in dataFile when it is known
  bool dataOffsetKnown = true;     // false with "line skip" or "byte skip"
  std::int64_t lineSkip = 0;       // lines of the data file skipped before the data
  std::int64_t byteSkip = 0;       // bytes skipped (of the decompressed data for gzip); -1: last

  std::uint64_t dataBytes() const { return valueCount * static_cast<std::uint64_t>(bytesPerValue); }
};

// The longest header accepted and the longest field line (key/value pairs and comments may be
// longer): ITK's reader overflows on an unparseable field of about 1,000 characters.
constexpr std::size_t kNrrdMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kNrrdMaxFieldLine = 512;

// Reads at most kNrrdMaxHeaderBytes of `file` and validates the header: magic, each field's
// length and syntax, that the sizes fit what the file (or its detached data file) can hold.
NrrdHeader readNrrdHeader(const std::filesystem::path& file);

// A header value quoted for an error message, cut to 40 characters: messages stay readable.
std::string quotedNrrdValue(std::string_view value);

// The same on a header already in memory. `text` is the file's beginning (it may run past the
// header); `fileSize` is the whole file's size. Touches the disk only for a detached data file.
NrrdHeader parseNrrdHeader(const std::filesystem::path& file, std::string_view text,
                           std::uint64_t fileSize);

}  // namespace teramind
