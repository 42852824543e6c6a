#pragma once

#include <cstdint>
#include <optional>

namespace teramind {

// What every transcript reader accepts as a position on a section, and how it cuts z into
// planes: one policy for Xenium, CosMx, spot tables and SpatialData (docs/formats.md).

// µm beyond which a coordinate is not a section's (no slide is a metre wide). Positions are
// stored as floats; within ±1 m they keep better than 0.1 µm.
inline constexpr double kMaxSectionUm = 1e6;

// `value` × `umPerUnit` in µm as stored, or nullopt when it is not finite or lies beyond
// ±kMaxSectionUm (a wrong scale, or garbage).
std::optional<float> sectionUm(double value, double umPerUnit = 1);

// Whether `z` is a plane index as MERSCOPE's global_z is one: a whole number
// 0 … BinnedCondition::kMaxPlanes − 1.
bool isPlaneIndex(double z);

// Planes cut from a z that only says depth relative to other molecules (Xenium's µm, CosMx's
// focal slice, which may start below 0): planes `step` apart, plane 0 holding the lowest z.
class PlaneCut {
 public:
  // `zMin`: the lowest z of the table; `step` > 0, in z's unit. The cut starts at zMin rounded
  // down to a multiple of `step` (so a table's planes do not depend on which molecules it has).
  PlaneCut(double zMin, double step);
  // floor((z − origin) / step) for z ≥ zMin; nullopt when that is kMaxPlanes or more.
  std::optional<std::uint16_t> plane(double z) const;
  double origin() const { return origin_; }

 private:
  double origin_, step_;
};

}  // namespace teramind
