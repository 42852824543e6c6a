#pragma once

// A binned condition as bytes: how a reader that ran in an isolated child
// (io/ThirdPartyReadIsolation.h) sends it back. Decoding validates everything (the grid, the
// gene names, each gene's entries inside the grid, once, non-zero; counts bounded by the bytes
// and by the caller's limit) because the bytes come from a process that ran a library which may
// have corrupted its memory.

#include <cstdint>
#include <filesystem>
#include <string>

#include "transcriptomics/BinnedCondition.h"

namespace teramind {

// The grid, the gene names, then per gene its non-zero bins (packed key, value) in key order.
std::string encodeCondition(const BinnedCondition& condition);
// Throws FileError(file, ...) naming the result offset when the bytes are not a condition or
// hold more than `maxEntries` non-zero bins in all.
BinnedCondition decodeCondition(const std::string& bytes, const std::filesystem::path& file,
                                std::uint64_t maxEntries);

}  // namespace teramind
