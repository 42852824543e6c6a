#pragma once

#include <array>
#include <cstdint>

namespace teramind {

// Viridis (matplotlib's perceptually uniform map), piecewise linear through 9 of its
// colours: t in [0, 1] (clamped) → 8-bit RGB.
std::array<std::uint8_t, 3> viridis(double t);

}  // namespace teramind
