// An OME-Zarr v3 store as `teramind export` and `teramind seams` read it: the metadata, a
// chunk, the seams over every chunk, and level 0 exported as a NRRD volume.

#include <cstddef>
#include <cstdint>

#include "OmeZarrStoreInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  teramind::fuzz::readOmeZarrStoreInput({reinterpret_cast<const char*>(data), size},
                                        teramind::fuzz::kOmeZarrV3Files);
  return 0;
}
