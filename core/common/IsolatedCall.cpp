#include "common/IsolatedCall.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/FileError.h"

namespace teramind {
namespace {

constexpr std::size_t kMessageLimit = 4096;

// Set in the child only; the child has one thread, so a plain flag is enough.
bool isolatedChild = false;

void writeAll(int fd, const char* data, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += std::size_t(n);
  }
}

// 'F' then the message (cut to kMessageLimit).
void reportFailure(int fd, const char* message) {
  char buffer[kMessageLimit + 1];
  buffer[0] = 'F';
  const std::size_t length = std::min(std::strlen(message), kMessageLimit);
  std::memcpy(buffer + 1, message, length);
  writeAll(fd, buffer, length + 1);
}

// 'S', the payload's length (8 bytes, native order: the parent is this same binary), the payload.
constexpr std::size_t kSuccessHeader = 1 + sizeof(std::uint64_t);
void reportSuccess(int fd, const std::string& payload) {
  char header[kSuccessHeader];
  header[0] = 'S';
  const std::uint64_t length = payload.size();
  std::memcpy(header + 1, &length, sizeof length);
  writeAll(fd, header, sizeof header);
  writeAll(fd, payload.data(), payload.size());
}

[[noreturn]] void runChild(int fd, const std::function<std::string()>& work,
                           const IsolatedCallLimits& limits) {
  isolatedChild = true;
  if (limits.memoryBytes > 0) {
    const rlimit memory{rlim_t(limits.memoryBytes), rlim_t(limits.memoryBytes)};
    ::setrlimit(RLIMIT_AS, &memory);
  }
  int status = 0;
  try {
    reportSuccess(fd, work());
  } catch (const std::bad_alloc&) {
    reportFailure(fd, "needs more memory than allowed");
    status = 1;
  } catch (const std::exception& e) {
    reportFailure(fd, e.what());
    status = 1;
  } catch (...) {
    reportFailure(fd, "unknown exception");
    status = 1;
  }
  // _exit: no atexit handlers or static destructors of the parent's libraries run twice.
  ::_exit(status);
}

std::string signalName(int signal) {
  switch (signal) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGKILL:
      return "SIGKILL";
    case SIGXFSZ:
      return "SIGXFSZ";
    default:
      return "signal " + std::to_string(signal);
  }
}

}  // namespace

bool insideIsolatedChild() {
  return isolatedChild;
}

std::string IsolatedCallResult::describe() const {
  switch (outcome) {
    case Outcome::Succeeded:
      return "succeeded";
    case Outcome::Failed:
      return "failed: " + message;
    case Outcome::Crashed:
      return "crashed (" + signalName(signal) + ", " + strsignal(signal) + ")";
    case Outcome::TimedOut:
      return "timed out: " + message;
  }
  return message;
}

IsolatedCallResult runIsolatedForBytes(const std::function<std::string()>& work,
                                       const IsolatedCallLimits& limits,
                                       std::size_t maxPayloadBytes) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "cannot create a pipe");
  // A larger pipe moves a big result in fewer wake-ups; the default works too.
  if (maxPayloadBytes > 0) (void)::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  const pid_t child = ::fork();
  if (child < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::system_error(error, std::generic_category(), "cannot fork");
  }
  if (child == 0) {
    ::close(fds[0]);
    runChild(fds[1], work, limits);
  }
  ::close(fds[1]);

  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::string received;
  std::uint64_t declared = 0;  // the payload length a success header announced
  bool timedOut = false;
  std::string refused;  // why the child's bytes were refused before it finished
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd watch{fds[0], POLLIN, 0};
    const int ready = ::poll(&watch, 1, int(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::read(fds[0], buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file: the child has exited or closed the pipe
    const bool success = !received.empty() ? received[0] == 'S' : buffer[0] == 'S';
    if (!success) {
      if (received.size() < kMessageLimit + 1) received.append(buffer.data(), std::size_t(n));
      continue;
    }
    const bool hadHeader = received.size() >= kSuccessHeader;
    received.append(buffer.data(), std::size_t(n));
    if (!hadHeader && received.size() >= kSuccessHeader) {
      std::memcpy(&declared, received.data() + 1, sizeof declared);
      if (declared > maxPayloadBytes) {
        refused = "announced a result of " + std::to_string(declared) + " bytes, more than the " +
                  std::to_string(maxPayloadBytes) + " allowed";
        break;
      }
      received.reserve(kSuccessHeader + std::size_t(declared));
    }
    if (received.size() >= kSuccessHeader && received.size() - kSuccessHeader > declared) {
      refused = "sent more than the " + std::to_string(declared) + " result bytes it announced";
      break;
    }
  }
  ::close(fds[0]);
  if (timedOut || !refused.empty()) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }

  IsolatedCallResult result;
  const bool exitedNormally = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (timedOut) {
    result.outcome = IsolatedCallResult::Outcome::TimedOut;
    char limit[32];
    std::snprintf(limit, sizeof limit, "%.3g s", double(limits.timeout.count()) / 1000.0);
    result.message = std::string("did not finish within ") + limit;
  } else if (!refused.empty()) {
    result.outcome = IsolatedCallResult::Outcome::Failed;
    result.message = refused;
  } else if (WIFSIGNALED(status)) {
    result.outcome = IsolatedCallResult::Outcome::Crashed;
    result.signal = WTERMSIG(status);
  } else if (!received.empty() && received[0] == 'S') {
    const std::size_t got = received.size() < kSuccessHeader ? 0 : received.size() - kSuccessHeader;
    if (exitedNormally && received.size() >= kSuccessHeader && got == declared) {
      result.outcome = IsolatedCallResult::Outcome::Succeeded;
      received.erase(0, kSuccessHeader);
      result.payload = std::move(received);
    } else {
      result.outcome = IsolatedCallResult::Outcome::Failed;
      result.message = received.size() < kSuccessHeader
                           ? "the child's result was cut short in its header"
                           : "the child's result was cut short: " + std::to_string(got) + " of " +
                                 std::to_string(declared) + " bytes arrived";
      if (!exitedNormally)
        result.message += " (it exited with status " + std::to_string(WEXITSTATUS(status)) + ")";
    }
  } else {
    result.outcome = IsolatedCallResult::Outcome::Failed;
    result.threw = received.size() > 1;
    result.message = received.size() > 1
                         ? received.substr(1)
                         : "the child exited with status " + std::to_string(WEXITSTATUS(status)) +
                               " without a message";
  }
  return result;
}

IsolatedCallResult runIsolated(const std::function<void()>& work,
                               const IsolatedCallLimits& limits) {
  return runIsolatedForBytes(
      [&] {
        work();
        return std::string();
      },
      limits, 0);
}

void requireIsolatedReadSucceeds(const std::filesystem::path& file,
                                 const std::function<void()>& read,
                                 const IsolatedCallLimits& limits) {
  const IsolatedCallResult result = runIsolated(read, limits);
  switch (result.outcome) {
    case IsolatedCallResult::Outcome::Succeeded:
      return;
    case IsolatedCallResult::Outcome::Failed: {
      // The reader's own FileError already names the file; do not name it twice.
      const std::string prefix = file.string() + ": ";
      throw FileError(file, result.message.rfind(prefix, 0) == 0
                                ? result.message.substr(prefix.size())
                                : result.message);
    }
    case IsolatedCallResult::Outcome::Crashed:
      throw FileError(file, "the reader " + result.describe() +
                                " on this file (damaged?); it ran in a separate process");
    case IsolatedCallResult::Outcome::TimedOut:
      throw FileError(file, "the reader " + result.describe() + " (damaged file?)");
  }
}

}  // namespace teramind
