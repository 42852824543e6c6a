#include "io/TiffDirectoryCheck.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <unordered_set>

#include "common/FileError.h"

namespace teramind {

namespace {

// Bytes of one value of a TIFF field type; 0 for a type libtiff does not know (it skips those).
std::uint64_t typeBytes(std::uint16_t type) {
  switch (type) {
    case 1:
    case 2:
    case 6:
    case 7:
      return 1;  // BYTE, ASCII, SBYTE, UNDEFINED
    case 3:
    case 8:
      return 2;  // SHORT, SSHORT
    case 4:
    case 9:
    case 11:
    case 13:
      return 4;  // LONG, SLONG, FLOAT, IFD
    case 5:
    case 10:
    case 12:
    case 16:
    case 17:
    case 18:
      return 8;  // RATIONALs, DOUBLE, 8-byte
    default:
      return 0;
  }
}

constexpr std::uint16_t kAscii = 2;

class RawTiff {
 public:
  RawTiff(const std::filesystem::path& file) : file_(file), in_(file, std::ios::binary) {
    if (!in_) throw FileError(file, "cannot be opened for reading");
    in_.seekg(0, std::ios::end);
    size_ = std::uint64_t(in_.tellg());
  }
  std::uint64_t size() const { return size_; }

  // Reads `bytes` (≤ 8) at `offset` as an unsigned integer in the file's byte order.
  std::uint64_t read(std::uint64_t offset, int bytes, const std::string& what) {
    if (offset > size_ || size_ - offset < std::uint64_t(bytes))
      throw FileError(file_, what + " at byte " + std::to_string(offset) + " lies past the end (" +
                                 std::to_string(size_) + " bytes)");
    unsigned char buffer[8] = {};
    in_.seekg(std::streamoff(offset));
    in_.read(reinterpret_cast<char*>(buffer), bytes);
    if (!in_) throw FileError(file_, "cannot read " + what + " at byte " + std::to_string(offset));
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) {
      const int at = littleEndian_ ? bytes - 1 - i : i;
      value = (value << 8) | buffer[at];
    }
    return value;
  }
  void setLittleEndian(bool little) { littleEndian_ = little; }

 private:
  const std::filesystem::path& file_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
  bool littleEndian_ = true;
};

}  // namespace

void checkTiffDirectoriesInFile(const std::filesystem::path& file, bool asciiMustEndInNul) {
  RawTiff tiff(file);
  if (tiff.size() < 8) throw FileError(file, "is not a TIFF file (shorter than its header)");
  const std::uint64_t order = tiff.read(0, 2, "the byte order");
  if (order != 0x4949 && order != 0x4d4d)
    throw FileError(file, "is not a TIFF file (no II or MM byte order mark)");
  tiff.setLittleEndian(order == 0x4949);
  const std::uint64_t version = tiff.read(2, 2, "the version");
  if (version != 42 && version != 43)
    throw FileError(file, "is not a TIFF file (version " + std::to_string(version) + ")");
  const bool big = version == 43;
  const int offsetBytes = big ? 8 : 4;
  const int countBytes = big ? 8 : 2;
  const std::uint64_t entryBytes = big ? 20 : 12;
  std::uint64_t directory = tiff.read(big ? 8 : 4, offsetBytes, "the first directory offset");
  std::unordered_set<std::uint64_t> seen;
  for (int page = 1; directory != 0; ++page) {
    const std::string where = "TIFF page " + std::to_string(page) + " directory";
    if (!seen.insert(directory).second)
      throw FileError(
          file, where + ": the directory chain loops back to byte " + std::to_string(directory));
    const std::uint64_t entries = tiff.read(directory, countBytes, where + " entry count");
    const std::uint64_t first = directory + std::uint64_t(countBytes);
    if (entries > (tiff.size() - std::min(tiff.size(), first)) / entryBytes)
      throw FileError(file,
                      where + ": " + std::to_string(entries) + " entries do not fit in the file");
    for (std::uint64_t e = 0; e < entries; ++e) {
      const std::uint64_t at = first + e * entryBytes;
      const auto tag = tiff.read(at, 2, where + " entry");
      const auto type = std::uint16_t(tiff.read(at + 2, 2, where + " entry"));
      const std::uint64_t count = tiff.read(at + 4, offsetBytes, where + " entry");
      const std::uint64_t unit = typeBytes(type);
      if (unit == 0) continue;
      const std::string field = where + ", tag " + std::to_string(tag);
      if (count > tiff.size() / unit)
        throw FileError(file, field + ": " + std::to_string(count) +
                                  " values cannot fit in a file of " + std::to_string(tiff.size()) +
                                  " bytes");
      const std::uint64_t bytes = count * unit;
      const bool inEntry = bytes <= std::uint64_t(offsetBytes);  // the values sit in the entry
      const std::uint64_t valuesAt =
          inEntry ? at + 4 + offsetBytes : tiff.read(at + 4 + offsetBytes, offsetBytes, field);
      if (!inEntry && (valuesAt > tiff.size() || tiff.size() - valuesAt < bytes))
        throw FileError(file, field + ": its " + std::to_string(count) + " values (" +
                                  std::to_string(bytes) + " bytes at byte " +
                                  std::to_string(valuesAt) + ") lie past the end of the file (" +
                                  std::to_string(tiff.size()) + " bytes)");
      if (asciiMustEndInNul && type == kAscii &&
          (count == 0 || tiff.read(valuesAt + count - 1, 1, field) != 0))
        throw FileError(file, field + ": its ASCII value (" + std::to_string(count) +
                                  (count == 1 ? " byte" : " bytes") +
                                  ") does not end in a NUL byte");
    }
    directory = tiff.read(first + entries * entryBytes, offsetBytes, where + " next offset");
  }
}

}  // namespace teramind
