#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace teramind {

// Writes through a temporary file beside `target` (same extension, so format detection by
// name still works) and renames it into place: an existing file is never left truncated.
// The first write into a directory also removes the temporaries that dead writers left there
// (removeStaleTemporaries), so a killed run's litter goes on the next run.
void writeFileAtomically(const std::filesystem::path& target,
                         const std::function<void(const std::filesystem::path& temporary)>& write);

// `text` as the whole file, atomically. Throws FileError.
void writeTextFileAtomically(const std::filesystem::path& target, const std::string& text);

// The name of a fresh temporary for `target`: ".partial-<pid>-<tag><n>-<name>" beside it.
// Every writer that renames into place names its temporaries so, so that the cleaners below
// recognise them and can tell a live writer's from a dead one's.
std::filesystem::path temporaryPathFor(const std::filesystem::path& target,
                                       const std::string& tag = {});

// The process id in a temporary's name, or nullopt when `name` is not one of ours.
std::optional<long> temporaryWriterPid(const std::string& name);

// Removes the temporaries in `directory` (not below it) whose writer process is gone; a live
// writer's (kill(pid, 0) does not say ESRCH) are kept. Returns how many were removed.
int removeStaleTemporaries(const std::filesystem::path& directory);

// Like removeStaleTemporaries, once per directory per process: for writers called per file.
void removeStaleTemporariesOnce(const std::filesystem::path& directory);

// What a writer killed mid-write leaves beside its targets in `directory` (recursively):
// the temporary files, never valid data, whoever wrote them. Only for a directory the caller
// owns (a job's output); returns how many were removed.
int removeUnfinishedWrites(const std::filesystem::path& directory);

}  // namespace teramind
