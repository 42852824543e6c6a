// The safetensors reader (model checkpoints): the header alone, then every tensor.

#include <cstddef>
#include <cstdint>

#include "FuzzInput.h"
#include "io/SafetensorsFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file =
      fuzz::writeInputFile("model.safetensors", {reinterpret_cast<const char*>(data), size});
  fuzz::expectCleanRefusal(file, [&] { readSafetensorsHeader(file); });
  fuzz::expectCleanRefusal(file, [&] { readSafetensors(file); });
  return 0;
}
