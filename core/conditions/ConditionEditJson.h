#pragma once

#include <string>

#include "conditions/ConditionEdit.h"

namespace teramind {

// An edit as JSON text, e.g.
//   {"gene":"Gad1","selection":{"type":"brush","shape":"disk","edge":"soft","radius_um":40.0,
//    "hardness":0.5,"centres":[[120.5,88.0,0]]},"operation":{"type":"add","value":2.0}}
// Doubles are written with the shortest text that reads back to the same bits, so
// editFromJson(editToJson(e)) == e exactly. indent < 0 writes one line.
std::string editToJson(const ConditionEdit& edit, int indent = -1);
// Throws std::invalid_argument naming the field for malformed JSON, missing or mistyped
// fields, unknown types, and the parameter checks of ConditionEdit.
ConditionEdit editFromJson(const std::string& text);

}  // namespace teramind
