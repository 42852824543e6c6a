#include "common/AtomicFileWrite.h"

#include <atomic>
#include <cerrno>
#include <fstream>
#include <mutex>
#include <string>
#include <system_error>
#include <unordered_set>

#include <signal.h>
#include <unistd.h>

#include "common/FileError.h"

namespace teramind {
namespace {

constexpr const char* kTemporaryPrefix = ".partial-";

std::filesystem::path directoryOf(const std::filesystem::path& target) {
  return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

// EPERM means the process exists under another user: alive, so its file is left alone.
bool writerIsGone(long pid) {
  if (pid <= 0 || pid == long(::getpid())) return false;
  return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

std::filesystem::path temporaryPathFor(const std::filesystem::path& target,
                                       const std::string& tag) {
  static std::atomic<unsigned> counter{0};
  return directoryOf(target) / (kTemporaryPrefix + std::to_string(::getpid()) + "-" + tag +
                                std::to_string(counter++) + "-" + target.filename().string());
}

std::optional<long> temporaryWriterPid(const std::string& name) {
  const std::string prefix = kTemporaryPrefix;
  if (name.rfind(prefix, 0) != 0) return std::nullopt;
  std::size_t end = prefix.size();
  long pid = 0;
  while (end < name.size() && end - prefix.size() < 10 && name[end] >= '0' && name[end] <= '9')
    pid = pid * 10 + (name[end++] - '0');
  if (end == prefix.size() || end >= name.size() || name[end] != '-') return std::nullopt;
  return pid;
}

int removeStaleTemporaries(const std::filesystem::path& directory) {
  int removed = 0;
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(directory, error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const auto pid = temporaryWriterPid(it->path().filename().string());
    std::error_code notFile;
    if (!pid || !it->is_regular_file(notFile) || !writerIsGone(*pid)) continue;
    std::error_code ignored;
    if (std::filesystem::remove(it->path(), ignored)) ++removed;
  }
  return removed;
}

void removeStaleTemporariesOnce(const std::filesystem::path& directory) {
  // Writers such as the OME-Zarr store write thousands of files into one directory: scanning
  // it on every write would cost quadratic time.
  static std::mutex mutex;
  static std::unordered_set<std::string> cleaned;
  std::error_code error;
  const auto key = std::filesystem::absolute(directory, error).lexically_normal().string();
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!cleaned.insert(key).second) return;
  }
  removeStaleTemporaries(directory);
}

void writeFileAtomically(const std::filesystem::path& target,
                         const std::function<void(const std::filesystem::path&)>& write) {
  const auto dir = directoryOf(target);
  if (!std::filesystem::is_directory(dir))
    throw FileError(target, "output directory does not exist");
  if (std::filesystem::is_directory(target)) throw FileError(target, "is a directory");
  removeStaleTemporariesOnce(dir);
  const auto temporary = temporaryPathFor(target);
  try {
    write(temporary);
    std::error_code renamed;
    std::filesystem::rename(temporary, target, renamed);
    if (renamed) throw FileError(target, "cannot be replaced: " + renamed.message());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

void writeTextFileAtomically(const std::filesystem::path& target, const std::string& text) {
  writeFileAtomically(target, [&](const std::filesystem::path& temporary) {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out.flush()) throw FileError(target, "cannot write");
  });
}

int removeUnfinishedWrites(const std::filesystem::path& directory) {
  int removed = 0;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(directory, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error))
    if (it->is_regular_file() && it->path().filename().string().rfind(kTemporaryPrefix, 0) == 0) {
      std::error_code ignored;
      if (std::filesystem::remove(it->path(), ignored)) ++removed;
    }
  return removed;
}

}  // namespace teramind
