#include "transcriptomics/SectionCoordinates.h"

#include <algorithm>
#include <cmath>

#include "transcriptomics/BinnedCondition.h"

namespace teramind {

std::optional<float> sectionUm(double value, double umPerUnit) {
  const double um = value * umPerUnit;
  if (!std::isfinite(um) || std::abs(um) > kMaxSectionUm) return std::nullopt;
  return static_cast<float>(um);
}

bool isPlaneIndex(double z) {
  return z >= 0 && z < BinnedCondition::kMaxPlanes && z == std::floor(z);
}

PlaneCut::PlaneCut(double zMin, double step)
    : origin_(std::floor(zMin / step) * step), step_(step) {}

std::optional<std::uint16_t> PlaneCut::plane(double z) const {
  const double plane = std::floor((z - origin_) / step_);
  if (!(plane < BinnedCondition::kMaxPlanes)) return std::nullopt;
  return static_cast<std::uint16_t>(std::max(0.0, plane));
}

}  // namespace teramind
