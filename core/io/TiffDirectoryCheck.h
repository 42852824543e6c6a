#pragma once

#include <filesystem>

namespace teramind {

// Walks every image file directory of a TIFF or BigTIFF in the raw bytes, before any libtiff
// (ours or ITK's bundled one) reads it, and refuses with FileError(file, ...) a directory or
// an entry's values that lie outside the file, a directory chain that loops, or an entry
// count the file cannot hold. libtiff allocates an entry's values by its declared count first:
// an 8 KB file declaring 151 million tile byte counts made ITK's libtiff reallocate 600 MB
// (issue 21, a fuzz finding: seconds under AddressSanitizer).
//
// With `asciiMustEndInNul` (files handed to ITK), an ASCII entry must also end in a NUL byte, as
// TIFF 6.0 requires: ITK 5.2's TIFFImageIO::ReadTIFFTags runs strlen over a one-byte ASCII
// value, so an unknown tag holding one byte that is not NUL is read past its end (a fuzz
// finding: heap-buffer-overflow). libtiff terminates the ASCII tags it knows, so our own
// readers keep taking the sloppy files it accepts.
void checkTiffDirectoriesInFile(const std::filesystem::path& file, bool asciiMustEndInNul = false);

}  // namespace teramind
