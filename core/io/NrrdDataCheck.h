#pragma once

#include "io/NrrdHeader.h"

namespace teramind {

// Reads the data a checked header declares, for the encodings that are not raw (raw data was
// sized against the file by the header check): the gzip stream decoded to its end, bounded by
// the declared bytes (a short, long or corrupt stream is refused with the byte offset where
// it goes wrong), hex digits counted, ASCII values parsed. ITK's NRRD reader leaks its nrrd
// struct and gzip stream each time it throws on bad data (issue 21, fuzz finding), so nothing
// it would throw on may reach it. Throws FileError naming the data file.
void checkNrrdData(const NrrdHeader& header);

}  // namespace teramind
