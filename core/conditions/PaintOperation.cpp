#include "conditions/PaintOperation.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace teramind {
namespace {

void checkValue(double value, const char* what) {
  if (!std::isfinite(value)) throw std::invalid_argument(std::string(what) + " is not finite");
  if (value < 0) throw std::invalid_argument(std::string(what) + " must not be negative");
  // A count beyond the float range could only be stored as infinity.
  if (value > std::numeric_limits<float>::max())
    throw std::invalid_argument(std::string(what) + " exceeds the float range");
}

struct Validator {
  void operator()(const SetValue& op) const { checkValue(op.value, "set value"); }
  void operator()(const AddValue& op) const { checkValue(op.value, "add value"); }
  void operator()(const ScaleValue& op) const {
    if (!std::isfinite(op.factor)) throw std::invalid_argument("scale factor is not finite");
    if (op.factor < 0) throw std::invalid_argument("scale factor must not be negative");
  }
  void operator()(const KnockOut&) const {}
  void operator()(const CopyFromGene& op) const {
    if (op.sourceGene.empty()) throw std::invalid_argument("copy source gene name is empty");
  }
};

struct Namer {
  const char* operator()(const SetValue&) const { return "set"; }
  const char* operator()(const AddValue&) const { return "add"; }
  const char* operator()(const ScaleValue&) const { return "scale"; }
  const char* operator()(const KnockOut&) const { return "knock_out"; }
  const char* operator()(const CopyFromGene&) const { return "copy_from"; }
};

}  // namespace

void validate(const PaintOperation& operation) {
  std::visit(Validator{}, operation);
}

const char* operationName(const PaintOperation& operation) {
  return std::visit(Namer{}, operation);
}

}  // namespace teramind
