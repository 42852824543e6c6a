// A dataset folder's dataset.json (our manifest: transcripts, stains, outlines, placement),
// with the transcript table it names: parts dataset.json and transcripts.csv.

#include <cstddef>
#include <cstdint>

#include "FuzzInput.h"
#include "io/SpatialDataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  // Every file lies in this folder, so an error naming any of them names the input.
  const auto folder = fuzz::freshScratchFolder() / "fuzzdataset";
  const auto parts = fuzz::splitParts({reinterpret_cast<const char*>(data), size}, 2);
  fuzz::writeInputFile("fuzzdataset/dataset.json", parts[0]);
  fuzz::writeInputFile("fuzzdataset/transcripts.csv", parts[1]);
  fuzz::expectCleanRefusal(folder, [&] {
    detectSpatialFormat(folder);
    loadSpatialDataset(folder);
  });
  return 0;
}
