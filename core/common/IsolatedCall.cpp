#include "common/IsolatedCall.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <system_error>

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

// Outcome byte then the message: 'S' succeeded, 'F' failed.
void reportFromChild(int fd, char outcome, const char* message) {
  char buffer[kMessageLimit + 1];
  buffer[0] = outcome;
  const std::size_t length = std::min(std::strlen(message), kMessageLimit);
  std::memcpy(buffer + 1, message, length);
  std::size_t written = 0;
  while (written < length + 1) {
    const ssize_t n = ::write(fd, buffer + written, length + 1 - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += std::size_t(n);
  }
}

[[noreturn]] void runChild(int fd, const std::function<void()>& work,
                           const IsolatedCallLimits& limits) {
  isolatedChild = true;
  if (limits.memoryBytes > 0) {
    const rlimit memory{rlim_t(limits.memoryBytes), rlim_t(limits.memoryBytes)};
    ::setrlimit(RLIMIT_AS, &memory);
  }
  int status = 0;
  try {
    work();
    reportFromChild(fd, 'S', "");
  } catch (const std::bad_alloc&) {
    reportFromChild(fd, 'F', "needs more memory than allowed");
    status = 1;
  } catch (const std::exception& e) {
    reportFromChild(fd, 'F', e.what());
    status = 1;
  } catch (...) {
    reportFromChild(fd, 'F', "unknown exception");
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

IsolatedCallResult runIsolated(const std::function<void()>& work,
                               const IsolatedCallLimits& limits) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "cannot create a pipe");
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
  bool timedOut = false;
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
    char buffer[1024];
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file: the child has exited or closed the pipe
    if (received.size() < kMessageLimit + 1) received.append(buffer, std::size_t(n));
  }
  ::close(fds[0]);
  if (timedOut) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }

  IsolatedCallResult result;
  if (timedOut) {
    result.outcome = IsolatedCallResult::Outcome::TimedOut;
    char limit[32];
    std::snprintf(limit, sizeof limit, "%.3g s", double(limits.timeout.count()) / 1000.0);
    result.message = std::string("did not finish within ") + limit;
  } else if (WIFSIGNALED(status)) {
    result.outcome = IsolatedCallResult::Outcome::Crashed;
    result.signal = WTERMSIG(status);
  } else if (!received.empty() && received[0] == 'S' && WIFEXITED(status) &&
             WEXITSTATUS(status) == 0) {
    result.outcome = IsolatedCallResult::Outcome::Succeeded;
  } else {
    result.outcome = IsolatedCallResult::Outcome::Failed;
    result.message = received.size() > 1
                         ? received.substr(1)
                         : "the child exited with status " + std::to_string(WEXITSTATUS(status)) +
                               " without a message";
  }
  return result;
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
