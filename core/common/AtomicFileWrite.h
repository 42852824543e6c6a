#pragma once

#include <filesystem>
#include <functional>

namespace teramind {

// Writes through a temporary file beside `target` (same extension, so format detection by
// name still works) and renames it into place: an existing file is never left truncated.
void writeFileAtomically(const std::filesystem::path& target,
                         const std::function<void(const std::filesystem::path& temporary)>& write);

}  // namespace teramind
