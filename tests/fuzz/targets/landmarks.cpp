// Fuzzes the landmarks CSV (--landmarks, the studio's landmark tool): readLandmarks, plain or
// gzip (the reader tells them apart by the magic bytes).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "io/LandmarkFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "landmarks.csv", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(file, [&] { readLandmarks(file); });
  return 0;
}
