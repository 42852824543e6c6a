#pragma once

// A read through a library that can crash, loop or over-allocate on a damaged file, inside
// code we cannot fix, runs in a forked child (common/IsolatedCall). What the library does to
// the child never reaches this process: the user gets a FileError naming the file.
// - HDF5 1.10 (Debian) SIGSEGVs in H5HG_read under H5T__conv_vlen and loops in H5C_protect on
//   ~3 % of byte-mutated loom/h5ad/condition .h5 files (issue 21, helper E2's findings). Its
//   reads are probed: only when the child's read succeeded does the caller read the same file
//   in-process (probeInChild).
// - OpenVDB allocates whatever a damaged blosc block header says (bloscFromStream) and
//   silently corrupts its heap on some damaged trees: the child often _exit()s before noticing,
//   so a probe "succeeds" and the same read in-process corrupted this process's heap. OpenVDB
//   therefore never reads a file in this process: the child reads it and sends the result back
//   as bytes (readInChild; io/VolumeBytes, io/ConditionBytes), which this process validates.
//
// TERAMIND_READ_IN_PROCESS=1 in the environment skips the child (for debugging a reader under
// gdb or a sanitizer; a damaged file can then take the process down). Inside an isolated child
// reads never fork again: they run directly.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "common/IsolatedCall.h"

namespace teramind {

enum class ProbeKind {
  Hdf5,     // loom, h5ad, condition .h5
  OpenVdb,  // .vdb volumes and conditions
};

// False inside an isolated child and when TERAMIND_READ_IN_PROCESS=1: read directly.
bool readsInChild();

// The child's limits for reading `file`: a timeout of 30 s + 10 s per 100 MB of file (a real
// read of a large file is never cut short); for OpenVDB an address-space limit of what this
// process maps now + 2 × `resultBytes` (the most a valid file's result can hold: the validated
// dense size) + 512 MiB. No memory limit for HDF5 (its failures are crashes and loops), nor
// under a sanitizer (AddressSanitizer's shadow mappings exceed any useful limit).
IsolatedCallLimits probeLimits(const std::filesystem::path& file, ProbeKind kind,
                               std::uint64_t resultBytes = 0);

// HDF5 only (see above): runs `read` in a child (when readsInChild()) and returns when it
// succeeded there, or when it
// threw an error of its own (the caller's in-process read then throws it, with its own type and
// file). Throws FileError(file, ...) when the library crashed, ran past the timeout, or needed
// more memory than the limit. `read` must not report
// progress or touch other threads' state: the child has only the calling thread.
void probeInChild(const std::filesystem::path& file, const std::function<void()>& read,
                  ProbeKind kind, std::uint64_t resultBytes = 0);

// Runs `readAndEncode` in a child (the file's read and its result as bytes) and returns the
// bytes, at most `maxResultBytes` of them. Throws FileError(file, ...) when the read threw (its
// message), the library crashed, ran past the timeout or needed more memory than the limit, or
// the bytes were too many or cut short. Only call it when readsInChild().
std::string readBytesInChild(const std::filesystem::path& file,
                             const std::function<std::string()>& readAndEncode, ProbeKind kind,
                             std::uint64_t resultBytes, std::uint64_t maxResultBytes);

// The read of `file` done only in a child, its result coming back through `encode`/`decode`
// (decode validates: the bytes come from a process whose memory the library may have
// corrupted). When !readsInChild() it is `read()` in this process.
template <typename Result, typename Read, typename Encode, typename Decode>
Result readInChild(const std::filesystem::path& file, Read&& read, Encode&& encode, Decode&& decode,
                   ProbeKind kind, std::uint64_t resultBytes, std::uint64_t maxResultBytes) {
  if (!readsInChild()) return read();
  return decode(readBytesInChild(
      file, [&]() -> std::string { return encode(read()); }, kind, resultBytes, maxResultBytes));
}

// A yes/no question about `file` (is it a binned condition?) answered by a child: its answer,
// or a FileError when the library crashed or looped answering it. Asked in-process when
// !readsInChild(). For OpenVDB the question is never asked again in this process.
bool askInChild(const std::filesystem::path& file, const std::function<bool()>& question,
                ProbeKind kind);

// Tests only: replaces the child's timeout while alive (a looping file is refused in a
// second instead of 30 s).
class ScopedProbeTimeout {
 public:
  explicit ScopedProbeTimeout(std::chrono::milliseconds timeout);
  ~ScopedProbeTimeout();
  ScopedProbeTimeout(const ScopedProbeTimeout&) = delete;
  ScopedProbeTimeout& operator=(const ScopedProbeTimeout&) = delete;

 private:
  std::optional<std::chrono::milliseconds> previous_;
};

}  // namespace teramind
