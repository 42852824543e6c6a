#include "conditions/EditCommand.h"

#include <cstring>
#include <limits>
#include <stdexcept>

namespace teramind {
namespace {

std::size_t requireGene(const BinnedCondition& condition, const std::string& name) {
  const auto gene = condition.geneIndex(name);
  if (!gene) throw std::invalid_argument("unknown gene '" + name + "' (not in the condition)");
  return *gene;
}

// The value the operation aims for at one bin, before weighting and clamping.
struct Target {
  const BinnedCondition& condition;
  const BinIndex& bin;
  double old;
  std::size_t source;  // CopyFromGene's source gene index

  double operator()(const SetValue& op) const { return op.value; }
  double operator()(const AddValue& op) const { return old + op.value; }
  double operator()(const ScaleValue& op) const { return old * op.factor; }
  double operator()(const KnockOut&) const { return 0.0; }
  double operator()(const CopyFromGene& op) const {
    // 64-bit so that extreme offsets cannot overflow; outside the grid reads as 0.
    const std::int64_t x = std::int64_t(bin.x) - op.dx, y = std::int64_t(bin.y) - op.dy,
                       p = std::int64_t(bin.plane) - op.dplane;
    const auto inRange = [](std::int64_t v) {
      return v >= 0 && v <= std::numeric_limits<std::int32_t>::max();
    };
    if (!inRange(x) || !inRange(y) || !inRange(p)) return 0.0;
    return condition.get(source, {std::int32_t(x), std::int32_t(y), std::int32_t(p)});
  }
};

float blend(double old, double target, double weight) {
  // A full weight lands on the target exactly; old + 1·(target − old) may not round to it.
  double value = weight >= 1.0 ? target : old + weight * (target - old);
  if (!(value > 0)) value = 0;  // also maps NaN from a corrupt source to an absent bin
  if (value > std::numeric_limits<float>::max()) value = std::numeric_limits<float>::max();
  return float(value);
}

bool sameBits(float a, float b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

EditCommand::EditCommand(ConditionEdit edit, std::size_t gene)
    : edit_(std::move(edit)), gene_(gene) {}

EditCommand EditCommand::apply(const ConditionEdit& edit, BinnedCondition& condition,
                               const PaintContext& context) {
  EditCommand command(edit, requireGene(condition, edit.gene()));
  std::size_t source = 0;
  if (const auto* copy = std::get_if<CopyFromGene>(&edit.operation()))
    source = requireGene(condition, copy->sourceGene);
  const auto bins = selectBins(edit.selection(), condition.grid(), context);
  command.touched_ = bins.size();
  // Every new value is computed from the unchanged condition first, then written: a copy
  // within one gene must read the state before this edit.
  for (const auto& [bin, weight] : bins) {
    const float before = condition.get(command.gene_, bin);
    const double target =
        std::visit(Target{condition, bin, double(before), source}, edit.operation());
    const float after = blend(before, target, weight);
    if (!sameBits(before, after))
      command.changes_.push_back({BinnedCondition::key(bin), before, after});
  }
  command.changes_.shrink_to_fit();
  command.redo(condition);
  return command;
}

void EditCommand::undo(BinnedCondition& condition) const {
  for (const auto& c : changes_) condition.set(gene_, BinnedCondition::unpack(c.key), c.before);
}

void EditCommand::redo(BinnedCondition& condition) const {
  for (const auto& c : changes_) condition.set(gene_, BinnedCondition::unpack(c.key), c.after);
}

std::size_t EditCommand::memoryBytes() const {
  return sizeof(*this) - sizeof(edit_) + edit_.memoryBytes() +
         changes_.capacity() * sizeof(BinChange);
}

}  // namespace teramind
