#include "io/ParquetParts.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include <fmt/core.h>

#include "common/FileError.h"
#include "common/TextAffixes.h"

namespace teramind {
namespace fs = std::filesystem;

namespace {
constexpr std::size_t kMaxParts = 1000000;
}

std::vector<fs::path> parquetParts(const fs::path& element, const char* name) {
  const fs::path data = element / name;
  std::error_code ec;
  if (fs::is_regular_file(data, ec)) return {data};
  if (!fs::is_directory(data, ec)) throw FileError(element, std::string("has no ") + name);
  std::map<std::uint64_t, fs::path> numbered;
  std::vector<fs::path> others;
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.size() < 9 || !endsWith(file, ".parquet") || file[0] == '.' || file[0] == '_')
      continue;  // _metadata, _common_metadata, hidden files
    if (numbered.size() + others.size() >= kMaxParts)
      throw FileError(data, fmt::format("more than {} parts", kMaxParts));
    const std::string stem = file.substr(0, file.size() - 8);
    if (stem.rfind("part.", 0) == 0 && stem.size() > 5 && stem.size() < 17 &&
        std::all_of(stem.begin() + 5, stem.end(), [](char c) { return c >= '0' && c <= '9'; }))
      numbered[std::stoull(stem.substr(5))] = entry.path();
    else
      others.push_back(entry.path());
  }
  if (ec) throw FileError(data, "cannot be listed: " + ec.message());
  std::uint64_t expected = 0;
  for (const auto& [n, file] : numbered) {
    if (n != expected)
      throw FileError(data / fmt::format("part.{}.parquet", expected),
                      fmt::format("missing: the parts run part.0 … part.{} with a gap",
                                  numbered.rbegin()->first));
    ++expected;
  }
  std::sort(others.begin(), others.end());
  std::vector<fs::path> parts;
  for (auto& [n, file] : numbered) parts.push_back(file);
  parts.insert(parts.end(), others.begin(), others.end());
  if (parts.empty()) throw FileError(data, "holds no .parquet part");
  return parts;
}

}  // namespace teramind
