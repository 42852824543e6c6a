#pragma once

#include <filesystem>
#include <string>

namespace teramind::test {

struct ImageDifference {
  bool comparable = false;       // same size, both readable
  double meanAbsolute = 0;       // mean |a-b| over channels, 0–255
  double differingFraction = 0;  // pixels with any channel differing by more than 32
  std::string message;
};

// Compares a rendered PNG with the baseline of the same name in tests/baselines/. Without a
// baseline, or when they differ beyond tolerance, the rendered image and a diff image are left
// in Testing/Temporary. TERAMIND_UPDATE_BASELINES=1 writes the baseline instead.
ImageDifference compareWithBaseline(const std::filesystem::path& rendered,
                                    const std::string& baselineName);

// Tolerances for software (llvmpipe) rendering across machines.
inline bool matchesBaseline(const ImageDifference& d) {
  return d.comparable && d.meanAbsolute < 4.0 && d.differingFraction < 0.02;
}

}  // namespace teramind::test
