// A condition document's JSON (`teramind paint --doc`, the studio's painted condition, and
// `generate --edits`): format, placement, grid, genes and the edit list. Its condition file
// (.h5) is the condition_h5 target's; here it is absent, so a document that parses whole ends
// in the clean "missing condition" refusal.

#include <cstddef>
#include <cstdint>

#include "FuzzInput.h"
#include "conditions/ConditionDocument.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file =
      fuzz::writeInputFile("painted.json", {reinterpret_cast<const char*>(data), size});
  fuzz::expectCleanRefusal(file, [&] { ConditionDocument::load(file); });
  return 0;
}
