#pragma once

// Internal to teramind_conditions (nlohmann_json is a private dependency): the JSON value
// form of an edit, for the .cpp files that embed edits in larger documents.

#include <nlohmann/json.hpp>

#include "conditions/ConditionEdit.h"

namespace teramind {

nlohmann::json editToJsonValue(const ConditionEdit& edit);
// Throws std::invalid_argument naming the offending field.
ConditionEdit editFromJsonValue(const nlohmann::json& value);
// `object[name]`; std::invalid_argument when `object` is not an object or lacks the field.
const nlohmann::json& jsonField(const nlohmann::json& object, const char* name);

}  // namespace teramind
