#pragma once

#include <functional>

namespace teramind {

// Called by readers with the fraction of the input consumed so far (0..1), a few hundred
// times per file at most. Empty means nobody listens.
using ReadProgress = std::function<void(double fraction)>;

}  // namespace teramind
