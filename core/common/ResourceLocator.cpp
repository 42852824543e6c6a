#include "common/ResourceLocator.h"

#include <cstdlib>
#include <system_error>

#include "common/FileError.h"

namespace teramind {
namespace {

std::filesystem::path executableDirectory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe.parent_path();
}

}  // namespace

std::filesystem::path resourceDirectory() {
  if (const char* env = std::getenv("TERAMIND_RESOURCES"); env && *env) {
    std::filesystem::path dir(env);
    if (!std::filesystem::is_directory(dir))
      throw FileError(dir, "TERAMIND_RESOURCES does not name a directory");
    return dir;
  }
  const auto exeDir = executableDirectory();
  if (!exeDir.empty()) {
    auto installed = exeDir.parent_path() / "share" / "teramind" / "resources";
    if (std::filesystem::is_directory(installed)) return installed;
  }
  std::filesystem::path source(TERAMIND_SOURCE_RESOURCES);
  if (std::filesystem::is_directory(source)) return source;
  throw FileError(source, "bundled resources not found (set TERAMIND_RESOURCES)");
}

std::filesystem::path bundledAtlasDirectory() {
  return resourceDirectory() / "atlas";
}

}  // namespace teramind
