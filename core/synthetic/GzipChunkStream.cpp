#include "synthetic/GzipChunkStream.h"

#include <zlib.h>

#include "common/FileError.h"

namespace teramind::synthetic {

GzipChunkStream::GzipChunkStream(const std::filesystem::path& file, int level) : file_(file) {
  const std::string mode = "wb" + std::to_string(level);
  gz_ = gzopen(file.c_str(), mode.c_str());
  if (!gz_) throw FileError(file, "cannot be opened for writing");
  gzbuffer(static_cast<gzFile>(gz_), 1u << 20);
  thread_ = std::thread([this] { run(); });
}

GzipChunkStream::~GzipChunkStream() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
    pending_.clear();
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

void GzipChunkStream::throwIfFailed() {
  if (!error_.empty()) throw FileError(file_, error_);
}

void GzipChunkStream::write(std::string&& chunk) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return pending_.size() + inFlight_ < 2 || !error_.empty(); });
  throwIfFailed();
  pending_.push_back(std::move(chunk));
  lock.unlock();
  changed_.notify_all();
}

void GzipChunkStream::run() {
  auto* gz = static_cast<gzFile>(gz_);
  for (;;) {
    std::string chunk;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return !pending_.empty() || closing_; });
      if (pending_.empty()) return;
      // Taken off the queue here, so the destructor's clear() never meets a chunk in use.
      chunk = std::move(pending_.front());
      pending_.pop_front();
      inFlight_ = 1;
    }
    // Deflated outside the lock, while the caller formats the next chunk.
    std::size_t done = 0;
    std::string problem;
    while (done < chunk.size()) {
      const unsigned part = unsigned(std::min<std::size_t>(chunk.size() - done, 1u << 30));
      const int n = gzwrite(gz, chunk.data() + done, part);
      if (n <= 0) {
        int code = 0;
        problem = "cannot write compressed data at uncompressed byte " +
                  std::to_string(written_ + done) + ": " + gzerror(gz, &code);
        break;
      }
      done += std::size_t(n);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      written_ += done;
      inFlight_ = 0;
      if (!problem.empty()) {
        error_ = problem;
        pending_.clear();
        closing_ = true;
      }
    }
    changed_.notify_all();
    if (!problem.empty()) return;
  }
}

void GzipChunkStream::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  thread_.join();
  throwIfFailed();
  const int closed = gzclose(static_cast<gzFile>(gz_));
  gz_ = nullptr;
  if (closed != Z_OK)
    throw FileError(file_, "cannot finish the compressed stream after " + std::to_string(written_) +
                               " bytes (zlib error " + std::to_string(closed) + ")");
}

}  // namespace teramind::synthetic
