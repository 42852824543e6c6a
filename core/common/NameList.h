#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace teramind {

// Names for a message, comma-separated: the first `shown`, then ", ..." when there are more; an
// empty name reads "(unnamed)". For errors that list a file's columns or a store's elements.
inline std::string nameList(const std::vector<std::string>& names, std::size_t shown = 12) {
  std::string list;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i)
    list += (i ? ", " : "") + (names[i].empty() ? std::string("(unnamed)") : names[i]);
  if (names.size() > shown) list += ", ...";
  return list;
}

}  // namespace teramind
