#pragma once

// Debian's HDF5 1.10 crashes (SIGSEGV in H5HG_read under H5T__conv_vlen) and loops (in
// H5C_protect) on some corrupted files, inside the library, where we cannot fix it; about 3 %
// of byte-mutated loom/h5ad/.h5 files do. The studio and the CLI therefore read an HDF5 file
// they did not write in a child first (core/common/IsolatedCall) and only then in-process. The
// HDF5 targets do the same, so what they fuzz is what a user's process survives: a library
// crash or hang in the child is a clean refusal; our own code still runs in-process after a
// successful probe, where the sanitizers watch it.
//
// TERAMIND_FUZZ_HDF5_IN_PROCESS=1 skips the child, to hunt the library's crashes themselves.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "common/IsolatedCall.h"

// In a sanitizer build, libFuzzer's death callback would save a "crash-" file for what the
// child does; the child replaces it with a no-op, so only the parent's verdict counts. Weak: absent
// in gcc.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace teramind::fuzz {

inline void readHdf5AsProductionDoes(const std::filesystem::path& file,
                                     const std::function<void()>& read) {
  static const bool inProcess = std::getenv("TERAMIND_FUZZ_HDF5_IN_PROCESS") != nullptr;
  if (!inProcess) {
    IsolatedCallLimits limits;
    // Far below libFuzzer's -timeout (10 s), so a looping child is a refusal, not a finding.
    limits.timeout = std::chrono::seconds(3);
    // No address-space limit: under ASan the shadow mappings alone exceed any useful one.
    requireIsolatedReadSucceeds(
        file,
        [&] {
          if (__sanitizer_set_death_callback) __sanitizer_set_death_callback([] {});
          read();
        },
        limits);
  }
  read();
}

}  // namespace teramind::fuzz
