#pragma once

#include <filesystem>
#include <vector>

#include "atlas/Structure.h"

namespace teramind {

// Reads an Allen structure-graph JSON (a root structure with nested `children`, bare, as a
// one-element array, or wrapped by the Allen API as {"msg": [root]}) into its structures in
// pre-order. Events are handled with an explicit stack and checked against AtlasOntology's
// limits as they arrive, so no nesting reaches the C++ stack and no JSON tree is built.
// Throws FileError naming the file and the structure, depth or byte offset of the problem.
std::vector<Structure> readOntologyJson(const std::filesystem::path& file);

}  // namespace teramind
