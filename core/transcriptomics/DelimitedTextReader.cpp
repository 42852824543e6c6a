#include "transcriptomics/DelimitedTextReader.h"

#if defined(TERAMIND_HAVE_ISAL)
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "common/FileError.h"
#include "common/NameList.h"

namespace teramind {
namespace {

constexpr std::size_t kMaxLineBytes = std::size_t(64) << 20;
// Tables are stored in float: larger magnitudes would become infinities.
constexpr double kMaxMagnitude = 3.4e38;
constexpr std::size_t kInputChunkBytes = std::size_t(256) << 10;
// Compressed bytes kept available to the inflater (unless the file ends first), and bytes kept
// free in front of them, where the inflater may give back what it read past a member's end.
constexpr std::size_t kMinInputBytes = 4096;
constexpr std::size_t kInputHeadroom = 16;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

std::uint32_t crc32Of(std::uint32_t crc, const unsigned char* bytes, std::size_t size) {
#if defined(TERAMIND_HAVE_ISAL)
  return crc32_gzip_refl(crc, bytes, size);
#else
  return std::uint32_t(crc32(crc, bytes, uInt(size)));  // blocks are far below 4 GiB
#endif
}

#if defined(TERAMIND_HAVE_ISAL)
// Raw deflate with ISA-L's igzip, two to three times zlib's speed.
class RawInflater {
 public:
  RawInflater() : state_(std::make_unique<inflate_state>()) { isal_inflate_init(state_.get()); }
  void reset() { isal_inflate_reset(state_.get()); }

  // Inflates from `in` into `out`, advancing both; true once the deflate stream ended, with `in`
  // just past its last byte. Throws on corrupt data. The kInputHeadroom bytes before `in` must
  // be writable.
  bool inflate(unsigned char*& in, std::size_t& inLeft, unsigned char*& out, std::size_t& outLeft) {
    inflate_state& s = *state_;
    s.next_in = in;
    s.avail_in = std::uint32_t(inLeft);
    s.next_out = out;
    s.avail_out = std::uint32_t(outLeft);
    const int code = isal_inflate(&s);
    in = s.next_in;
    inLeft = s.avail_in;
    out = s.next_out;
    outLeft = s.avail_out;
    if (code != ISAL_DECOMP_OK) throw std::runtime_error(problem(code));
    if (s.block_state != ISAL_BLOCK_FINISH) return false;
    // igzip's bit buffer holds up to 8 whole bytes read past the stream's end (the gzip
    // trailer's start): they go back in front of `in`.
    const int bits = std::max(0, int(s.read_in_length));
    const auto bytes = std::size_t(bits / 8);
    const std::uint64_t held = s.read_in >> (bits % 8);
    in -= bytes;
    inLeft += bytes;
    for (std::size_t i = 0; i < bytes; ++i) in[i] = static_cast<unsigned char>(held >> (8 * i));
    s.read_in = 0;
    s.read_in_length = 0;
    return true;
  }

 private:
  static std::string problem(int code) {
    switch (code) {
      case ISAL_INVALID_BLOCK:
        return "invalid block";
      case ISAL_INVALID_SYMBOL:
        return "invalid symbol";
      case ISAL_INVALID_LOOKBACK:
        return "invalid distance too far back";
      default:
        return "inflate error " + std::to_string(code);
    }
  }

  std::unique_ptr<inflate_state> state_;  // about 90 KiB
};
#else
// Raw deflate with zlib (used where ISA-L is not installed).
class RawInflater {
 public:
  RawInflater() {
    if (inflateInit2(&z_, -15) != Z_OK) throw std::runtime_error("out of memory");
  }
  ~RawInflater() { inflateEnd(&z_); }
  RawInflater(const RawInflater&) = delete;
  RawInflater& operator=(const RawInflater&) = delete;
  void reset() { inflateReset(&z_); }

  // Inflates from `in` into `out`, advancing both; true once the deflate stream ended, with `in`
  // just past its last byte. Throws on corrupt data.
  bool inflate(unsigned char*& in, std::size_t& inLeft, unsigned char*& out, std::size_t& outLeft) {
    z_.next_in = in;
    z_.avail_in = unsigned(inLeft);
    z_.next_out = out;
    z_.avail_out = unsigned(outLeft);
    const int code = ::inflate(&z_, Z_NO_FLUSH);
    in = z_.next_in;
    inLeft = z_.avail_in;
    out = z_.next_out;
    outLeft = z_.avail_out;
    if (code == Z_STREAM_END) return true;
    if (code == Z_OK || code == Z_BUF_ERROR) return false;  // no progress: the caller decides
    throw std::runtime_error(z_.msg ? z_.msg : "inflate error " + std::to_string(code));
  }

