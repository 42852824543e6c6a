#pragma once

#include <stdexcept>
#include <string>

namespace teramind {

// Work stopped because its caller asked it to (a cancel button, a window closing, a newer
// request): not an error to show, and nothing half made is left behind by whoever throws it.
class OperationCancelled : public std::runtime_error {
 public:
  explicit OperationCancelled(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace teramind
