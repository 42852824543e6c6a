#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace teramind::synthetic {

// SplitMix64's finaliser: a strong 64-bit mix, so neighbouring keys give unrelated streams.
inline std::uint64_t mixBits(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// One key from several (seed, purpose, index…): each cell, tile and field draws its own
// stream, so the order in which threads reach them never changes a byte.
inline std::uint64_t streamKey(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t key = 0x6A09E667F3BCC908ull;
  for (const std::uint64_t part : parts) key = mixBits(key ^ (part + 0x9E3779B97F4A7C15ull));
  return key;
}

// SplitMix64: tiny state, fast, and good enough for synthetic data.
class Random {
 public:
  explicit Random(std::uint64_t key) : state_(key) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return mixBits(state_);
  }
  // [0, 1)
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::uint32_t below(std::uint32_t n) {
    return std::uint32_t((next() >> 32) * std::uint64_t(n) >> 32);
  }
  // Standard normal (Box–Muller, one value per call: no hidden state to carry).
  double normal() {
    const double u = 1.0 - uniform();  // (0, 1]
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * uniform());
  }
  // Poisson counts: exact for small means, normal approximation above 30.
  std::int64_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 30) {
      const double value = std::round(mean + std::sqrt(mean) * normal());
      return value < 0 ? 0 : std::int64_t(value);
    }
    const double limit = std::exp(-mean);
    std::int64_t k = 0;
    for (double p = uniform(); p > limit; p *= uniform()) ++k;
    return k;
  }

 private:
  std::uint64_t state_;
};

// Roughly normal from one draw: the sum of four 16-bit uniforms (range ±3.46), for per-pixel
// noise where Box–Muller would cost more than the rest of the pixel.
inline float cheapNormal(std::uint64_t bits) {
  const std::uint32_t sum = std::uint32_t(bits & 0xFFFF) + std::uint32_t((bits >> 16) & 0xFFFF) +
                            std::uint32_t((bits >> 32) & 0xFFFF) + std::uint32_t(bits >> 48);
  return (float(sum) - 131070.0f) * (1.0f / 37837.2f);
}

}  // namespace teramind::synthetic