 private:
  z_stream z_{};
};
#endif

}  // namespace

// Fills blocks with the file's (inflated) bytes on its own thread, at most kBlocksInFlight
// blocks ahead, and hands them to the parsing thread in order (a small plain file is read at
// once, in the caller's thread). A gzip file may hold several
// members; bytes after the last member that do not start another are ignored (as zlib's gz*
// functions do). Problems are recorded, never thrown across threads: the parser reports them
// with the line it was reading.
class DelimitedTextReader::BlockSource {
 public:
  // Where a gzip member ends inside a block, with its trailer's CRC-32 and length.
  struct MemberEnd {
    std::size_t offset;
    std::uint32_t crc, length;
  };
  struct Block {
    std::unique_ptr<char[]> bytes;
    std::size_t size = 0;
    std::uint64_t inputOffset = 0;  // file bytes consumed once the block was filled
    std::vector<MemberEnd> memberEnds;
  };

  // `inThisThread`: the whole file is read now, without a worker thread. Only for files whose
  // bytes fit the spare blocks (so nothing waits for the parser): a thread per small file is
  // most of the cost of reading it, under AddressSanitizer ten times the rest.
  // `blockBytes` (at most kBlockBytes) sizes the blocks and the input buffer: a small file
  // needs no more than its size.
  BlockSource(std::FILE* file, std::size_t blockBytes, bool inThisThread)
      : file_(file),
        blockBytes_(blockBytes),
        inputChunkBytes_(std::min(kInputChunkBytes, blockBytes)),
        inThisThread_(inThisThread) {
    // Not zero-filled: only what is read is touched.
    for (std::size_t i = 0; i < kBlocksInFlight; ++i)
      spare_.push_back({std::unique_ptr<char[]>(new char[blockBytes_]), 0, 0, {}});
    if (inThisThread)
      run();
    else
      worker_ = std::thread([this] { run(); });
  }

  ~BlockSource() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  // Gives back the block the parser finished (if any) and waits for the next one; false once
  // the file is exhausted or failed (then problem() says why, empty at a clean end). Runs on
  // the parser's thread, which also checks the gzip CRC-32s: that balances the two threads.
  bool advance() {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (current_.bytes) {
        spare_.push_back(std::move(current_));
        current_ = Block{};
        changed_.notify_all();
      }
      changed_.wait(lock, [&] { return !filled_.empty() || finished_; });
      if (filled_.empty()) return false;
      current_ = std::move(filled_.front());
      filled_.pop_front();
    }
    changed_.notify_all();
    if (compressed_) return check();
    return true;
  }
  const char* bytes() const { return current_.bytes.get(); }
  std::size_t size() const { return current_.size; }
  std::uint64_t inputOffset() const { return current_.inputOffset; }

  // Why advance() returned false; empty at a clean end.
  const std::string& problem() const { return checkProblem_.empty() ? problem_ : checkProblem_; }

 private:
  struct Stopped {};

  // Adds the current block to the running CRC-32 and length, comparing them with the trailer
  // of each member that ends in it.
  bool check() {
    const auto* bytes = reinterpret_cast<const unsigned char*>(current_.bytes.get());
    std::size_t at = 0;
    auto add = [&](std::size_t end) {
      crc_ = crc32Of(crc_, bytes + at, end - at);
      length_ += std::uint32_t(end - at);  // ISIZE is the length modulo 2^32
      at = end;
    };
    for (const MemberEnd& end : current_.memberEnds) {
      add(end.offset);
      if (crc_ != end.crc || length_ != end.length) {
        checkProblem_ = crc_ != end.crc ? "incorrect data check" : "incorrect length check";
        return false;
      }
      crc_ = 0;
      length_ = 0;
    }
    add(current_.size);
    return true;
  }

  void run() {
    std::string problem;
    try {
      produce();
    } catch (const Stopped&) {
    } catch (const std::exception& e) {
      problem = e.what();
    } catch (...) {
      problem = "unknown failure";
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      problem_ = std::move(problem);
      finished_ = true;
    }
    changed_.notify_all();
  }

