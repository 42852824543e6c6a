#include "io/H5adFile.h"

#include "common/FileError.h"

// Placeholder until the HDF5 reader lands.
namespace teramind {}
