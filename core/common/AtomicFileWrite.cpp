#include "common/AtomicFileWrite.h"

#include <atomic>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

#include "common/FileError.h"

namespace teramind {

void writeFileAtomically(const std::filesystem::path& target,
                         const std::function<void(const std::filesystem::path&)>& write) {
  static std::atomic<unsigned> counter{0};
  const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir))
    throw FileError(target, "output directory does not exist");
  if (std::filesystem::is_directory(target)) throw FileError(target, "is a directory");
  const auto temporary = dir / (".partial-" + std::to_string(::getpid()) + "-" +
                                std::to_string(counter++) + "-" + target.filename().string());
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
    if (it->is_regular_file() && it->path().filename().string().rfind(".partial-", 0) == 0) {
      std::error_code ignored;
      if (std::filesystem::remove(it->path(), ignored)) ++removed;
    }
  return removed;
}

}  // namespace teramind