  Block acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    // Read in this thread, nobody gives a block back: a file that grew after it was sized.
    if (inThisThread_ && spare_.empty()) throw std::runtime_error("the file grew while being read");
    changed_.wait(lock, [&] { return !spare_.empty() || stopping_; });
    if (stopping_) throw Stopped{};
    Block block = std::move(spare_.back());
    spare_.pop_back();
    block.size = 0;
    block.memberEnds.clear();
    return block;
  }

  void publish(Block&& block) {
    block.inputOffset = consumed_;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      filled_.push_back(std::move(block));
    }
    changed_.notify_all();
  }

  // Reads up to `bytes` from the file; 0 at its end.
  std::size_t readFile(void* into, std::size_t bytes) {
    const std::size_t got = std::fread(into, 1, bytes, file_.get());
    if (got == 0 && std::ferror(file_.get()))
      throw std::runtime_error(std::string("read error: ") + std::strerror(errno));
    consumed_ += got;
    return got;
  }

  void produce() {
    // The file's bytes start kInputHeadroom into `input`.
    // Not zero-filled, like the blocks: only the bytes read are touched.
    const std::unique_ptr<unsigned char[]> input(
        new unsigned char[kInputHeadroom + inputChunkBytes_]);
    unsigned char* const start = input.get() + kInputHeadroom;
    std::size_t have = 0;
    while (have < 2) {
      const std::size_t got = readFile(start + have, inputChunkBytes_ - have);
      if (got == 0) break;
      have += got;
    }
    if (have >= 2 && start[0] == 0x1f && start[1] == 0x8b)
      inflateAll(input.get(), have);
    else
      copyAll(start, have);
  }

  void copyAll(const unsigned char* start, std::size_t have) {
    Block block = acquire();
    std::memcpy(block.bytes.get(), start, have);
    block.size = have;
    for (;;) {
      const std::size_t got = readFile(block.bytes.get() + block.size, blockBytes_ - block.size);
      block.size += got;
      if (got == 0 || block.size == blockBytes_) {
        if (block.size > 0) publish(std::move(block));
        if (got == 0) return;
        block = acquire();
      }
    }
  }

  // Inflates raw deflate data member by member; the gzip headers and trailers are read here.
  // `input` holds kInputHeadroom free bytes, then the compressed bytes not consumed yet.
  void inflateAll(unsigned char* input, std::size_t have) {
    compressed_ = true;
    RawInflater inflater;
    unsigned char* const start = input + kInputHeadroom;
    unsigned char* in = start;
    std::size_t inLeft = have;
    bool atEnd = false;  // the file has no more bytes
    // Makes at least `want` input bytes available unless the file ends first.
    auto refill = [&](std::size_t want) {
      while (!atEnd && inLeft < want) {
        std::memmove(start, in, inLeft);
        in = start;
        const std::size_t got = readFile(start + inLeft, inputChunkBytes_ - inLeft);
        if (got == 0) atEnd = true;
        inLeft += got;
      }
    };
    Block block = acquire();
    auto truncated = [&]() {
      if (block.size > 0) publish(std::move(block));
      return std::runtime_error("unexpected end of file");
    };
    auto take = [&](std::size_t bytes) {
      refill(bytes);
      if (inLeft < bytes) throw truncated();
      const unsigned char* at = in;
      in += bytes;
      inLeft -= bytes;
      return at;
    };
    auto skipString = [&]() {
      while (*take(1) != 0) {
      }
    };
    auto little32 = [](const unsigned char* b) {
      return std::uint32_t(b[0]) | std::uint32_t(b[1]) << 8 | std::uint32_t(b[2]) << 16 |
             std::uint32_t(b[3]) << 24;
    };
    for (;;) {
      // RFC 1952 member header.
      const unsigned char* header = take(10);
      const unsigned flags = header[3];
      if (header[2] != 8) throw std::runtime_error("unknown compression method");
      if (flags & 0xE0) throw std::runtime_error("unknown header flags set");
      if (flags & 4) {
        const unsigned char* extra = take(2);
        for (unsigned left = unsigned(extra[0]) | unsigned(extra[1]) << 8; left > 0; --left)
          take(1);
      }
      if (flags & 8) skipString();
      if (flags & 16) skipString();
      if (flags & 2) take(2);
      inflater.reset();
      for (;;) {
        if (block.size == blockBytes_) {
          publish(std::move(block));
          block = acquire();
        }
        refill(kMinInputBytes);
        auto* out = reinterpret_cast<unsigned char*>(block.bytes.get() + block.size);
        std::size_t outLeft = blockBytes_ - block.size;
        const std::size_t inBefore = inLeft, outBefore = outLeft;
        bool ended = false;
        try {
          ended = inflater.inflate(in, inLeft, out, outLeft);
        } catch (const std::runtime_error&) {
          block.size = blockBytes_ - outLeft;
          if (block.size > 0) publish(std::move(block));
          throw;
        }
        block.size = blockBytes_ - outLeft;
        if (ended) break;
        const bool stalled = inLeft == inBefore && outLeft == outBefore;
        if (atEnd && outLeft > 0 && (inLeft == 0 || stalled)) throw truncated();
        // Cannot happen with input and room for output; guards against looping forever.
        if (stalled) throw std::runtime_error("inflate made no progress");
      }
      const unsigned char* trailer = take(8);
      block.memberEnds.push_back({block.size, little32(trailer), little32(trailer + 4)});
      // Another member follows only if it starts with the gzip magic; anything else is ignored.
      refill(2);
      if (inLeft < 2 || in[0] != 0x1f || in[1] != 0x8b) break;
    }
    if (block.size > 0 || !block.memberEnds.empty()) publish(std::move(block));
  }

  std::unique_ptr<std::FILE, FileCloser> file_;
  const std::size_t blockBytes_;       // of every block, at most kBlockBytes
  const std::size_t inputChunkBytes_;  // file bytes read at once
  const bool inThisThread_;
  std::uint64_t consumed_ = 0;  // worker only
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Block> spare_;
  std::deque<Block> filled_;
  Block current_;  // the parser's
  bool stopping_ = false;
  bool finished_ = false;
  std::string problem_;
  bool compressed_ = false;  // set by the worker before its first block
  // The parser's side: CRC-32 and length of the member so far, and a failed check.
  std::uint32_t crc_ = 0;
  std::uint32_t length_ = 0;
  std::string checkProblem_;
};

