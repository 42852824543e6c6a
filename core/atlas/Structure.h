#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace teramind {

using StructureId = std::uint32_t;

// One brain structure of the Allen ontology (structure graph 1).
struct Structure {
  StructureId id = 0;
  std::string acronym;
  std::string name;
  std::optional<StructureId> parentId;  // empty for the root
  std::array<std::uint8_t, 3> color{0, 0, 0};
  int graphOrder = 0;
  std::vector<StructureId> idPath;    // root first, ending with id
  std::vector<StructureId> childIds;  // in graph order
};

}  // namespace teramind
