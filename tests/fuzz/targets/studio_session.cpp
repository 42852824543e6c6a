// A studio session file (JSON), as File → Open Session reads it.

#include <cstddef>
#include <cstdint>

#include "FuzzInput.h"
#include "workflow/StudioSession.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file =
      fuzz::writeInputFile("session.teramind.json", {reinterpret_cast<const char*>(data), size});
  fuzz::expectCleanRefusal(file, [&] {
    const auto session = StudioSession::load(file);
    // What loads must save again: the studio saves the session it restored.
    session.save(file.string() + ".saved");
  });
  return 0;
}