DelimitedTextReader::DelimitedTextReader(const std::filesystem::path& file, Delimiter delimiter,
                                         ReadProgress progress)
    : file_(file), delimiter_(delimiter), progress_(std::move(progress)) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) throw FileError(file, "file does not exist");
  fileBytes_ = std::filesystem::file_size(file, error);
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw FileError(file, "cannot be opened for reading");
  unsigned char magic[2] = {0, 0};
  const bool gzip = std::fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  std::rewind(f);
  const bool small = !error && !gzip && fileBytes_ < (kBlocksInFlight - 1) * kBlockBytes;
  const std::size_t blockBytes =
      small ? std::clamp<std::size_t>((fileBytes_ / 4096 + 1) * 4096, 4096, kBlockBytes)
            : kBlockBytes;
  source_ = std::make_unique<BlockSource>(f, blockBytes, small);
}

DelimitedTextReader::~DelimitedTextReader() = default;

void DelimitedTextReader::fail(const std::string& problem) const {
  throw FileError(file_, "line " + std::to_string(line_) + ": " + problem);
}

void DelimitedTextReader::requireLineFits(std::size_t bytes) const {
  if (bytes > kMaxLineBytes)
    throw FileError(file_, "line " + std::to_string(line_ + 1) + " is longer than " +
                               std::to_string(kMaxLineBytes >> 20) + " MiB: not a text table");
}

bool DelimitedTextReader::nextBlock() {
  blockPos_ = 0;
  if (!source_->advance()) {
    block_ = nullptr;
    blockSize_ = 0;
    return false;
  }
  block_ = source_->bytes();
  blockSize_ = source_->size();
  inputOffset_ = source_->inputOffset();
  return true;
}

