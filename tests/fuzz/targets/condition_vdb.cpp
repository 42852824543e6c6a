// Fuzzes an OpenVDB file both ways `teramind info` may take it: as a binned condition
// (metadata probe, then the read) and as a volume (header, then the read); as production reads it,
// in a child (ThirdPartyReadIsolation.h: OpenVDB allocates what a damaged block header says).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "ThirdPartyReadIsolation.h"
#include "io/ConditionFile.h"
#include "io/VolumeFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "condition.vdb", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(file, [&] {
    fuzz::readAsProductionDoes([&] {
      teramind::isConditionFile(file);
      teramind::readCondition(file);
    });
  });
  fuzz::expectCleanRefusal(file, [&] {
    fuzz::readAsProductionDoes([&] {
      teramind::readVolumeHeader(file);
      teramind::readVolume(file);
    });
  });
  return 0;
}
