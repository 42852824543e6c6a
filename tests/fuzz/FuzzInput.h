#pragma once

// What every fuzz target shares: the fuzzer's bytes as a file (our readers take paths), and
// the rule that bad input may only end in an error naming the file.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace teramind::fuzz {

// A scratch folder of this process (under $TMPDIR, else /dev/shm), emptied before each input.
std::filesystem::path freshScratchFolder();

// Writes `bytes` as `name` inside the scratch folder and returns its path. The name's
// extension matters: readers detect formats by it.
std::filesystem::path writeInputFile(const std::string& name, std::string_view bytes);

// Splits one input into the files of a folder-shaped format (a MERSCOPE region, a zarr
// store): parts are separated by kPartSeparator, which the dictionaries also hold, so the
// fuzzer can add and remove parts. Missing parts are empty.
inline constexpr std::string_view kPartSeparator = "\n--teramind-part--\n";
std::vector<std::string_view> splitParts(std::string_view input, std::size_t count);

// Runs `read`. An exception whose message names `file` (its file name) is a clean refusal;
// any other exception, or one that names nothing, aborts, so the fuzzer reports it as a
// finding. Crashes, hangs and out-of-memory are caught by the fuzzer and the sanitizers.
void expectCleanRefusal(const std::filesystem::path& file, const std::function<void()>& read);

}  // namespace teramind::fuzz