bool DelimitedTextReader::readLine() {
  if (lineInCarry_) {
    carry_.clear();
    lineInCarry_ = false;
  }
  for (;;) {
    if (blockPos_ < blockSize_) {
      const char* begin = block_ + blockPos_;
      const std::size_t left = blockSize_ - blockPos_;
      const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', left));
      if (newline) {
        const auto length = std::size_t(newline - begin);
        blockPos_ += length + 1;
        if (carry_.empty()) {
          lineText_ = std::string_view(begin, length);
        } else {
          requireLineFits(carry_.size() + length);
          carry_.append(begin, length);
          lineText_ = carry_;
          lineInCarry_ = true;
        }
        break;
      }
      requireLineFits(carry_.size() + left);
      carry_.append(begin, left);
      blockPos_ = blockSize_;
    }
    if (!nextBlock()) {
      if (!source_->problem().empty())
        throw FileError(file_, "line " + std::to_string(line_ + 1) + ": corrupt compressed data (" +
                                   source_->problem() + ")");
      if (carry_.empty()) return false;
      lineText_ = carry_;
      lineInCarry_ = true;
      break;
    }
  }
  ++line_;
  while (!lineText_.empty() && lineText_.back() == '\r') lineText_.remove_suffix(1);
  if (progress_ && line_ - lastProgressLine_ >= 4096 && fileBytes_ > 0) {
    lastProgressLine_ = line_;
    const double fraction = std::min(1.0, double(inputOffset_) / double(fileBytes_));
    if (fraction - lastProgress_ >= 0.005) {  // a few hundred calls per file, at most
      lastProgress_ = fraction;
      progress_(fraction);
    }
  }
  return true;
}

bool DelimitedTextReader::splitUnquoted(std::string_view text, char sep) {
  // Every field a view into the line; false (fall back) at the first quote.
  const char* const line = text.data();
  const std::size_t size = text.size();
  std::size_t start = 0, i = 0;
#if defined(__SSE2__) && defined(__GNUC__)
  // 16 bytes at a time: a record of MERSCOPE's 11 columns is a handful of compares.
  const __m128i separators = _mm_set1_epi8(sep), quotes = _mm_set1_epi8('"');
  for (; i + 16 <= size; i += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line + i));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, quotes))) return false;
    for (auto mask = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, separators))); mask;
         mask &= mask - 1) {
      const std::size_t at = i + std::size_t(__builtin_ctz(mask));
      fields_.emplace_back(line + start, at - start);
      start = at + 1;
    }
  }
#endif
  for (; i < size; ++i) {
    if (line[i] == '"') return false;
    if (line[i] == sep) {
      fields_.emplace_back(line + start, i - start);
      start = i + 1;
    }
  }
  fields_.emplace_back(line + start, size - start);
  return true;
}

void DelimitedTextReader::split() {
  fields_.clear();
  const std::string_view text = lineText_;
  if (delimiter_ == Delimiter::Whitespace) {
    std::size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
      if (i == text.size()) break;
      if (text[i] == '"') {
        const std::size_t close = text.find('"', i + 1);
        if (close == std::string_view::npos) fail("unterminated quoted field");
        fields_.push_back(text.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        const std::size_t end = text.find_first_of(" \t", i);
        fields_.push_back(text.substr(i, end == std::string_view::npos ? end : end - i));
        i = end == std::string_view::npos ? text.size() : end;
      }
    }
    return;
  }
  const char sep = delimiter_ == Delimiter::Comma ? ',' : '\t';
  if (splitUnquoted(text, sep)) return;
  fields_.clear();
  // Quoted fields are unescaped into one buffer sized for the whole line, so it never moves.
  unquoted_.clear();
  unquoted_.reserve(text.size());
  const char* const base = unquoted_.data();
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        unquoted_ += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        unquoted_ += c;
      }
    } else if (c == '"' && unquoted_.size() == start) {
      quoted = true;
    } else if (c == sep) {
      fields_.emplace_back(base + start, unquoted_.size() - start);
      start = unquoted_.size();
    } else {
      unquoted_ += c;
    }
  }
  if (quoted) fail("unterminated quoted field");
  fields_.emplace_back(base + start, unquoted_.size() - start);
}

const std::vector<std::string>& DelimitedTextReader::readHeader() {
  if (!next()) throw FileError(file_, "is empty: no header line");
  header_.assign(fields_.begin(), fields_.end());
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
  throw FileError(file_, "missing column '" + name + "' (has: " + nameList(header_) + ")");
}

bool DelimitedTextReader::next() {
  while (readLine()) {
    if (lineText_.find_first_not_of(" \t") == std::string_view::npos) continue;
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
