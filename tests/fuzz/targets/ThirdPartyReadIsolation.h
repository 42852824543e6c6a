#pragma once

// Readers whose library fails on damaged input in ways our code cannot prevent (HDF5 1.10,
// OpenVDB) read in a forked child in production (core/io/ThirdPartyReadIsolation.h); their
// targets fuzz exactly that path. Two things only for the fuzzer:
// - the child's sanitizer death callback is a no-op, so libFuzzer saves no "crash-" file for
//   what a child does: only the parent's verdict (a FileError, or a real finding) counts;
// - the child's timeout is 1 s, far below libFuzzer's -timeout: HDF5 loops forever on some
//   damaged files, which production refuses after its own (longer) timeout.
// TERAMIND_READ_IN_PROCESS=1 reads in-process, to hunt the libraries' crashes themselves.

#include <pthread.h>

#include <chrono>
#include <functional>

#include "io/ThirdPartyReadIsolation.h"

// Weak: absent in the gcc build, which has no sanitizer.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace teramind::fuzz {

inline void readAsProductionDoes(const std::function<void()>& read) {
  static const bool quietChildren = [] {
    ::pthread_atfork(nullptr, nullptr, [] {
      if (__sanitizer_set_death_callback) __sanitizer_set_death_callback([] {});
    });
    return true;
  }();
  static const ScopedProbeTimeout shortChildTimeout{std::chrono::seconds(1)};
  (void)quietChildren;
  (void)shortChildTimeout;
  read();
}

}  // namespace teramind::fuzz
