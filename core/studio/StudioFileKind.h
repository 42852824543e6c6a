#pragma once

#include <filesystem>

namespace teramind {

// What a path given to the studio (File → Open, a drop, the command line) holds: judged by
// content where names are not enough — a studio session and a condition document are both
// JSON, as is a dataset manifest.
enum class StudioFileKind { Session, ConditionDocument, Model, Dataset };

// Anything that is not a session, document or model is taken as a dataset (its loader names
// the problem when it is not one either).
StudioFileKind studioFileKind(const std::filesystem::path& path);

}  // namespace teramind
