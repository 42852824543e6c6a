#pragma once

// Readers whose library fails on damaged input in ways our code cannot prevent run in a child
// first (core/common/IsolatedCall), then in-process; the targets for them do the same, so what
// they fuzz is what a user's process survives, and our own code still runs in-process after a
// successful probe, where the sanitizers watch it:
// - HDF5 1.10 (Debian) crashes (SIGSEGV in H5HG_read under H5T__conv_vlen) and loops (in
//   H5C_protect) on some corrupted files, inside the library: ~3 % of byte-mutated
//   loom/h5ad/.h5 files do (/work/notes/h21/findings/README-E2.md).
// - OpenVDB allocates whatever a damaged blosc block header says (bloscFromStream): a release
//   build gets std::bad_alloc, a clean refusal, but ASan aborts on any allocation beyond 1 TiB
//   (allocation-size-too-big) even with allocator_may_return_null, as operator new may not
//   return null.
//
// TERAMIND_FUZZ_IN_PROCESS=1 skips the child, to hunt the libraries' crashes themselves.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "common/IsolatedCall.h"

// In a sanitizer build, libFuzzer's death callback would save a "crash-" file for what the
// child does; the child replaces it with a no-op, so only the parent's verdict counts. Weak:
// absent in the gcc build.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace teramind::fuzz {

inline void readInChildFirst(const std::filesystem::path& file, const std::function<void()>& read) {
  static const bool inProcess = std::getenv("TERAMIND_FUZZ_IN_PROCESS") != nullptr;
  if (!inProcess) {
    IsolatedCallLimits limits;
    // A real read of a file this small takes milliseconds; HDF5 loops forever on some damaged
    // files. Far below libFuzzer's -timeout (10 s): a looping child is a refusal, not a finding.
    limits.timeout = std::chrono::seconds(1);
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
