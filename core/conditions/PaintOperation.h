#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace teramind {

// What an edit does to each selected bin. With a soft weight w the bin moves only part way:
// new = old + w·(target − old). Results are clamped to [0, FLT_MAX] (they are counts).
struct SetValue {  // target = value
  double value = 0;
  bool operator==(const SetValue& o) const { return value == o.value; }
};
struct AddValue {  // target = old + value
  double value = 0;
  bool operator==(const AddValue& o) const { return value == o.value; }
};
struct ScaleValue {  // target = old · factor
  double factor = 1;
  bool operator==(const ScaleValue& o) const { return factor == o.factor; }
};
struct KnockOut {  // target = 0
  bool operator==(const KnockOut&) const { return true; }
};
// target = the source gene's value at bin − offset, read before the edit changes anything, so
// copying a gene onto itself with an offset shifts it instead of smearing it.
struct CopyFromGene {
  std::string sourceGene;
  std::int32_t dx = 0, dy = 0, dplane = 0;
  bool operator==(const CopyFromGene& o) const {
    return sourceGene == o.sourceGene && dx == o.dx && dy == o.dy && dplane == o.dplane;
  }
};

using PaintOperation = std::variant<SetValue, AddValue, ScaleValue, KnockOut, CopyFromGene>;

// Throws std::invalid_argument: NaN or infinite parameters, value < 0 or beyond the float range,
// factor < 0, an empty source gene name.
void validate(const PaintOperation& operation);
// "set", "add", "scale", "knock_out", "copy_from": the names the JSON form uses.
const char* operationName(const PaintOperation& operation);

}  // namespace teramind
