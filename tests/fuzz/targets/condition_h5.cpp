// Fuzzes a binned condition in HDF5 (.h5): the metadata probe, then the full read, as
// `teramind info` and the studio open one: only in a child (ThirdPartyReadIsolation.h).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "ThirdPartyReadIsolation.h"
#include "io/ConditionFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "condition.h5", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(file, [&] {
    fuzz::readAsProductionDoes([&] {
      teramind::isConditionFile(file);
      teramind::readCondition(file);
    });
  });
  return 0;
}
