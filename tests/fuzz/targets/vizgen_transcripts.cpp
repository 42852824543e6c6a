// Fuzzes readVizgenTranscripts: a MERSCOPE detected_transcripts.csv, plain or gzip (the reader
// tells them apart by the magic bytes, so one name serves both).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "transcriptomics/TextFormatReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fuzz = teramind::fuzz;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "detected_transcripts.csv", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(file, [&] { teramind::readVizgenTranscripts(file); });
  return 0;
}
