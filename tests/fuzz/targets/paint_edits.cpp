// One paint edit as JSON text (ConditionEditJson): what a condition document's edit list holds.
// The text API refuses with std::invalid_argument naming the field; an edit that reads must
// write and read back to the same edit, bit for bit.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include "conditions/ConditionEditJson.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  std::optional<ConditionEdit> edit;
  try {
    edit = editFromJson(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const std::invalid_argument&) {
    return 0;  // the documented refusal
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fuzz: an error other than std::invalid_argument: %s\n", error.what());
    std::abort();
  }
  // Outside the try: an edit that was read must write and read back without any error.
  const std::string written = editToJson(*edit);
  if (!(editFromJson(written) == *edit)) {
    std::fprintf(stderr, "fuzz: the edit does not read back the same: %s\n", written.c_str());
    std::abort();
  }
  return 0;
}
