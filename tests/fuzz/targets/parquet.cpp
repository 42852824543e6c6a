// The Parquet reader (Xenium transcripts.parquet, SpatialData points): the footer, then every
// column chunk of every row group as numbers and as strings.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzInput.h"
#include "io/ParquetFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace teramind;
  fuzz::freshScratchFolder();
  const auto file = fuzz::writeInputFile(
      "transcripts.parquet", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expectCleanRefusal(file, [&] {
    const ParquetFile parquet(file);
    for (std::size_t g = 0; g < parquet.rowGroupCount(); ++g) {
      for (std::size_t c = 0; c < parquet.columns().size(); ++c) {
        // Each column on its own, so a refusal of one still lets the fuzzer reach the next.
        fuzz::expectCleanRefusal(file, [&] { parquet.readStrings(g, c); });
        if (parquet.columns()[c].type != ParquetFile::PhysicalType::ByteArray)
          fuzz::expectCleanRefusal(file, [&] { parquet.readNumbers(g, c); });
      }
    }
  });
  return 0;
}
