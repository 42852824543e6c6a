#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace teramind {

// Writes through a temporary file beside `target` (same extension, so format detection by
// name still works) and renames it into place: an existing file is never left truncated.
void writeFileAtomically(const std::filesystem::path& target,
                         const std::function<void(const std::filesystem::path& temporary)>& write);

// `text` as the whole file, atomically. Throws FileError.
void writeTextFileAtomically(const std::filesystem::path& target, const std::string& text);

// What a writer killed mid-write leaves beside its targets in `directory` (recursively):
// the temporary files, never valid data. Returns how many were removed.
int removeUnfinishedWrites(const std::filesystem::path& directory);

}  // namespace teramind
