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
  // Levels below the root (0 for the root), set on load. The path itself is not stored, so a
  // long chain costs linear memory: AtlasOntology::idPath walks the parents on demand.
  int depth = 0;
  std::vector<StructureId> childIds;  // in graph order
};

// "7ED04B" as red, green, blue; empty unless exactly six hex digits.
inline std::optional<std::array<std::uint8_t, 3>> parseHexColor(const std::string& hex) {
  if (hex.size() != 6) return std::nullopt;
  unsigned rgb = 0;
  for (char c : hex) {
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (digit < 0) return std::nullopt;
    rgb = rgb << 4 | static_cast<unsigned>(digit);
  }
  return std::array<std::uint8_t, 3>{static_cast<std::uint8_t>(rgb >> 16),
                                     static_cast<std::uint8_t>(rgb >> 8),
                                     static_cast<std::uint8_t>(rgb)};
}

}  // namespace teramind
