#include "io/VolumeFile.h"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <mutex>

#include <signal.h>

#include "common/AsciiCase.h"
#include "common/AtomicFileWrite.h"
#include "common/TextAffixes.h"
#include "io/ItkVolumeIO.h"
#include "io/VdbVolumeIO.h"

#ifndef TERAMIND_HAVE_ITK
namespace teramind::itkio {
// The engine-only build may lack ITK: say so instead of failing to link.
[[noreturn]] static void unavailable(const std::filesystem::path& file) {
  throw FileError(file, "this build of Tera-MIND has no ITK support (NRRD, NIfTI, TIFF)");
}
VolumeHeader readHeader(const std::filesystem::path& file) {
  unavailable(file);
}
AnyVolume read(const std::filesystem::path& file) {
  unavailable(file);
}
void write(const std::filesystem::path& file, const AnyVolume&) {
  unavailable(file);
}
void writeTiffFrameSidecar(const std::filesystem::path& file, const AnyVolume&) {
  unavailable(file);
}
}  // namespace teramind::itkio
#endif
#ifndef TERAMIND_HAVE_OPENVDB
namespace teramind::vdb {
[[noreturn]] static void unavailable(const std::filesystem::path& file) {
  throw FileError(file, "this build of Tera-MIND has no OpenVDB support");
}
VolumeHeader readHeader(const std::filesystem::path& file) {
  unavailable(file);
}
AnyVolume read(const std::filesystem::path& file) {
  unavailable(file);
}
void write(const std::filesystem::path& file, const AnyVolume&) {
  unavailable(file);
}
}  // namespace teramind::vdb
#endif

namespace teramind {
namespace {

void requireReadable(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw FileError(file, "file does not exist");
  if (!std::filesystem::is_regular_file(file)) throw FileError(file, "not a regular file");
}

// Past RLIMIT_FSIZE (a full quota, `ulimit -f`) the kernel sends SIGXFSZ, whose default
// kills the process mid-write; ignored, the write fails with EFBIG and is reported as a
// FileError while the old file stays. A handler someone else installed is left alone.
void ignoreFileSizeSignal() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGXFSZ, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
      std::signal(SIGXFSZ, SIG_IGN);
  });
}

}  // namespace

std::string volumeFormatName(VolumeFormat format) {
  switch (format) {
    case VolumeFormat::Nrrd:
      return "NRRD";
    case VolumeFormat::Nifti:
      return "NIfTI";
    case VolumeFormat::Tiff:
      return "TIFF";
    case VolumeFormat::OpenVdb:
      return "OpenVDB";
    case VolumeFormat::Png:
      return "PNG";
    case VolumeFormat::Jpeg:
      return "JPEG";
  }
  return "unknown";
}

VolumeFormat volumeFormatOf(const std::filesystem::path& file) {
  const std::string name = asciiLower(file.filename().string());
  if (endsWith(name, ".nrrd") || endsWith(name, ".nhdr")) return VolumeFormat::Nrrd;
  if (endsWith(name, ".nii") || endsWith(name, ".nii.gz")) return VolumeFormat::Nifti;
  if (endsWith(name, ".tif") || endsWith(name, ".tiff")) return VolumeFormat::Tiff;
  if (endsWith(name, ".vdb")) return VolumeFormat::OpenVdb;
  if (endsWith(name, ".png")) return VolumeFormat::Png;
  if (endsWith(name, ".jpg") || endsWith(name, ".jpeg")) return VolumeFormat::Jpeg;
  throw FileError(file,
                  "unknown volume format (expected .nrrd, .nhdr, .nii, .nii.gz, .tif, .tiff, "
                  ".vdb, .png, .jpg or .jpeg)");
}

VolumeHeader readVolumeHeader(const std::filesystem::path& file) {
  const VolumeFormat format = volumeFormatOf(file);
  requireReadable(file);
  VolumeHeader header =
      format == VolumeFormat::OpenVdb ? vdb::readHeader(file) : itkio::readHeader(file);
  header.format = format;
  return header;
}

AnyVolume readVolume(const std::filesystem::path& file) {
  const VolumeFormat format = volumeFormatOf(file);
  requireReadable(file);
  return format == VolumeFormat::OpenVdb ? vdb::read(file) : itkio::read(file);
}

void writeVolume(const std::filesystem::path& file, const AnyVolume& volume) {
  const VolumeFormat format = volumeFormatOf(file);
  if (format == VolumeFormat::Nrrd && file.extension() != ".nrrd")
    throw FileError(file, "writing a detached-header NRRD is not supported; use .nrrd");
  ignoreFileSizeSignal();
  try {
    writeFileAtomically(file, [&](const std::filesystem::path& temporary) {
      if (format == VolumeFormat::OpenVdb) {
        vdb::write(temporary, volume);
      } else {
        itkio::write(temporary, volume);
        // The sidecar lands just before the TIFF, so a failure leaves the old pair together.
      }
    });
  } catch (const FileError& error) {
    if (error.file() == file) throw;
    throw FileError(file, error.problem());  // name the target, not the temporary file
  }
  if (format == VolumeFormat::Tiff) itkio::writeTiffFrameSidecar(file, volume);
}

}  // namespace teramind
