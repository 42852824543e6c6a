#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace teramind::synthetic {

// A gzip file written by a background thread: the caller formats the next chunk while this
// one is deflated, so text output uses both cores. At most two chunks wait, which bounds
// memory. Throws FileError naming the file and the uncompressed offset that failed.
class GzipChunkStream {
 public:
  GzipChunkStream(const std::filesystem::path& file, int level);
  ~GzipChunkStream();  // without finish(): stops the thread; the file is left for the caller
  GzipChunkStream(const GzipChunkStream&) = delete;
  GzipChunkStream& operator=(const GzipChunkStream&) = delete;

  void write(std::string&& chunk);
  void finish();  // flushes, closes, and reports any error

 private:
  void run();
  void throwIfFailed();

  std::filesystem::path file_;
  void* gz_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> pending_;
  std::size_t inFlight_ = 0;  // the chunk being deflated (0 or 1)
  bool closing_ = false;
  std::string error_;
  unsigned long long written_ = 0;
  std::thread thread_;
};

}  // namespace teramind::synthetic
