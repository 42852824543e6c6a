#include "conditions/ConditionEdit.h"

#include <stdexcept>

namespace teramind {
namespace {

// Heap storage only counts when it outgrows the small-string buffer.
std::size_t stringHeapBytes(const std::string& s) {
  return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
}

struct SelectionHeapBytes {
  std::size_t operator()(const BrushStroke& s) const {
    return s.centres.capacity() * sizeof(BrushCentre);
  }
  std::size_t operator()(const PolygonSelection& s) const {
    return s.verticesUm.capacity() * sizeof(s.verticesUm[0]);
  }
  std::size_t operator()(const AtlasRegionSelection&) const { return 0; }
};

}  // namespace

ConditionEdit::ConditionEdit(std::string gene, Selection selection, PaintOperation operation)
    : gene_(std::move(gene)), selection_(std::move(selection)), operation_(std::move(operation)) {
  if (gene_.empty()) throw std::invalid_argument("edit gene name is empty");
  validate(selection_);
  validate(operation_);
}

std::size_t ConditionEdit::memoryBytes() const {
  std::size_t bytes = sizeof(*this) + stringHeapBytes(gene_);
  bytes += std::visit(SelectionHeapBytes{}, selection_);
  if (const auto* copy = std::get_if<CopyFromGene>(&operation_))
    bytes += stringHeapBytes(copy->sourceGene);
  return bytes;
}

}  // namespace teramind
