#include "io/LibtiffHandle.h"

#include <mutex>

#include "common/FileError.h"
#include "io/TiffDirectoryCheck.h"

namespace teramind {

namespace {

// libtiff's own ceiling for any one allocation (damaged offset or byte-count arrays).
constexpr tmsize_t kMaxLibtiffAllocation = tmsize_t(1) << 30;

// Messages libtiff reports without a handle (rare) land here, per thread, never on stderr.
thread_local LibtiffMessages unattributedMessages;

void silenceLibtiffGlobally() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler([](const char* module, const char* format, va_list args) {
      unattributedMessages.add(module, format, args);
    });
    TIFFSetWarningHandler(nullptr);
  });
}

int captureError(TIFF*, void* messages, const char* module, const char* format, va_list args) {
  static_cast<LibtiffMessages*>(messages)->add(module, format, args);
  return 1;  // handled: libtiff's global handler is not called
}

int ignoreWarning(TIFF*, void*, const char*, const char*, va_list) {
  return 1;
}

}  // namespace

TIFF* openTiff(const std::filesystem::path& file, const char* mode, LibtiffMessages& messages,
               const std::string& failure) {
  if (mode[0] == 'r') {
    try {
      checkTiffDirectoriesInFile(file);
    } catch (const FileError& e) {
      throw FileError(file, failure + " (" + e.problem() + ")");
    }
  }
  silenceLibtiffGlobally();
  messages.clear();
  unattributedMessages.clear();
  TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
  if (!options) throw FileError(file, failure + ": out of memory");
  TIFFOpenOptionsSetMaxSingleMemAlloc(options, kMaxLibtiffAllocation);
  TIFFOpenOptionsSetErrorHandlerExtR(options, captureError, &messages);
  TIFFOpenOptionsSetWarningHandlerExtR(options, ignoreWarning, nullptr);
  TIFF* tiff = TIFFOpenExt(file.c_str(), mode, options);
  TIFFOpenOptionsFree(options);
  if (!tiff) {
    std::string why = !messages.errors.empty() ? messages.errors : unattributedMessages.errors;
    throw FileError(file, failure + (why.empty() ? "" : " (" + why + ")"));
  }
  return tiff;
}

}  // namespace teramind
