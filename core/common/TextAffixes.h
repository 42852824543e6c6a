#pragma once

#include <string_view>

namespace teramind {

// Whether `text` ends with `tail` (byte for byte; lower-case a file name first to ignore case).
inline bool endsWith(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace teramind
