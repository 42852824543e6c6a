#pragma once

#include <string>
#include <string_view>

namespace teramind {

// ASCII lower case, for names compared without case (stains, acronyms, gene prefixes, file
// extensions, header fields): bytes outside A–Z stay as they are, whatever the locale.
inline std::string asciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace teramind
