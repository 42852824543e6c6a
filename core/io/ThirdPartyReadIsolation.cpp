#include "io/ThirdPartyReadIsolation.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

#include "common/FileError.h"

// Sanitizers reserve terabytes of shadow address space: RLIMIT_AS would stop the child at once.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TERAMIND_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define TERAMIND_SANITIZED 1
#endif
#endif

namespace teramind {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t(1) << 20;
[[maybe_unused]] constexpr std::uint64_t kMemorySlack = 512 * kMiB;  // unused when sanitized
// The child's answer "no" to askInChild's question, told apart from a reader's own error.
constexpr const char* kAnswerNo = "teramind-probe-answer: no";

// Milliseconds; 0 = none. Atomic: tests set it from the main thread, readers may run in others.
std::atomic<long long> timeoutOverride{0};

const char* libraryName(ProbeKind kind) {
  return kind == ProbeKind::Hdf5 ? "HDF5" : "OpenVDB";
}

// Address space this process maps now (libraries, heaps, thread stacks): the child starts
// with all of it, so its limit is counted on top.
[[maybe_unused]] std::uint64_t mappedBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0;
  statm >> pages;
  return pages * std::uint64_t(::sysconf(_SC_PAGESIZE));
}

std::string seconds(std::chrono::milliseconds duration) {
  const long long ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// The reader's own FileError already names the file: do not name it twice.
std::string withoutFileName(const std::filesystem::path& file, const std::string& message) {
  const std::string prefix = file.string() + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

IsolatedCallResult runInChild(const std::filesystem::path& file,
                              const std::function<std::string()>& work,
                              const IsolatedCallLimits& limits, std::uint64_t maxResultBytes = 0) {
  try {
    return runIsolatedForBytes(work, limits, std::size_t(maxResultBytes));
  } catch (const std::system_error& e) {
    throw FileError(file, std::string("cannot start the separate process that reads it first (") +
                              e.what() + "); TERAMIND_READ_IN_PROCESS=1 reads it in this process");
  }
}

[[noreturn]] void throwFailure(const std::filesystem::path& file, ProbeKind kind,
                               const IsolatedCallResult& result, const IsolatedCallLimits& limits) {
  const std::string library = libraryName(kind);
  switch (result.outcome) {
    case IsolatedCallResult::Outcome::Succeeded:
      break;
    case IsolatedCallResult::Outcome::Failed: {
      std::string problem = withoutFileName(file, result.message);
      const bool outOfMemory = problem.find("bad_alloc") != std::string::npos ||
                               problem.find("more memory than allowed") != std::string::npos;
      if (outOfMemory && limits.memoryBytes > 0)
        problem += " (" + library + " asked for more than the " +
                   std::to_string(limits.memoryBytes / kMiB) +
                   " MiB of address space allowed for reading it: damaged?)";
      throw FileError(file, problem);
    }
    case IsolatedCallResult::Outcome::Crashed:
      throw FileError(file, library + " " + result.describe() +
                                " reading this file: it is damaged (the read ran in a separate "
                                "process; nothing else was affected)");
    case IsolatedCallResult::Outcome::TimedOut:
      throw FileError(file, library + " did not finish reading this file within " +
                                seconds(limits.timeout) +
                                " (it loops on some damaged files); TERAMIND_READ_IN_PROCESS=1 "
                                "reads it without a time limit");
  }
  throw FileError(file, "unexpected outcome of the separate read");
}

// The child's read threw an error of its own, which the in-process read reproduces with its
// exact type and file (a metadata CSV's FileError names the CSV): only an allocation the
// memory limit stopped must not be tried again here.
// Only an error the reader threw is read again here (for its own type and file): never a
// child that ended without one (a library's or a sanitizer's exit), nor one out of memory,
// which would allocate as much here.
bool reproducibleInProcess(const IsolatedCallResult& result, const IsolatedCallLimits&) {
  if (result.outcome != IsolatedCallResult::Outcome::Failed || !result.threw) return false;
  const bool outOfMemory = result.message.find("bad_alloc") != std::string::npos ||
                           result.message.find("more memory than allowed") != std::string::npos;
  return !outOfMemory;
}

}  // namespace

bool readsInChild() {
  static const bool inProcess = [] {
    const char* value = std::getenv("TERAMIND_READ_IN_PROCESS");
    return value != nullptr && std::strcmp(value, "1") == 0;
  }();
  return !inProcess && !insideIsolatedChild();
}

IsolatedCallLimits probeLimits(const std::filesystem::path& file, ProbeKind kind,
                               std::uint64_t resultBytes) {
  IsolatedCallLimits limits;
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  const std::uint64_t hundredsOfMB = error ? 0 : std::uint64_t(size) / 100'000'000;
  limits.timeout = std::chrono::seconds(30 + 10 * std::min<std::uint64_t>(hundredsOfMB, 1'000'000));
  if (const long long ms = timeoutOverride.load(); ms > 0)
    limits.timeout = std::chrono::milliseconds(ms);
#ifndef TERAMIND_SANITIZED
  if (kind == ProbeKind::OpenVdb) {
    const std::uint64_t result = std::min<std::uint64_t>(resultBytes, std::uint64_t(1) << 40);
    limits.memoryBytes = std::size_t(mappedBytes() + 2 * result + kMemorySlack);
  }
#else
  (void)kind;
  (void)resultBytes;
#endif
  return limits;
}

void probeInChild(const std::filesystem::path& file, const std::function<void()>& read,
                  ProbeKind kind, std::uint64_t resultBytes) {
  if (!readsInChild()) return;
  const IsolatedCallLimits limits = probeLimits(file, kind, resultBytes);
  const IsolatedCallResult result = runInChild(
      file,
      [&] {
        read();
        return std::string();
      },
      limits);
  if (!result.succeeded() && !reproducibleInProcess(result, limits))
    throwFailure(file, kind, result, limits);
}

std::string readBytesInChild(const std::filesystem::path& file,
                             const std::function<std::string()>& readAndEncode, ProbeKind kind,
                             std::uint64_t resultBytes, std::uint64_t maxResultBytes) {
  const IsolatedCallLimits limits = probeLimits(file, kind, resultBytes);
  IsolatedCallResult result = runInChild(file, readAndEncode, limits, maxResultBytes);
  if (!result.succeeded()) throwFailure(file, kind, result, limits);
  return std::move(result.payload);
}

bool askInChild(const std::filesystem::path& file, const std::function<bool()>& question,
                ProbeKind kind) {
  if (!readsInChild()) return question();
  const IsolatedCallLimits limits = probeLimits(file, kind);
  const IsolatedCallResult result = runInChild(
      file,
      [&] {
        if (!question()) throw std::runtime_error(kAnswerNo);
        return std::string();
      },
      limits);
  if (result.succeeded()) return true;
  if (result.outcome == IsolatedCallResult::Outcome::Failed && result.message == kAnswerNo)
    return false;
  // OpenVDB may have corrupted the child's heap before it threw: never asked here again.
  if (kind != ProbeKind::OpenVdb && reproducibleInProcess(result, limits)) return question();
  throwFailure(file, kind, result, limits);
}

ScopedProbeTimeout::ScopedProbeTimeout(std::chrono::milliseconds timeout) {
  const long long before = timeoutOverride.exchange(timeout.count());
  if (before > 0) previous_ = std::chrono::milliseconds(before);
}

ScopedProbeTimeout::~ScopedProbeTimeout() {
  timeoutOverride.store(previous_ ? previous_->count() : 0);
}

}  // namespace teramind
