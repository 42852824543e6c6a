#pragma once

// Runs code that may crash, hang or exhaust memory (a third-party reader on a damaged file) in
// a fork()ed child, so that whatever it does cannot take this process down. The child shares
// nothing back but a short message, or (runIsolatedForBytes) the bytes of its result: a library
// that corrupts memory must only ever run in the child, its result sent back as bytes.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

namespace teramind {

struct IsolatedCallLimits {
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  // Address-space limit of the child (RLIMIT_AS); 0 leaves it as inherited.
  std::size_t memoryBytes = 0;
};

struct IsolatedCallResult {
  enum class Outcome {
    Succeeded,  // the function returned
    Failed,     // it threw (message: what()) or the child exited without a word
    Crashed,    // a signal ended the child (signal)
    TimedOut,   // it ran past the limit and was killed
  };
  Outcome outcome = Outcome::Failed;
  std::string message;
  int signal = 0;
  // Failed because `work` threw (message is its what()), not because the child ended silently.
  bool threw = false;
  // runIsolatedForBytes: what `work` returned, complete (empty otherwise).
  std::string payload;

  bool succeeded() const { return outcome == Outcome::Succeeded; }
  // One line for a person: "crashed (SIGSEGV, Segmentation fault)", "timed out after 2 s", ...
  std::string describe() const;
};

// Forks, runs `work` in the child and waits up to limits.timeout (then SIGKILL). A thrown
// exception's what() comes back, cut to a few KiB. Never throws for what the child does; the
// fork or pipe failing throws std::system_error.
IsolatedCallResult runIsolated(const std::function<void()>& work,
                               const IsolatedCallLimits& limits = {});

// runIsolated for work whose result comes back: the child's returned bytes are streamed to
// this process through the pipe while it waits for the deadline. A result longer than
// `maxPayloadBytes`, or one cut short or garbled, is Failed (the child is killed when it sends
// more); Succeeded only when all of it arrived and the child exited normally.
IsolatedCallResult runIsolatedForBytes(const std::function<std::string()>& work,
                                       const IsolatedCallLimits& limits,
                                       std::size_t maxPayloadBytes);

// True in the child of runIsolated (set before `work` runs): code that would isolate itself
// runs directly there instead of forking again.
bool insideIsolatedChild();

// runIsolated for reading `file`: returns when the read succeeded; otherwise throws
// FileError(file, ...) saying it failed (with the child's message), crashed or timed out.
void requireIsolatedReadSucceeds(const std::filesystem::path& file,
                                 const std::function<void()>& read,
                                 const IsolatedCallLimits& limits = {});

}  // namespace teramind
