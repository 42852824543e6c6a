#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/ConditionEdit.h"
#include "io/DatasetReadOptions.h"

namespace teramind {

// FNV-1a 64 over the bytes, as "fnv1a64:<16 lower-case hex digits>": specified, so the same
// on every compiler and standard library (std::hash is not). Not cryptographic: it tells
// jobs apart, it does not guard against forgery.
std::string stableHash(std::string_view bytes);

// The edits in canonical form, hashed: each edit as editToJson (conditions/ConditionEditJson.h)
// parsed and re-dumped with sorted keys, one per line, then stableHash over that text. The
// same edits give the same digest whether they come from a studio workspace or from a
// document file, whatever its indentation. "" for no edits.
std::string editsDigest(const std::vector<ConditionEdit>& edits);

// The job description RegionGeneration receives (see there for what it adds):
// {"data": absolute path, "edits": editsDigest, "model": absolute path}; paths absolute and
// lexically normal (no ".", "..", trailing "/"), empty ones stay empty. The read options that
// were given join it ("columns" as formatSpotTableColumns writes it, "pixel_um", "min_qv",
// "landmarks" absolute): they change what the data is, so a resume must read it the same way.
// None given adds nothing, so jobs from before these options keep their description.
std::string generationJobDescription(const std::filesystem::path& model,
                                     const std::filesystem::path& data,
                                     const std::vector<ConditionEdit>& edits,
                                     const DatasetReadOptions& read = {});
// The read options a job description (or a whole teramind-job.json) recorded, to read its data
// again the same way; none recorded gives none. Throws std::invalid_argument naming a bad one.
DatasetReadOptions jobReadOptions(const std::string& description);

// The file a generation output keeps its job's description in, for the output's life
// (RegionGeneration writes it; RealStainsOfJob reads it), and how it is read: whole, as text;
// FileError naming it when it cannot be opened.
inline constexpr const char* kJobFileName = "teramind-job.json";
std::string readJobFile(const std::filesystem::path& file);

}  // namespace teramind
